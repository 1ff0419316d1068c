"""Render a validation report as text, JSON or GitHub workflow annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from manpower import catalogue, limits
from manpower.catalogue import Problem
from manpower.contributing.plain_words import ids_in, plain
from manpower.limits import MAX_MESSAGE_CHARS, excerpt
from manpower.releasing.changelog import diff_markdown, listed

# type names only: importing them would load submit and the validation runner wherever a
# report is rendered (the DVC validate stage among them)
if TYPE_CHECKING:
    from manpower.contributing.canonical_form import FormatResult
    from manpower.contributing.coverage import Coverage
    from manpower.contributing.dataset_import import ImportResult
    from manpower.contributing.submit import SubmitResult
    from manpower.releasing.diff import PackageDiff
    from manpower.validation.runner import Report
    from manpower.views.compare import Group


def _where(p: Problem) -> str:
    parts = [f"{p.table}.csv" if p.table != "datapackage" else "datapackage.json"]
    if p.row is not None:
        parts.append(f"row {p.row}")
    if p.field:
        parts.append(f"column {p.field}")
    return ", ".join(parts)


def _line(where: str, value: str | None, rule: str, message: str, fix: str) -> str:
    """One error in plain words: where, the value, the rule, what is wrong and how to fix it.

    Whatever came from a file is cut to an excerpt: a cell or a label may be megabytes long.
    """
    shown = f" value {excerpt(value)!r}:" if value not in (None, "") else ""
    advice = f" Fix: {fix}." if fix else ""
    where, message = excerpt(where, MAX_MESSAGE_CHARS), excerpt(message, MAX_MESSAGE_CHARS)
    return f"{where}:{shown} [{rule}] {message}.{advice}"


def _unlisted(unlisted: dict[str, int]) -> list[str]:
    """One line per rule with errors beyond the ones listed."""
    return [
        f"... and {count:,} more [{rule}] error{'s' * (count != 1)} not listed (the first "
        f"{limits.MAX_PROBLEMS_PER_RULE} of each rule are)"
        for rule, count in sorted(unlisted.items())
        if count
    ]


def text_line(p: Problem) -> str:
    return _line(_where(p), p.value, p.rule, p.message, p.fix)


def render_report(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    # people read the plain-words translation; JSON keeps the engines' own notes for machines
    known = ids_in(Path(report.root))
    problems = [plain(p, known) for p in report.problems]
    if fmt == "github":
        lines = [
            _annotation(
                "datapackage.json" if p.table == "datapackage" else f"data/{p.table}.csv",
                p.row,
                p.rule,
                text_line(p),
            )
            for p in problems
        ]
        lines += _unlisted(report.unlisted)
        lines.append(_summary(report))
        return "\n".join(lines)
    lines = [text_line(p) for p in problems]
    lines += _unlisted(report.unlisted)
    lines.append(_summary(report))
    return "\n".join(lines)


def _summary(report: Report) -> str:
    rows = ", ".join(f"{t} {n}" for t, n in report.rows.items())
    if report.valid:
        return f"valid: {rows} rows"
    errors = f"{report.errors} error{'s' * (report.errors != 1)}"
    return f"invalid: {errors}" + (f" ({rows} rows)" if rows else "")


def _escape_data(text: str) -> str:
    """A workflow command's message, as GitHub's toolkit escapes it (``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property value (``escapeProperty``): a file name with a line break,
    ``:`` or ``,`` in it would otherwise end the command and start a forged one."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(file: str, row: int | None, rule: str, text: str) -> str:
    line = f",line={row}" if row is not None else ""
    return (
        f"::error file={_escape_property(file)}{line},title={_escape_property(rule)}::"
        f"{_escape_data(text)}"
    )


def finding_line(f: Problem) -> str:
    """A problem of a submitted file: where is the file as the user named it."""
    where = ", ".join(
        [
            f.file or f.table,
            *([f"row {f.row}"] if f.row is not None else []),
            *([f"column {f.field}"] * bool(f.field)),
        ]
    )
    return _line(where, f.value, f.rule, f.message, f.fix)


def render_submit(result: SubmitResult, fmt: str) -> str:
    """What a submission changed or would change, or why it was rejected."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    lines = []
    if fmt == "github":
        lines = [
            _annotation(f.file or f.table, f.row, f.rule, finding_line(f)) for f in result.findings
        ]
    else:
        lines = [finding_line(f) for f in result.findings]
    if not result.valid:
        lines += _unlisted(result.unlisted)
        files = ", ".join(dict.fromkeys(f.file or f.table for f in result.findings))
        lines.append(
            f"rejected: {result.errors} error{'s' * (result.errors != 1)} "
            f"({files}); nothing was written to data/"
        )
        return "\n".join(lines)
    verb = ("would add", "would change") if result.dry_run else ("added", "changed")
    for table, change in result.changes.items():
        parts = [f"{len(change.added)} {verb[0]}"]
        if change.edited:
            parts.append(f"{len(change.edited)} {verb[1]} ({', '.join(change.edited)})")
        parts.append(f"{change.unchanged} already present")
        lines.append(f"{table}: {', '.join(parts)}")
    if not result.pending:
        lines.append(
            "Nothing to add: every submitted row is already in data/; nothing was written."
        )
    elif result.dry_run:
        tables = ", ".join(f"data/{t}.csv" for t in result.pending)
        lines.append(
            f"Dry run: the submission is valid; {tables} would change; nothing was written."
        )
    else:
        lines.append(f"Wrote {', '.join(result.written)}.")
        lines.append(
            "Next: run `manpower build`, commit data/, reports/ and datapackage.json, and open a "
            "pull request naming the source document and quoting the figures."
        )
    return "\n".join(lines)


def render_fmt(results: list[FormatResult], check: bool) -> str:
    lines = []
    for r in results:
        name = f"data/{r.table}.csv"
        if r.changed:
            state = "not canonical" if check else "reformatted"
            lines.append(f"{name}: {state} ({'; '.join(r.reasons)})")
    changed = sum(r.changed for r in results)
    if not changed:
        lines.append(f"{len(results)} tables already canonical")
    elif check:
        lines.append(f"{changed} of {len(results)} tables not canonical: run `manpower fmt`")
    else:
        lines.append(f"{changed} of {len(results)} tables rewritten in canonical form")
    return "\n".join(lines)


# Beyond this many rows per list, text and Markdown say how many more there are.
def _side(label: str, version: str) -> str:
    return f"{version or '(no version)'} ({label})"


def render_diff(diff: PackageDiff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return diff_markdown(diff)
    lines = [
        f"manpower {_side(diff.old_label, diff.old_version)} -> "
        f"{_side(diff.new_label, diff.new_version)}"
    ]
    for table in diff.tables:
        if table.empty:
            continue
        lines.append(
            f"{table.name}: {len(table.added)} added, {len(table.removed)} removed, "
            f"{len(table.changed)} changed"
        )
        lines += [f"  + {k}" for k in listed(table.added)]
        lines += [f"  - {k}" for k in listed(table.removed)]
        changed = [
            f"{c.key}: " + "; ".join(f"{f} {o!r} -> {n!r}" for f, (o, n) in c.fields.items())
            for c in table.changed
        ]
        lines += [f"  ~ {c}" for c in listed(changed)]
        lines += [f"  schema [{c.level}]: {c.text}" for c in table.schema]
    lines += [f"package [{c.level}]: {c.text}" for c in diff.metadata]
    if diff.empty:
        lines.append("no changes")
    lines.append(
        f"bump required: {diff.level}"
        + (f" ({diff.old_version} -> {diff.next_version})" if diff.next_version else "")
    )
    return "\n".join(lines)


_COVERAGE_TABLE = {
    catalogue.UNACCOUNTED: "claims",
    catalogue.QUOTE_NOT_FOUND: "claims",
    catalogue.EXCLUSION_NOT_FOUND: "exclusions",
    catalogue.DOCUMENT_MISSING: "sources",
    catalogue.DOCUMENT_CHANGED: "sources",
    catalogue.DOCUMENT_TOO_LARGE: "sources",
    catalogue.DATASET_NOT_COVERED: "claims",
}


def render_coverage(coverage: Coverage, fmt: str) -> str:
    """Each figure not accounted for, with its document, line and context; then a summary."""
    if fmt == "json":
        return json.dumps(coverage.to_dict(), indent=2, ensure_ascii=False)
    lines = []
    for gap in coverage.gaps:
        where = f"{gap.document}:{gap.line}" if gap.line is not None else gap.document
        context = f": {gap.context}" if gap.context and gap.kind == catalogue.UNACCOUNTED else ""
        text = f"{where}: [{gap.kind}] {gap.message}{context}"
        if fmt == "github":
            # the documents live outside the repository: annotate the table to change instead
            text = _annotation(f"data/{_COVERAGE_TABLE[gap.kind]}.csv", None, gap.kind, text)
        lines.append(text)
    count = len(coverage.documents)
    documents = f"{count} document{'s' * (count != 1)}"
    if coverage.ok:
        lines.append(
            f"covered: {coverage.figures} figures in {documents}, each a claim or an exclusion"
        )
    else:
        lines.append(
            f"not covered: {len(coverage.gaps)} problem{'s' * (len(coverage.gaps) != 1)} "
            f"({coverage.figures} figures in {documents}). Fix: "
            + catalogue.fix(catalogue.UNACCOUNTED)
        )
    return "\n".join(lines)


def render_import(result: ImportResult, fmt: str) -> str:
    """What importing a dataset snapshot added, revised and kept, or why it was rejected."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "github":
        lines = [
            _annotation(p.file or p.table, p.row, p.rule, finding_line(p)) for p in result.problems
        ]
    else:
        lines = [finding_line(p) for p in result.problems]
    if not result.valid:
        lines += _unlisted(result.unlisted)
        errors = len(result.problems) + sum(result.unlisted.values())
        lines.append(
            f"rejected: {errors} error{'s' * (errors != 1)} ({result.mapping}, snapshot "
            f"{result.snapshot}); nothing was written to data/"
        )
        return "\n".join(lines)
    for locator, metric, claim_id in result.disappeared:
        lines.append(
            f"disappeared: {metric} of record {locator} is not in snapshot {result.snapshot}; "
            f"its claim {claim_id} stays (it was asserted in the snapshot it came from)"
        )
    verb = "would add" if result.dry_run else "added"
    lines.append(
        f"{result.source_id}: {result.records} records; {verb} {len(result.added)} new claims "
        f"and {len(result.revised)} revisions (superseding the earlier claim), "
        f"{result.unchanged} unchanged (the earlier claim stands), "
        f"{len(result.disappeared)} disappeared"
    )
    if not result.added and not result.revised and not result.new_source:
        lines.append("Nothing to import: the snapshot is in data/ already; nothing was written.")
    elif result.dry_run:
        lines.append("Dry run: the import is valid; nothing was written.")
    else:
        lines.append(f"Wrote {', '.join(result.written)}. Next: run `manpower build`.")
    return "\n".join(lines)


def render_rejected(problems: list[Problem], unlisted: dict[str, int], fmt: str) -> str:
    """A mapping, snapshot or records refused before any claim was made."""
    if fmt == "json":
        return json.dumps(
            {
                "valid": False,
                "problems": [p.to_dict() for p in problems],
                "unlisted_by_rule": dict(sorted(unlisted.items())),
            },
            indent=2,
            ensure_ascii=False,
        )
    if fmt == "github":
        lines = [_annotation(p.file or p.table, p.row, p.rule, finding_line(p)) for p in problems]
    else:
        lines = [finding_line(p) for p in problems]
    lines += _unlisted(unlisted)
    errors = len(problems) + sum(unlisted.values())
    lines.append(f"rejected: {errors} error{'s' * (errors != 1)}; nothing was written to data/")
    return "\n".join(lines)


def _group_line(group: Group) -> str:
    from manpower.views.compare import stated

    category = f" [{group.category}]" if group.category else ""
    values = "; ".join(f"{stated(c)} ({c['source_id']}: {c['claim_id']})" for c in group.claims)
    verdict = "agree" if group.agree else "DISAGREE"
    return (
        f"{group.claimant_id} {group.metric_id}{category} on {group.period_end}: {verdict}: "
        f"{values}"
    )


def render_compare(groups: list[Group], fmt: str) -> str:
    """The claims of each quantity reported by several sources, and whether they agree."""
    if fmt == "json":
        return json.dumps({"groups": [g.to_dict() for g in groups]}, indent=2, ensure_ascii=False)
    lines = []
    for group in groups:
        if fmt == "github":
            if not group.agree:
                lines.append(
                    _warning("data/claims.csv", catalogue.CLAIMS_DISAGREE, _group_line(group))
                )
        else:
            lines.append(_group_line(group))
    disagree = sum(not g.agree for g in groups)
    lines.append(
        f"{len(groups)} quantit{'ies' if len(groups) != 1 else 'y'} reported by several "
        f"sources: {len(groups) - disagree} agree, {disagree} disagree"
    )
    return "\n".join(lines)


def _warning(file: str, rule: str, text: str) -> str:
    return f"::warning file={_escape_property(file)},title={_escape_property(rule)}::" + (
        _escape_data(text)
    )


def disagreement_lines(groups: list[Group], fmt: str) -> list[str]:
    """``validate``'s warnings: each quantity whose sources disagree (the exit code is kept)."""
    out = []
    for group in groups:
        if group.agree:
            continue
        text = f"warning: [{catalogue.CLAIMS_DISAGREE}] {_group_line(group)}"
        if fmt == "github":
            text = _warning("data/claims.csv", catalogue.CLAIMS_DISAGREE, text)
        out.append(text)
    return out
