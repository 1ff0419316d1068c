"""Check a contributor's update against the schemas and the existing data, then merge it.

A submission is one or more CSV files of new rows. The rows are read defensively
(:mod:`manpower.contributing.intake`), checked for what only a merge can see (edits of existing
rows,
duplicate keys, identifiers confusable with existing ones, URL schemes), merged with ``data/``
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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
from manpower.contributing.plain_words import Known, ids_in, plain, suggestion
from manpower.errors import Problem
from manpower.limits import cap_problems, check_table_size, excerpt, max_table_bytes
from manpower.paths import TABLES, data_path, present_tables
from manpower.schema import TableSchema, load_schemas

_WEB_URL = re.compile(r"^https?://", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class Finding:
    """One reason a submission is rejected, pointing at the file and row it is about."""

    file: str
    row: int | None
    field: str | None
    value: str | None
    rule: str
    message: str
    fix: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TableChange:
    added: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class SubmitResult:
    files: dict[str, str] = field(default_factory=dict)  # submitted file -> table
    changes: dict[str, TableChange] = field(default_factory=dict)
    # the first MAX_PROBLEMS_PER_RULE findings of each rule (manpower.limits); the rest counted
    findings: list[Finding] = field(default_factory=list)
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
class Origin:
    file: str
    row: int


@dataclass
class _Submitted:
    origin: Origin
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

    if dry_run:
        result = _evaluate(root, updates, allow_edits, today)
        result.dry_run = True
        return result
    with locked(root, notify) as recovered:
        result = _evaluate(root, updates, allow_edits, today)
        result.recovered = recovered
        if result.valid and result.pending:
            replace_all(root, {data_path(root, t): b for t, b in result.pending.items()})
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
                Finding(display, exc.row, exc.column, None, exc.rule, exc.reason, exc.fix)
            )
            continue
        result.files[display] = table
        fields = schemas[table].field_names
        for line, raw in parsed.rows():
            submitted[table].append(
                _Submitted(Origin(display, line), raw, canonical_row(raw, fields))
            )
    if result.findings:
        return result

    findings = _identifier_findings(schemas, existing, submitted)
    findings += _url_findings(submitted["sources"])
    merged: dict[str, list[tuple[Row, Origin]]] = {}
    for table in TABLES:
        rows, table_findings = _merge(
            table, schemas[table], existing[table], submitted[table], allow_edits, result
        )
        merged[table] = rows
        findings += table_findings
    # every merged row is canonical already: render each table once, for the check and the write
    texts = {t: render_canonical_rows([r for r, _ in merged[t]], schemas[t]) for t in TABLES}
    findings += _validate_merged(root, texts, merged, today, result.unlisted)
    findings += claim_id_findings(
        existing["claims"],
        submitted["claims"],
        {row["source_id"] for row, _ in existing["sources"]}
        | {item.row["source_id"] for item in submitted["sources"]},
    )
    result.findings = cap_problems(_dedupe(findings), result.unlisted)
    if result.valid:
        for table in TABLES:
            change = result.changes.get(table)
            if change and (change.added or change.edited):
                result.pending[table] = texts[table].encode("utf-8")
    return result


def _read_existing(root: Path, table: str, schema: TableSchema) -> list[tuple[Row, Origin]]:
    path = data_path(root, table)
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
        (dict(zip(header, map(canonical_cell, cells), strict=True)), Origin(display, line))
        for line, cells in parsed.records
    ]


def _key(row: Row, key: list[str]) -> tuple[str, ...]:
    return tuple(row[k] for k in key)


def _key_text(key: tuple[str, ...]) -> str:
    return ", ".join(repr(k) for k in key)


def _merge(
    table: str,
    schema: TableSchema,
    existing: list[tuple[Row, Origin]],
    submitted: list[_Submitted],
    allow_edits: bool,
    result: SubmitResult,
) -> tuple[list[tuple[Row, Origin]], list[Finding]]:
    """The merged rows of one table, in canonical order, and the findings only a merge sees."""
    key = primary_key(schema)
    merged = list(existing)
    index = {_key(row, key): n for n, (row, _) in enumerate(existing)}
    first_seen: dict[tuple[str, ...], Origin] = {}
    change = TableChange()
    findings = []
    for item in submitted:
        k = _key(item.row, key)
        if k in first_seen:
            earlier = first_seen[k]
            findings.append(
                Finding(
                    item.origin.file,
                    item.origin.row,
                    key[0],
                    _key_text(k),
                    "duplicate-key",
                    f"{'/'.join(key)} {_key_text(k)} is submitted twice (also {earlier.file} "
                    f"row {earlier.row})",
                    "submit each row once",
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
    old_origin: Origin,
    differing: list[str],
) -> Finding:
    changes = "; ".join(
        f"{f}: {_shown(old[f])!r} -> {_shown(item.row[f])!r}" for f in differing[:3]
    )
    more = f" and {len(differing) - 3} more" if len(differing) > 3 else ""
    message = (
        f"{'/'.join(key)} {_key_text(k)} already exists in {old_origin.file} (row "
        f"{old_origin.row}) with different content ({changes}{more})"
    )
    if table == "claims":
        message += "; claims are never overwritten"
        fix = (
            f"to correct the claim, submit a new claim with its own claim_id whose supersedes "
            f"is {k[0]!r}; to change the row in place anyway, use --allow-edits"
        )
    else:
        fix = "submit the row as it is in data/, or use --allow-edits to change it in place"
    return Finding(item.origin.file, item.origin.row, differing[0], None, "edit", message, fix)


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

    def add(self, value: str, origin: Origin) -> None:
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
    existing: dict[str, list[tuple[Row, Origin]]],
    submitted: dict[str, list[_Submitted]],
) -> list[Finding]:
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
                        _id_finding(item, name, value, known, own_key, target, ref_name)
                    )
            for name in earlier:
                earlier[name].add(item.row[name], item.origin)
    return findings


def claim_id_findings(
    existing: list[tuple[Row, Origin]], submitted: list[_Submitted], sources: set[str]
) -> list[Finding]:
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
            Finding(
                item.origin.file,
                item.origin.row,
                "claim_id",
                cid,
                "claim-id-convention",
                f"claim_id must be the source_id {sid!r} followed by a hyphen and a two-digit "
                "number",
                f"use {sid}-{last[sid]:02d}, the next free id of this source",
            )
        )
    return findings


def _id_finding(
    item: _Submitted,
    name: str,
    value: str,
    known: _KnownIds,
    own_key: bool,
    target: str,
    ref_name: str,
) -> list[Finding]:
    match = known.folded.get(fold(value))
    if match is not None:
        how = _how_confusable(value, match)
        return [
            Finding(
                item.origin.file,
                item.origin.row,
                name,
                value,
                "confusable-id",
                f"{name} {value!r} differs from {match!r} ({known.where[match]}) only by {how}",
                f"write it exactly as {match!r}, or choose a clearly different id",
            )
        ]
    if not own_key:
        return [
            Finding(
                item.origin.file,
                item.origin.row,
                name,
                value,
                "unknown-reference",
                f"{name} {value!r} is neither in data/{target}.csv nor in this submission"
                f"{suggestion(value, [k for k in known.where if k])}",
                f"use an existing {ref_name}, or submit the {target} row too "
                f"(a {target}.csv file in the same submit)",
            )
        ]
    if canonical_cell(value) != value:
        return [
            Finding(
                item.origin.file,
                item.origin.row,
                name,
                value,
                "id-not-canonical",
                f"{name} {value!r} has spaces around it or is not in Unicode NFC",
                "write identifiers without surrounding spaces, in NFC",
            )
        ]
    return []


def _url_findings(sources: list[_Submitted]) -> list[Finding]:
    findings = []
    for item in sources:
        url = item.row.get("url", "")
        if not url or _WEB_URL.match(url):
            continue
        scheme = _SCHEME.match(url)
        what = f"the {scheme.group(1).lower()}: scheme" if scheme else "no http(s) scheme"
        findings.append(
            Finding(
                item.origin.file,
                item.origin.row,
                "url",
                _shown(url),
                "url-scheme",
                f"the URL has {what}; only http:// and https:// addresses are allowed",
                "give the document's web address, or leave url empty and say why in notes",
            )
        )
    return findings


def _validate_merged(
    root: Path,
    texts: dict[str, str],
    merged: dict[str, list[tuple[Row, Origin]]],
    today: dt.date | None,
    unlisted: dict[str, int],
) -> list[Finding]:
    """Run ``manpower validate``'s rules on the merged tables, in a temporary package copy."""
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
    return [_locate(p, merged, known) for p in report.problems]


