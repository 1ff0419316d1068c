"""The derived flat table: claims joined with their metric, claimant and source.

It is the one file a spreadsheet user opens, so it carries labels and names next to the ids.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from manpower.fsutil import write_atomic
from manpower.paths import data_path, load_schema

# (output column, table, column in that table, join key in claims)
JOINED: tuple[tuple[str, str, str, str], ...] = (
    ("metric_label", "metrics", "label", "metric_id"),
    ("metric_unit", "metrics", "unit", "metric_id"),
    ("metric_topic", "metrics", "topic", "metric_id"),
    ("metric_counting_basis", "metrics", "counting_basis", "metric_id"),
    ("claimant_name", "claimants", "name", "claimant_id"),
    ("claimant_type", "claimants", "type", "claimant_id"),
    ("source_title", "sources", "title", "source_id"),
    ("source_publisher", "sources", "publisher", "source_id"),
    ("source_published_date", "sources", "published_date", "source_id"),
    ("source_url", "sources", "url", "source_id"),
)


def flat_schema(root: Path) -> dict[str, Any]:
    """The derived table's schema, built from the curated schemas it joins."""
    claims = load_schema(root, "claims")
    fields = [{k: v for k, v in f.items() if k != "constraints"} for f in claims["fields"]]
    for out, table, column, _ in JOINED:
        source = next(f for f in load_schema(root, table)["fields"] if f["name"] == column)
        fields.append(
            {
                "name": out,
                "type": source["type"],
                "title": f"{table.rstrip('s').capitalize()} {source.get('title', column).lower()}",
                "description": f"{table}.{column} of the claim's {table.rstrip('s')}.",
            }
        )
    return {
        "$schema": claims.get("$schema"),
        "title": "Claims, flat",
        "description": "Claims joined with metric label, unit and topic, claimant name and "
        "source title, publisher, date and URL. Derived from the curated tables by the build; "
        "do not edit.",
        "fields": fields,
        "primaryKey": ["claim_id"],
        "missingValues": [""],
    }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def flat_rows(root: Path) -> tuple[list[str], list[dict[str, str]]]:
    lookups = {
        table: {row[f"{table.rstrip('s')}_id"]: row for row in _read(data_path(root, table))}
        for table in ("metrics", "claimants", "sources")
    }
    header = [f["name"] for f in flat_schema(root)["fields"]]
    rows = []
    for claim in sorted(_read(data_path(root, "claims")), key=lambda r: r["claim_id"]):
        row = dict(claim)
        for out, table, column, key in JOINED:
            row[out] = lookups[table].get(claim[key], {}).get(column, "")
        rows.append(row)
    return header, rows


def write_flat(root: Path, out: Path) -> int:
    header, rows = flat_rows(root)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(out, buffer.getvalue())
    return len(rows)
