"""``manpower import MAPPING``: a dataset snapshot's records as claims, through ``submit``.

The records are read through the mapping (:mod:`manpower.contributing.datasets`), turned into a
``sources.csv`` row for the snapshot and ``claims.csv`` rows, and handed to
:func:`manpower.contributing.submit.submit`: the same validation, lock and all-or-nothing write
as any contribution, so there is one write path.

Re-importing is history, not overwrite. Against the claims the mapping's earlier snapshots
already hold (per metric, category and record key, the latest claim of each chain):

- a record not claimed yet becomes a new claim of this snapshot;
- a record whose figure (or value_kind) changed becomes a new claim of this snapshot whose
  ``supersedes`` names the earlier claim;
- a record whose figure is unchanged adds **no** claim: the claim of the snapshot that first
  stated it stands for it. A claim is an assertion; the same relay repeating the same figure
  about the same day is not a second assertion, and a second claim would count the figure twice
  in ``compare`` and on the charts. ``manpower coverage`` accounts such a record by that earlier
  claim, so every record of every imported snapshot is still checked;
- a record that disappeared (or lost a mapped field) is reported; its claim stays, as it was
  asserted in the snapshot it came from.

Importing the same snapshot again finds every record unchanged and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower import catalogue
from manpower.catalogue import Problem
from manpower.config import datasets_dir
from manpower.contributing.datasets import (
    Mapping,
    Reading,
    Rejected,
    Snapshot,
    load_mapping,
    read_records,
    read_snapshot,
)
from manpower.limits import cap_problems
from manpower.paths import data_path
from manpower.schema import load_schemas, read_rows


@dataclass
class ImportResult:
    mapping: str
    source_id: str
    snapshot: str
    records: int = 0
    added: list[str] = field(default_factory=list)  # new claim ids
    revised: list[tuple[str, str]] = field(default_factory=list)  # (new claim, superseded)
    unchanged: int = 0
    disappeared: list[tuple[str, str, str]] = field(default_factory=list)  # (locator, metric, id)
    new_source: bool = False
    written: list[str] = field(default_factory=list)
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    unlisted: dict[str, int] = field(default_factory=dict)
    recovered: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and not any(self.unlisted.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "dry_run": self.dry_run,
            "mapping": self.mapping,
            "source_id": self.source_id,
            "snapshot": self.snapshot,
            "records": self.records,
            "added": self.added,
            "revised": [{"claim_id": n, "supersedes": o} for n, o in self.revised],
            "unchanged": self.unchanged,
            "disappeared": [
                {"locator": loc, "metric_id": m, "claim_id": c} for loc, m, c in self.disappeared
            ],
            "written": self.written,
            "problems": [p.to_dict() for p in self.problems],
            "unlisted_by_rule": dict(sorted(self.unlisted.items())),
        }


def source_row(mapping: Mapping, snapshot: Snapshot) -> dict[str, str]:
    """The snapshot's ``sources.csv`` row: only what the mapping (from the dataset's own README
    and licence) states; the rest is empty and the notes say why."""
    return {
        "source_id": mapping.source_id(snapshot),
        "title": "",
        "publisher": mapping.publisher,
        "author": "",
        "published_date": snapshot.date,
        "url": f"{mapping.repository}/blob/{snapshot.commit}/{mapping.upstream_path}",
        "language": mapping.language,
        "document": mapping.document(snapshot),
        "sha256": snapshot.sha256,
        "notes": mapping.notes,
        "kind": "dataset",
        "repository": mapping.repository,
        "commit": snapshot.commit,
        "licence": mapping.licence,
        "attribution": mapping.attribution,
        "snapshot_date": snapshot.date,
    }


def _current(
    mapping: Mapping, claims: list[dict[str, str]]
) -> dict[tuple[str, str, str], dict[str, str]]:
    """The latest claim of each (metric, category, locator) of the mapping's snapshots."""
    lineage = {mapping.source_id(s) for s in mapping.snapshots}
    own = [c for c in claims if c.get("source_id") in lineage and c.get("locator")]
    superseded = {c["supersedes"] for c in own if c.get("supersedes")}
    return {
        (c["metric_id"], c.get("category", ""), c["locator"]): c
        for c in own
        if c["claim_id"] not in superseded
    }


def _claim(
    mapping: Mapping, source_id: str, claim_id: str, r: Reading, supersedes: dict[str, str] | None
) -> dict[str, str]:
    notes = r.figure.notes
    if supersedes is not None:
        old = supersedes.get("value") or supersedes.get("value_low") or supersedes.get("value_high")
        notes = (
            f"{notes} Revision: {supersedes['source_id']} gave {supersedes['value_kind']} {old} "
            f"for this record ({supersedes['claim_id']}); this snapshot gives {r.value_kind} "
            f"{r.number}."
        ).strip()
    return {
        "claim_id": claim_id,
        "metric_id": r.figure.metric,
        "category": r.figure.category,
        "value_kind": r.value_kind,
        **r.cells,
        "period_start": mapping.period_start,
        "period_end": r.locator,
        "date_precision": "day",
        "claimant_id": mapping.claimant,
        "source_id": source_id,
        "via": mapping.via,
        "quote": r.quote,
        "verification": mapping.verification,
        "supersedes": supersedes["claim_id"] if supersedes is not None else "",
        "notes": notes,
        "locator": r.locator,
        "source_uri": r.source_uri,
    }


