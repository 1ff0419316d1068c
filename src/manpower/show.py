"""``manpower show``: the claims of a topic or metric as rows, or the list of what there is."""

from __future__ import annotations

import csv
import difflib
import io
import json
import shutil
from dataclasses import dataclass
from typing import Any

from manpower.claims_view import Dataset
from manpower.errors import ManpowerError

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Rows:
    """What to print: a title, column names (machine formats) and headings (the table)."""

    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    table_columns: dict[str, str]


def overview(data: Dataset) -> Rows:
    counts = data.claim_counts()
    rows = [
        {
            "topic": m.topic,
            "metric_id": m.metric_id,
            "label": m.label,
            "unit": m.unit,
            "claims": counts[m.metric_id],
        }
        for m in data.metrics.values()
    ]
    return Rows(
        title=f"{len(data.claims)} claims on {len(data.metrics)} metrics in "
        f"{len({m.topic for m in data.metrics.values()})} topics",
        columns=["topic", "metric_id", "label", "unit", "claims"],
        rows=rows,
        table_columns={
            "topic": "topic",
            "metric_id": "metric",
            "label": "label",
            "unit": "unit",
            "claims": "claims",
        },
    )


def select(data: Dataset, name: str) -> Rows:
    """The claims of topic or metric ``name``; ManpowerError (exit 1) when it is neither."""
    # A topic may share its name with one of its metrics (prison_population): the topic wins,
    # as its claims include the metric's.
    if name in data.topics:
        metric_ids = [m.metric_id for m in data.metrics_in(name)]
        title = f"topic {name}"
    elif name in data.metrics:
        metric = data.metrics[name]
        metric_ids = [name]
        title = f"{metric.label} ({metric.metric_id}, {metric.unit})"
    else:
        known = list(data.metrics) + data.topics
        close = difflib.get_close_matches(name, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ManpowerError(
            f"unknown topic or metric {name!r}{hint}; run 'manpower show' to list them"
        )
    rows = []
    for metric_id in metric_ids:
        for c in data.claims_for(metric_id):
            verification = c.verification + (
                f", superseded by {c.superseded_by}" if c.superseded_by else ""
            )
            rows.append(
                {
                    "claim_id": c.claim_id,
                    "metric_id": c.metric_id,
                    "category": c.category,
                    "claimant": c.claimant_name,
                    "period": c.period,
                    "value_as_stated": c.as_stated,
                    "value_kind": c.value_kind,
                    "value_low": c.value_low,
                    "value": c.value,
                    "value_high": c.value_high,
                    "unit": c.unit,
                    "verification": verification,
                    "source": c.source,
                    "source_id": c.source_id,
                    "url": c.source_url,
                    "quote": c.quote,
                }
            )
    table_columns = {
        "claimant": "claimant",
        "period": "period",
        "value_as_stated": "value as stated",
        "verification": "verification",
        "source": "source",
    }
    if any(r["category"] for r in rows):
        table_columns = {"category": "category", **table_columns}
    if len(metric_ids) > 1:
        table_columns = {"metric_id": "metric", **table_columns}
    return Rows(
        title=f"{title}: {len(rows)} claims",
        columns=list(rows[0]) if rows else [],
        rows=rows,
        table_columns=table_columns,
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def render(rows: Rows, fmt: str, color: bool = False) -> str:
    """The rows as a rich table (width from $COLUMNS or the terminal), CSV or JSON."""
    if fmt == "json":
        return json.dumps(rows.rows, indent=2, ensure_ascii=False)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=rows.columns, lineterminator="\n")
        writer.writeheader()
        for row in rows.rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return buffer.getvalue().rstrip("\n")
    if fmt != "table":
        raise ManpowerError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=rows.title, box=box.SIMPLE_HEAD, title_justify="left")
    for key, heading in rows.table_columns.items():
        # fold rather than truncate: a cut-off verification status would mislead
        table.add_column(heading, justify="right" if key == "claims" else "left", overflow="fold")
    for row in rows.rows:
        table.add_row(*(str(row[key]) for key in rows.table_columns))
    buffer = io.StringIO()
    width = shutil.get_terminal_size(fallback=(120, 24)).columns
    console = Console(file=buffer, width=width, force_terminal=color, highlight=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
