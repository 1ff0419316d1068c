"""Correct or withdraw a merged claim or exclusion that is wrong about its document.

Rows are never overwritten. A repair adds, in one submission:

- a row of ``data/retractions.csv`` naming the withdrawn claim or exclusion, the reason and a
  note; ``manpower coverage`` and the quote check leave a withdrawn row out (it stays in its
  table, so the history is in the data, not only in git);
- unless the row is withdrawn outright (``withdraw``), the correcting row: a copy of the old row
  with the corrected cells under the next free id of its source (a claim's ``supersedes`` names
  the old claim), which the retraction names in ``replaced_by``.

The submission goes through :func:`manpower.contributing.submit.submit`: the same intake,
validation, quote check against the pinned document, lock and atomic write, all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from manpower.contributing.submit import SubmitResult, submit
from manpower.errors import UsageError
from manpower.paths import data_path
from manpower.schema import load_schemas, read_rows

REASONS = ("quote_not_in_document", "not_a_figure", "misread", "other")
# cells a repair may not set: the row's identity, and what only the repair itself writes
FIXED = {
    "claims": ("claim_id", "source_id", "supersedes"),
    "exclusions": ("exclusion_id", "source_id"),
}


@dataclass(frozen=True)
class Target:
    table: str  # claims or exclusions
    key: str  # claim_id or exclusion_id
    row: dict[str, str]


def _rows(root: Path, table: str) -> list[dict[str, str]]:
    path = data_path(root, table)
    return read_rows(path) if path.is_file() else []


def find_target(root: Path, ident: str) -> Target:
    """The merged claim or exclusion ``ident`` names; a usage error (with a hint) if none."""
    for table, key in (("claims", "claim_id"), ("exclusions", "exclusion_id")):
        for row in _rows(root, table):
            if row.get(key) == ident:
                return Target(table, key, row)
    from manpower.contributing.suggest import did_you_mean

    known = [r["claim_id"] for r in _rows(root, "claims")]
    known += [r["exclusion_id"] for r in _rows(root, "exclusions")]
    raise UsageError(f"no claim or exclusion {ident!r} in data/{did_you_mean(ident, known)}")


def next_id(taken: list[str], source_id: str, infix: str) -> str:
    """The next free ``<source_id>-<infix>NN`` after every id of that form in ``taken``."""
    pattern = re.compile(rf"{re.escape(source_id)}-{infix}(\d{{2,}})")
    numbers = [int(m[1]) for t in taken if (m := pattern.fullmatch(t))]
    return f"{source_id}-{infix}{max(numbers, default=0) + 1:02d}"


def _parse_sets(sets: list[str], table: str, fields: Sequence[str]) -> dict[str, str]:
    changes = {}
    for item in sets:
        column, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--set {item!r}: write COLUMN=VALUE")
        if column not in fields:
            raise UsageError(f"--set {column}: {table} has no such column ({', '.join(fields)})")
        if column in FIXED[table]:
            raise UsageError(f"--set {column}: a repair keeps {column} (it writes a new row)")
        changes[column] = value
    return changes


def _csv(fields: Sequence[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def repair(
    root: Path,
    ident: str,
    *,
    sets: list[str],
    withdraw: bool,
    reason: str,
    note: str,
    dry_run: bool = False,
    notify: Callable[[str], None] | None = None,
) -> tuple[SubmitResult, list[str]]:
    """Withdraw ``ident`` and, unless ``withdraw``, add its correction; the submit's result and
    the ids of the rows added (retraction first)."""
    if withdraw == bool(sets):
        raise UsageError("give the corrected cells with --set COLUMN=VALUE, or --withdraw")
    if reason not in REASONS:
        raise UsageError(f"--reason must be one of {', '.join(REASONS)}")
    if not note.strip():
        raise UsageError("--note must say what was wrong and how it was found")
    target = find_target(root, ident)
    retractions = _rows(root, "retractions")
    if any(r.get(target.key) == ident for r in retractions):
        raise UsageError(f"{ident} is withdrawn already (data/retractions.csv)")
    schemas = load_schemas(root)
    fields = schemas[target.table].field_names
    changes = _parse_sets(sets, target.table, fields)
    source_id = target.row["source_id"]
    files: dict[str, str] = {}
    replaced_by = ""
    if not withdraw:
        same = [r[target.key] for r in _rows(root, target.table)]
        replaced_by = next_id(same, source_id, "x" if target.table == "exclusions" else "")
        corrected = {**target.row, **changes, target.key: replaced_by}
        if target.table == "claims":
            corrected["supersedes"] = ident
        corrected["notes"] = f"Corrects {ident}: {note.strip()} {target.row.get('notes', '')}"
        corrected["notes"] = corrected["notes"].strip()
        files[target.table] = _csv(fields, [corrected])
    retraction_id = next_id([r["retraction_id"] for r in retractions], source_id, "r")
    retraction = {
        "retraction_id": retraction_id,
        "source_id": source_id,
        "claim_id": ident if target.table == "claims" else "",
        "exclusion_id": ident if target.table == "exclusions" else "",
        "replaced_by": replaced_by,
        "reason": reason,
        "notes": note.strip(),
    }
    files["retractions"] = _csv(schemas["retractions"].field_names, [retraction])
    with tempfile.TemporaryDirectory(prefix="manpower-repair-") as tmp:
        paths = []
        for table, text in files.items():
            path = Path(tmp) / f"{table}.csv"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        result = submit(root, paths, dry_run=dry_run, notify=notify)
    # the files were the repair's own: name the row they stand for, not a temporary path
    shown = {str(path): f"repair of {ident} ({path.stem})" for path in paths}
    result.findings = [replace(p, file=shown.get(p.file or "", p.file)) for p in result.findings]
    result.files = {shown.get(f, f): t for f, t in result.files.items()}
    return result, [retraction_id, *([replaced_by] if replaced_by else [])]