def _same(claim: dict[str, str], r: Reading) -> bool:
    cells = r.cells
    return claim["value_kind"] == r.value_kind and all(
        claim.get(k, "") == v for k, v in cells.items()
    )


def import_snapshot(
    root: Path,
    mapping_path: Path,
    snapshot_date: str | None = None,
    *,
    dry_run: bool = False,
    folder: Path | None = None,
    today: dt.date | None = None,
    notify: Callable[[str], None] | None = None,
) -> ImportResult:
    """Import one snapshot of ``mapping_path``'s dataset into ``root``'s data (see module doc).

    Raises :class:`Rejected` for a bad mapping, snapshot or record (nothing written).
    """
    from manpower.contributing.submit import submit

    mapping = load_mapping(mapping_path)
    snapshot = mapping.snapshot(snapshot_date)
    folder = folder or datasets_dir(root)
    display = mapping.document(snapshot)
    digest, records = read_snapshot(folder / display, display)
    if digest != snapshot.sha256:
        raise Rejected(
            [
                catalogue.problem(
                    catalogue.SNAPSHOT_CHANGED,
                    table="",
                    file=display,
                    digest=digest,
                    pinned=snapshot.sha256,
                )
            ]
        )
    readings, problems = read_records(mapping, records, display)
    if problems:
        unlisted: dict[str, int] = {}
        listed = cap_problems(problems, unlisted)
        error = Rejected(listed)
        error.unlisted = unlisted  # type: ignore[attr-defined]
        raise error
    source_id = mapping.source_id(snapshot)
    result = ImportResult(
        mapping_path.name, source_id, snapshot.date, records=len(records), dry_run=dry_run
    )
    sources = read_rows(data_path(root, "sources"))
    imported = {s["source_id"]: s for s in sources}
    later = [
        s.date
        for s in mapping.snapshots
        if s.date > snapshot.date and mapping.source_id(s) in imported
    ]
    if later and source_id in imported:
        # already imported, and superseded by later snapshots: importing it again changes nothing
        result.unchanged = len(readings)
        return result
    if later:
        raise Rejected(
            [
                catalogue.problem(
                    catalogue.SNAPSHOT_OUT_OF_ORDER,
                    table="",
                    file=display,
                    date=snapshot.date,
                    latest=max(later),
                )
            ]
        )
    claims = read_rows(data_path(root, "claims"))
    current = _current(mapping, claims)
    taken = {c["claim_id"] for c in claims}
    numbers = [
        int(c["claim_id"].rsplit("-", 1)[1])
        for c in claims
        if c.get("source_id") == source_id and c["claim_id"].rsplit("-", 1)[1].isdigit()
    ]
    next_number = max(numbers, default=0) + 1
    new_rows: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for r in sorted(readings, key=lambda r: (r.locator, mapping.figures.index(r.figure))):
        key = (r.figure.metric, r.figure.category, r.locator)
        seen.add(key)
        earlier = current.get(key)
        if earlier is not None and _same(earlier, r):
            result.unchanged += 1
            continue
        claim_id = f"{source_id}-{next_number:04d}"
        while claim_id in taken:
            next_number += 1
            claim_id = f"{source_id}-{next_number:04d}"
        next_number += 1
        new_rows.append(_claim(mapping, source_id, claim_id, r, earlier))
        if earlier is not None:
            result.revised.append((claim_id, earlier["claim_id"]))
        else:
            result.added.append(claim_id)
    result.disappeared = sorted(
        (loc, metric, c["claim_id"])
        for (metric, _cat, loc), c in current.items()
        if (metric, _cat, loc) not in seen
    )
    row = source_row(mapping, snapshot)
    result.new_source = source_id not in imported
    if not new_rows and not result.new_source:
        return result  # nothing new: not a byte of data/ changes
    schemas = load_schemas(root)
    with tempfile.TemporaryDirectory(prefix="manpower-import-") as tmp:
        files = [Path(tmp) / "sources.csv"]
        _write(files[0], [row], schemas["sources"].field_names)
        if new_rows:
            files.append(Path(tmp) / "claims.csv")
            _write(files[1], new_rows, schemas["claims"].field_names)
        outcome = submit(root, files, dry_run=dry_run, today=today, notify=notify)
    result.recovered = outcome.recovered
    result.written = outcome.written
    by_row = {n + 2: r for n, r in enumerate(new_rows)}
    for p in outcome.findings:
        where = p.file or ""
        if where.endswith("claims.csv") and p.row in by_row:
            row = by_row[p.row]
            where = f"{display}, record of {row['locator']} (claim {row['claim_id']})"
        elif where.endswith("sources.csv"):
            where = f"{display} (its sources.csv row {source_id})"
        result.problems.append(_moved(p, where))
    result.unlisted = dict(outcome.unlisted)
    return result


def _moved(p: Problem, where: str) -> Problem:
    from dataclasses import replace

    return replace(p, file=where, row=None)


def _write(path: Path, rows: list[dict[str, str]], fields: Sequence[str]) -> None:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