def _locate(problem: Problem, merged: dict[str, list[tuple[Row, Origin]]], known: Known) -> Finding:
    """A problem in the merged copy, told about the file and row the offending row came from."""
    rows = merged.get(problem.table)
    if rows is not None and problem.row is not None and 2 <= problem.row < len(rows) + 2:
        origin = rows[problem.row - 2][1]
        file, row = origin.file, origin.row
    elif rows is not None:
        file, row = f"data/{problem.table}.csv", problem.row
    else:
        file, row = problem.table, problem.row
    problem = plain(problem, known)
    message = problem.message.rstrip(".")
    return Finding(
        file, row, problem.field, _shown(problem.value), problem.rule, message, problem.fix
    )


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One message per cell: the submit checks speak plainer than the generic schema error."""
    claimed = {(f.file, f.row, f.field) for f in findings if f.rule in _OWN_RULES}
    rows = {(f.file, f.row, f.rule) for f in findings if f.rule in _OWN_RULES}
    out: list[Finding] = []
    seen: set[Finding] = set()
    for f in findings:
        generic = _GENERIC.get(f.rule, ())
        if f.rule not in _OWN_RULES and (
            (f.file, f.row, f.field) in claimed
            or any((f.file, f.row, own) in rows for own in generic)
        ):
            continue
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out


_OWN_RULES = {
    "claim-id-convention",
    "confusable-id",
    "id-not-canonical",
    "unknown-reference",
    "url-scheme",
    "duplicate-key",
    "edit",
}
# Row-level schema errors (no column) that one of our own findings on the row already explains.
_GENERIC = {
    "foreign-key": ("unknown-reference", "confusable-id"),
    "primary-key": ("duplicate-key", "confusable-id"),
    "unique-error": ("duplicate-key", "confusable-id"),
}
