"""The derived flat table: claims joined with their metric, claimant and source.

It is the one file a spreadsheet user opens, so it carries labels and names next to the ids.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from manpower.files import write_atomic
from manpower.paths import data_path
from manpower.schema import load_schemas, read_rows
from manpower.stated import as_stated

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

# The claim as a reader reads it, in the words of ``manpower show`` (the same functions): each
# column follows the claims column it is placed after.
AS_STATED: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "value_high",
        {
            "name": "value_as_stated",
            "type": "string",
            "title": "Value as stated",
            "description": "The figure in the words of its claim, from value_kind and the value "
            "columns with the metric's unit: '140,000–180,000', 'more than 10,000', '≈ 7 %' "
            "(as manpower show prints it).",
        },
    ),
    (
        "date_precision",
        {
            "name": "period_as_stated",
            "type": "string",
            "title": "Period as stated",
            "description": "The period at the precision the source gave: '2024-11', "
            "'2022-07 – 2024-11', or 'undated (by 2025-12-15)' when only the latest possible "
            "date is known (as manpower show prints it).",
        },
    ),
)

# The tables joined, each with its key, which is also the claims column pointing into it.
KEYS = {"metrics": "metric_id", "claimants": "claimant_id", "sources": "source_id"}


def flat_schema(root: Path) -> dict[str, Any]:
    """The derived table's schema, built from the curated schemas it joins."""
    schemas = load_schemas(root)
    claims = schemas["claims"]
    fields = []
    for f in claims.fields:
        fields.append({k: v for k, v in f.data.items() if k != "constraints"})
        fields += [dict(spec) for after, spec in AS_STATED if after == f.name]
    for out, table, column, _ in JOINED:
        source = schemas[table].field(column)
        fields.append(
            {
                "name": out,
                "type": source.type,
                "title": f"{table.rstrip('s').capitalize()} {(source.title or column).lower()}",
                "description": f"{table}.{column} of the claim's {table.rstrip('s')}.",
            }
        )
    return {
        "$schema": claims.data.get("$schema"),
        "title": "Claims, flat",
        "description": "Claims joined with metric label, unit and topic, claimant name and "
        "source title, publisher, date and URL. Derived from the curated tables by the build; "
        "do not edit.",
        "fields": fields,
        "primaryKey": ["claim_id"],
        "missingValues": [""],
    }


def join(tables: Mapping[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    """The claims, by claim_id, each with the JOINED columns of its metric, claimant and source
    (empty when the id is not found). The one join of the package: the flat table and the
    claims people read in ``manpower show`` and on the datasheet (on a downloaded release too)
    are made by it. Rows of text and the standard library, not a data-frame library: ``show``
    is light core."""
    lookups = {
        table: {row.get(key, ""): row for row in tables[table]} for table, key in KEYS.items()
    }
    rows = []
    for claim in sorted(tables["claims"], key=lambda r: r.get("claim_id", "")):
        row = dict(claim)
        for out, table, column, key in JOINED:
            row[out] = lookups[table].get(claim.get(key, ""), {}).get(column, "")
        rows.append(row)
    return rows


def flat_rows(root: Path) -> tuple[list[str], list[dict[str, str]]]:
    tables = {t: read_rows(data_path(root, t)) for t in (*KEYS, "claims")}
    header = [f["name"] for f in flat_schema(root)["fields"]]
    rows = join(tables)
    for row in rows:
        row.update(as_stated(row))
    return header, rows


def write_flat(root: Path, out: Path) -> int:
    header, rows = flat_rows(root)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(out, buffer.getvalue())
    return len(rows)
