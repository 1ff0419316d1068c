"""Check a contributor's update against the schemas and the existing data, then merge it.

A submission is one or more CSV files of new rows. The rows are read defensively
(:mod:`manpower.contributing.intake`), checked for what only a merge can see (edits of existing
rows, duplicate keys, identifiers confusable with existing ones, URL schemes), merged with ``data/``
and validated with exactly the rules of ``manpower validate`` on a temporary copy of the
package. Only a fully valid submission is written, in canonical form, all tables or none.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from manpower import catalogue
from manpower.catalogue import Problem
from manpower.contributing.canonical_form import (
    Row,
    canonical_cell,
    canonical_row,
    primary_key,
    render_canonical_rows,
)
from manpower.contributing.intake import (
    IntakeError,
    display_path,
    identify_table,
    read_csv,
    read_file,
)
from manpower.contributing.plain_words import Known, foreign_key, ids_in, plain, suggestion
from manpower.limits import cap_problems, check_table_size, excerpt, max_table_bytes
from manpower.paths import TABLES, data_path, present_tables
from manpower.safe_paths import data_file
from manpower.schema import TableSchema, load_schemas

_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass
class TableChange:
    added: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class SubmitResult:
    files: dict[str, str] = field(default_factory=dict)  # submitted file -> table
    changes: dict[str, TableChange] = field(default_factory=dict)
    # the first MAX_PROBLEMS_PER_RULE findings of each rule (manpower.limits); the rest counted.
    # Each is a Problem of a submitted file (``file`` set): its row is the file's own.
    findings: list[Problem] = field(default_factory=list)
    unlisted: dict[str, int] = field(default_factory=dict)  # rule -> findings not listed
    written: list[str] = field(default_factory=list)
    dry_run: bool = False
    recovered: str | None = None  # how an interrupted earlier write was recovered first
    pending: dict[str, bytes] = field(default_factory=dict, repr=False)  # table -> new bytes

    @property
    def valid(self) -> bool:
        return not self.findings and not any(self.unlisted.values())

    @property
    def errors(self) -> int:
        return len(self.findings) + sum(self.unlisted.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "dry_run": self.dry_run,
            "files": self.files,
            "added": {t: c.added for t, c in self.changes.items()},
            "edited": {t: c.edited for t, c in self.changes.items()},
            "unchanged": {t: c.unchanged for t, c in self.changes.items()},
            "written": self.written,
            "errors": self.errors,
            "problems": [f.to_dict() for f in self.findings],
            "unlisted_by_rule": dict(sorted(self.unlisted.items())),
        }


@dataclass(frozen=True)
class FileRow:
    """Where a row comes from: the file as the user named it and the row number in it."""

    file: str
    row: int


@dataclass
class _Submitted:
    origin: FileRow
    raw: Row
    row: Row  # canonical


def _shown(value: str | None) -> str | None:
    return None if value is None else excerpt(value)


def fold(identifier: str) -> str:
    """What two identifiers a reader cannot tell apart have in common."""
    return "".join(unicodedata.normalize("NFKC", identifier).casefold().split())


def _how_confusable(value: str, other: str) -> str:
    ways = []
    if "".join(value.split()) != value:
        ways.append("whitespace")
    squeezed = "".join(value.split())
    if unicodedata.normalize("NFC", squeezed) != squeezed:
        ways.append("Unicode normal form")
    nfc = unicodedata.normalize("NFC", squeezed)
    if nfc != other and nfc.casefold() == other.casefold():
        ways.append("case")
    if not ways:
        ways.append("Unicode compatibility form")
    return " and ".join(ways)


def submit(
    root: Path,
    updates: list[Path],
    *,
    dry_run: bool = False,
    allow_edits: bool = False,
    today: dt.date | None = None,
    notify: Callable[[str], None] | None = None,
) -> SubmitResult:
    """Validate ``updates`` against ``root``'s data and merge them unless rejected or dry run.

    ``notify`` is told, in one line, about an interrupted earlier write recovered first.
    """
    from manpower.contributing.transaction import locked, replace_all
    from manpower.paths import require_clone

    require_clone(root)  # a dry run too: it validates a copy built from the package metadata
    if dry_run:
        result = _evaluate(root, updates, allow_edits, today)
        result.dry_run = True
        return result
    with locked(root, notify) as recovered:
        result = _evaluate(root, updates, allow_edits, today)
        result.recovered = recovered
        if result.valid and result.pending:
            replace_all(root, {data_path(root, t): b for t, b in result.pending.items()}, notify)
            result.written = [f"data/{t}.csv" for t in result.pending]
    return result


def _evaluate(
    root: Path, updates: list[Path], allow_edits: bool, today: dt.date | None
) -> SubmitResult:
    result = SubmitResult()
    schemas = load_schemas(root)
    existing = {t: _read_existing(root, t, schemas[t]) for t in TABLES}
    submitted: dict[str, list[_Submitted]] = {t: [] for t in TABLES}
    for path in updates:
        display = display_path(path)
        try:
            parsed = read_csv(read_file(path, display), display)
            table = identify_table(path, parsed.header, schemas)
            parsed.check_header(table, schemas[table])
        except IntakeError as exc:
            result.findings.append(
                Problem(
                    "", exc.row, exc.column, None, exc.rule, exc.reason, exc.fix, "intake", display
                )
            )
            continue
        result.files[display] = table
        fields = schemas[table].field_names
        for line, raw in parsed.rows():
            submitted[table].append(
                _Submitted(FileRow(display, line), raw, canonical_row(raw, fields))
            )
    if result.findings:
        return result

    findings = _identifier_findings(schemas, existing, submitted)
    findings += _url_findings(submitted["sources"])
    merged: dict[str, list[tuple[Row, FileRow]]] = {}
    for table in TABLES:
        rows, table_findings = _merge(
            table, schemas[table], existing[table], submitted[table], allow_edits, result
        )
        merged[table] = rows
        findings += table_findings
    # every merged row is canonical already: render each table once, for the check and the write
    texts = {t: render_canonical_rows([r for r, _ in merged[t]], schemas[t]) for t in TABLES}
    findings += claim_id_findings(
        existing["claims"],
        submitted["claims"],
        {row["source_id"] for row, _ in existing["sources"]}
        | {item.row["source_id"] for item in submitted["sources"]},
    )
    findings += document_findings(root, existing, submitted, merged)
    findings += retraction_findings(submitted, merged)
    findings += _validate_merged(root, texts, merged, today, result.unlisted, findings)
    result.findings = cap_problems(findings, result.unlisted)
    if result.valid:
        for table in TABLES:
            change = result.changes.get(table)
            if change and (change.added or change.edited):
                result.pending[table] = texts[table].encode("utf-8")
    return result


def _changed(
    existing: list[tuple[Row, FileRow]], submitted: list[_Submitted], key: list[str]
) -> list[_Submitted]:
    """The submitted rows that are new or differ from the existing row of their key."""
    old = {_key(row, key): row for row, _ in existing}
    return [item for item in submitted if old.get(_key(item.row, key)) != item.row]


def retraction_findings(
    submitted: dict[str, list[_Submitted]], merged: dict[str, list[tuple[Row, FileRow]]]
) -> list[Problem]:
    """A new retraction names one claim or exclusion of its own source, not withdrawn before.

    Whether the named row exists is the foreign keys' (unknown-reference); this is what no
    foreign key can say.
    """
    owners = {
        (table, row[key]): row["source_id"]
        for table, key in (("claims", "claim_id"), ("exclusions", "exclusion_id"))
        for row, _ in merged[table]
    }
    withdrawn: dict[str, str] = {}
    for row, _origin in merged["retractions"]:
        for key in ("claim_id", "exclusion_id"):
            if row.get(key):
                withdrawn.setdefault(row[key], row["retraction_id"])
    findings = []
    for item in submitted["retractions"]:
        row = item.row
        named = [
            (t, k)
            for t, k in (("claims", "claim_id"), ("exclusions", "exclusion_id"))
            if row.get(k)
        ]
        field = named[0][1] if named else "claim_id"
        if len(named) != 1:
            why = "names both a claim and an exclusion" if named else "names no claim or exclusion"
        else:
            table, key = named[0]
            owner = owners.get((table, row[key]))
            earlier = withdrawn.get(row[key])
            if owner is not None and owner != row.get("source_id"):
                why = f"is of source {row.get('source_id')!r}, but {row[key]} is of {owner!r}"
            elif earlier not in (None, row["retraction_id"]):
                why = f"withdraws {row[key]}, which {earlier} withdraws already"
            else:
                continue
        findings.append(
            catalogue.problem(
                catalogue.RETRACTION_TARGET,
                table="retractions",
                file=item.origin.file,
                row=item.origin.row,
                field=field,
                value=_shown(row.get(field, "")),
                why=why,
            )
        )
    return findings


def document_findings(
    root: Path,
    existing: dict[str, list[tuple[Row, FileRow]]],
    submitted: dict[str, list[_Submitted]],
    merged: dict[str, list[tuple[Row, FileRow]]],
) -> list[Problem]:
    """Each new claim's quote and exclusion's excerpt stands in its source's pinned document.

    Checked the way ``manpower coverage`` checks them (the same functions). A new or changed
    source that names a document must have it in the documents folder with the sha256 it
    gives; a source without a document pins nothing and is not checked.
    """
    from manpower.config import DATASETS_ENV, DOCUMENTS_ENV, datasets_dir, documents_dir
    from manpower.contributing.coverage import (
        closest_passage,
        match_exclusion,
        quote_spans,
        read_document,
    )
    from manpower.contributing.datasets import one_line
    from manpower.contributing.figures import find_figures

    sources = {row["source_id"]: row for row, _ in merged["sources"]}
    todo: dict[str, list[tuple[str, _Submitted]]] = {}
    keys = (("sources", "source_id"), ("claims", "claim_id"), ("exclusions", "exclusion_id"))
    for table, key in keys:
        for item in _changed(existing[table], submitted[table], [key]):
            source = sources.get(item.row.get("source_id", ""))
            if source is not None and source.get("document"):
                todo.setdefault(source["source_id"], []).append((table, item))
    if not todo:
        return []
    findings = []
    for sid, items in todo.items():
        source = sources[sid]
        name = source["document"]
        # a dataset snapshot is in the datasets folder; its claims quote a record on one line
        dataset = source.get("kind") == "dataset"
        folder = datasets_dir(root) if dataset else documents_dir(root)
        table, first = next((i for i in items if i[0] == "sources"), items[0])
        where: dict[str, Any] = {"table": table, "file": first.origin.file, "row": first.origin.row}
        if not folder.is_dir():
            findings.append(
                catalogue.problem(
                    catalogue.DOCUMENT_MISSING,
                    **where,
                    field="document" if table == "sources" else "source_id",
                    value=name,
                    variant="folder",
                    name=name,
                    folder=folder,
                    env=DATASETS_ENV if dataset else DOCUMENTS_ENV,
                )
            )
            continue
        text, issue = read_document(folder, source, dataset=dataset)
        if issue is not None:
            findings.append(
                catalogue.problem(
                    issue.rule,
                    **where,
                    field="document" if table == "sources" else "source_id",
                    value=name,
                    **issue.params,
                )
            )
            continue
        assert text is not None
        figures = find_figures(text) if any(t == "exclusions" for t, _ in items) else []
        record_text = one_line((folder / name).read_text(encoding="utf-8")) if dataset else ""
        for table, item in items:
            if dataset:
                found = one_line(item.row.get("quote", "")) in record_text
            else:
                found = bool(quote_spans(text, item.row))
            if table == "claims" and not found:
                quote = item.row.get("quote", "")
                findings.append(
                    catalogue.problem(
                        catalogue.QUOTE_NOT_FOUND,
                        table=table,
                        file=item.origin.file,
                        row=item.origin.row,
                        field="quote",
                        value=_shown(quote),
                        variant="submit",
                        claim_id=item.row.get("claim_id", ""),
                        name=name,
                        closest=closest_passage(text, quote),
                    )
                )
            elif table == "exclusions":
                _hits, wrong = match_exclusion(text, figures, item.row)
                if wrong is None:
                    continue
                variant = {"not-found": "submit"}.get(wrong, wrong)
                column = {"not-found": "excerpt", "not-a-figure": "figure"}.get(wrong, "notes")
                findings.append(
                    catalogue.problem(
                        catalogue.EXCLUSION_NOT_FOUND,
                        table=table,
                        file=item.origin.file,
                        row=item.origin.row,
                        field=column,
                        value=_shown(item.row.get(column, "")),
                        variant=variant,
                        id=item.row.get("exclusion_id", ""),
                        figure=item.row.get("figure", ""),
                        name=name,
                        closest=closest_passage(text, item.row.get("excerpt", "")),
                    )
                )
    return findings


def _read_existing(root: Path, table: str, schema: TableSchema) -> list[tuple[Row, FileRow]]:
    path = data_file(root, table)
    display = f"data/{table}.csv"
    if table not in present_tables(root):
        return []
    check_table_size(path, display)
    limit = max_table_bytes()
    raw = read_file(path, display, follow_link=True, max_bytes=limit)
    parsed = read_csv(raw, display, require_rows=False, max_bytes=limit)
    parsed.check_header(table, schema)
    # check_header has made sure the header has the schema's fields: each record maps straight
    # to a canonical row (a million rows make this the bulk of a submit's own work)
    header = parsed.header
    return [
        (dict(zip(header, map(canonical_cell, cells), strict=True)), FileRow(display, line))
        for line, cells in parsed.records
    ]


def _key(row: Row, key: list[str]) -> tuple[str, ...]:
    return tuple(row[k] for k in key)


def _key_text(key: tuple[str, ...]) -> str:
    return ", ".join(repr(k) for k in key)


def _merge(
    table: str,
    schema: TableSchema,
    existing: list[tuple[Row, FileRow]],
    submitted: list[_Submitted],
    allow_edits: bool,
    result: SubmitResult,
) -> tuple[list[tuple[Row, FileRow]], list[Problem]]:
    """The merged rows of one table, in canonical order, and the findings only a merge sees."""
    key = primary_key(schema)
    merged = list(existing)
    index = {_key(row, key): n for n, (row, _) in enumerate(existing)}
    first_seen: dict[tuple[str, ...], FileRow] = {}
    change = TableChange()
    findings = []
    for item in submitted:
        k = _key(item.row, key)
        if k in first_seen:
            earlier = first_seen[k]
            findings.append(
                catalogue.problem(
                    catalogue.DUPLICATE_KEY,
                    table=table,
                    file=item.origin.file,
                    row=item.origin.row,
                    field=key[0],
                    value=_key_text(k),
                    key="/".join(key),
                    key_value=_key_text(k),
                    earlier_file=earlier.file,
                    earlier_row=earlier.row,
                )
            )
            merged.append((item.row, item.origin))
            continue
        first_seen[k] = item.origin
        if k not in index:
            change.added.append(" ".join(k))
            merged.append((item.row, item.origin))
            continue
        old, old_origin = merged[index[k]]
        differing = [f for f in item.row if item.row[f] != old[f]]
        if not differing:
            change.unchanged += 1
            continue
        merged[index[k]] = (item.row, item.origin)
        if allow_edits:
            change.edited.append(" ".join(k))
            continue
        findings.append(_edit_finding(table, key, k, item, old, old_origin, differing))
    if submitted:
        result.changes[table] = change
    merged.sort(key=lambda pair: _key(pair[0], key))
    return merged, findings


def _edit_finding(
    table: str,
    key: list[str],
    k: tuple[str, ...],
    item: _Submitted,
    old: Row,
    old_origin: FileRow,
    differing: list[str],
) -> Problem:
    changes = "; ".join(
        f"{f}: {_shown(old[f])!r} -> {_shown(item.row[f])!r}" for f in differing[:3]
    )
    more = f" and {len(differing) - 3} more" if len(differing) > 3 else ""
    return catalogue.problem(
        catalogue.EDIT,
        table=table,
        file=item.origin.file,
        row=item.origin.row,
        field=differing[0],
        variant="claim" if table == "claims" else None,
        key="/".join(key),
        key_value=_key_text(k),
        existing_file=old_origin.file,
        existing_row=old_origin.row,
        changes=f"{changes}{more}",
        claim_id=k[0],
    )


def _id_fields(schema: TableSchema, table: str) -> list[tuple[str, str, str]]:
    """(field, referenced table, referenced field) for the primary key and each foreign key."""
    out = [(name, table, name) for name in primary_key(schema)]
    for fk in schema.foreign_keys:
        pairs = zip(fk.fields, fk.reference, strict=True)
        out.extend((name, fk.table, ref_name) for name, ref_name in pairs)
    return out


class _KnownIds:
    """The ids of one referenced column, existing first, then submitted, indexed once.

    ``where`` maps each id to the file and row it is in; ``folded`` maps each fold to the first
    id with that fold, in the same order, so a lookup costs one fold instead of one per id.
    """

    def __init__(self) -> None:
        self.where: dict[str, str] = {}
        self.folded: dict[str, str] = {}

    def add(self, value: str, origin: FileRow) -> None:
        if value not in self.where:
            self.where[value] = f"{origin.file} row {origin.row}"
            if value:
                self.folded.setdefault(fold(value), value)

    def copy(self) -> _KnownIds:
        other = _KnownIds()
        other.where, other.folded = dict(self.where), dict(self.folded)
        return other


def _identifier_findings(
    schemas: dict[str, TableSchema],
    existing: dict[str, list[tuple[Row, FileRow]]],
    submitted: dict[str, list[_Submitted]],
) -> list[Problem]:
    """Identifiers that differ from a known one only by case, whitespace or Unicode form."""
    existing_ids: dict[tuple[str, str], _KnownIds] = {}
    all_ids: dict[tuple[str, str], _KnownIds] = {}

    def known_existing(target: str, ref_name: str) -> _KnownIds:
        if (target, ref_name) not in existing_ids:
            index = _KnownIds()
            for row, origin in existing[target]:
                index.add(row[ref_name], origin)
            existing_ids[(target, ref_name)] = index
        return existing_ids[(target, ref_name)]

    def known_all(target: str, ref_name: str) -> _KnownIds:
        if (target, ref_name) not in all_ids:
            index = known_existing(target, ref_name).copy()
            for other in submitted[target]:
                index.add(other.row[ref_name], other.origin)
            all_ids[(target, ref_name)] = index
        return all_ids[(target, ref_name)]

    findings = []
    for table in TABLES:
        pk = primary_key(schemas[table])
        id_fields = _id_fields(schemas[table], table)
        # a table's own key is compared with the existing ids and the earlier submitted rows
        # only (the later of two confusable new ids is the one flagged): grown row by row
        earlier = {
            name: known_existing(table, name).copy()
            for name, target, _ in id_fields
            if name in pk and target == table
        }
        for item in submitted[table]:
            for name, target, ref_name in id_fields:
                own_key = name in pk and target == table
                value = item.raw.get(name, "")
                if not value:
                    continue
                known = earlier[name] if own_key else known_all(target, ref_name)
                if value not in known.where:
                    findings.extend(
                        _id_finding(table, item, name, value, known, own_key, target, ref_name)
                    )
            for name in earlier:
                earlier[name].add(item.row[name], item.origin)
    return findings


def claim_id_findings(
    existing: list[tuple[Row, FileRow]], submitted: list[_Submitted], sources: set[str]
) -> list[Problem]:
    """New claim ids must be ``<source_id>-NN``; a wrong one is told the next free id.

    A claim of an unknown source is left to the unknown-reference finding.
    """
    taken = {row["claim_id"] for row, _ in existing}
    last: dict[str, int] = {}
    for claim in [row for row, _ in existing] + [item.row for item in submitted]:
        sid, cid = claim.get("source_id", ""), claim.get("claim_id", "")
        number = re.fullmatch(rf"{re.escape(sid)}-(\d{{2,}})", cid) if sid else None
        if number:
            last[sid] = max(last.get(sid, 0), int(number[1]))
    findings = []
    for item in submitted:
        sid, cid = item.row.get("source_id", ""), item.row.get("claim_id", "")
        conforming = re.fullmatch(rf"{re.escape(sid)}-\d{{2,}}", cid)
        if sid not in sources or not cid or cid in taken or conforming:
            continue
        last[sid] = last.get(sid, 0) + 1
        findings.append(
            catalogue.problem(
                catalogue.CLAIM_ID_CONVENTION,
                table="claims",
                file=item.origin.file,
                row=item.origin.row,
                field="claim_id",
                value=cid,
                source_id=sid,
                next=f"{sid}-{last[sid]:02d}",
            )
        )
    return findings


def _id_finding(
    table: str,
    item: _Submitted,
    name: str,
    value: str,
    known: _KnownIds,
    own_key: bool,
    target: str,
    ref_name: str,
) -> list[Problem]:
    match = known.folded.get(fold(value))
    if match is not None:
        rule: str = catalogue.CONFUSABLE_ID
        params = {"match": match, "where": known.where[match], "how": _how_confusable(value, match)}
    elif not own_key:
        return []  # an unknown reference is the schema layer's foreign-key problem (_locate)
    elif canonical_cell(value) != value:
        rule, params = catalogue.ID_NOT_CANONICAL, {}
    else:
        return []
    origin = item.origin
    return [
        catalogue.problem(
            rule, table=table, file=origin.file, row=origin.row, field=name, value=value, **params
        )
    ]


def _url_findings(sources: list[_Submitted]) -> list[Problem]:
    findings = []
    for item in sources:
        url = item.row.get("url", "")
        if not url or _WEB_URL.match(url):
            continue
        scheme = _SCHEME.match(url)
        what = f"the {scheme.group(1).lower()}: scheme" if scheme else "no http(s) scheme"
        findings.append(
            catalogue.problem(
                catalogue.URL_SCHEME,
                table="sources",
                file=item.origin.file,
                row=item.origin.row,
                field="url",
                value=_shown(url),
                what=what,
            )
        )
    return findings


def _validate_merged(
    root: Path,
    texts: dict[str, str],
    merged: dict[str, list[tuple[Row, FileRow]]],
    today: dt.date | None,
    unlisted: dict[str, int],
    own: list[Problem],
) -> list[Problem]:
    """Run ``manpower validate``'s rules on the merged tables, in a temporary package copy.

    Each problem is told about the submitted file and row it comes from; one that ``own`` (the
    submit layer's problems) already explains is left out, so each cell gets one message.
    """
    from manpower.descriptor import build_descriptor
    from manpower.validation.runner import validate_descriptor

    with tempfile.TemporaryDirectory(prefix="manpower-submit-") as tmp:
        package = Path(tmp)
        shutil.copytree(root / "schemas", package / "schemas")
        (package / "data").mkdir()
        for table in TABLES:
            data_path(package, table).write_text(texts[table], "utf-8")
        report = validate_descriptor(
            package, build_descriptor(package, stats=False, derived=False), today=today
        )
        known = ids_in(package)
    for rule, count in report.unlisted.items():
        unlisted[rule] = unlisted.get(rule, 0) + count
    cells = {(p.file, p.row, p.field) for p in own}
    explained = {(p.file, p.row, r) for p in own for r in catalogue.RULES[p.rule].replaces}
    ids = _Ids(merged)
    out = []
    for problem in report.problems:
        located = _locate(problem, merged, known, ids)
        where = (located.file, located.row)
        if (*where, located.field) in cells or (
            located.field is None and (*where, located.rule) in explained
        ):
            continue
        out.append(located)
    return out


class _Ids:
    """The ids of a column of the merged tables, for a suggestion; each column listed once."""

    def __init__(self, merged: dict[str, list[tuple[Row, FileRow]]]) -> None:
        self.merged = merged
        self.cache: dict[tuple[str, str], list[str]] = {}

    def __call__(self, table: str, column: str) -> list[str]:
        if (table, column) not in self.cache:
            rows = self.merged.get(table, [])
            self.cache[table, column] = [r[column] for r, _ in rows if r.get(column)]
        return self.cache[table, column]


def _locate(
    problem: Problem, merged: dict[str, list[tuple[Row, FileRow]]], known: Known, ids: _Ids
) -> Problem:
    """A problem in the merged copy, told about the file and row the offending row came from.

    A foreign key of a submitted row that names no row is the submit layer's
    ``unknown-reference``: the id may be in data/ or in this very submission.
    """
    rows = merged.get(problem.table)
    submitted = False
    row: int | None
    if rows is not None and problem.row is not None and 2 <= problem.row < len(rows) + 2:
        origin = rows[problem.row - 2][1]
        file, row = origin.file, origin.row
        submitted = file != f"data/{problem.table}.csv"
    elif rows is not None:
        file, row = f"data/{problem.table}.csv", problem.row
    else:
        file, row = problem.table, problem.row
    reference = foreign_key(problem) if submitted else None
    if reference is not None:
        name, value, target, ref = reference
        target = target or problem.table  # a reference within the table
        return catalogue.problem(
            catalogue.UNKNOWN_REFERENCE,
            table=problem.table,
            file=file,
            row=row,
            field=name,
            value=value,  # the engine's note has cut it to an excerpt already
            target=target,
            ref=ref,
            suggestion=suggestion(value, ids(target, ref)),
        )
    problem = plain(problem, known)
    message = problem.message.rstrip(".")
    return replace(problem, file=file, row=row, value=_shown(problem.value), message=message)
