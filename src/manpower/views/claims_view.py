"""The claims as people read them: joined with metric, claimant and source, values as stated.

Shared by ``manpower show`` and the datasheet page. It reads the curated CSV tables with the
standard library only (``manpower.schema.read_rows``), so the terminal view starts quickly and
works in the light core, and joins them with the flat table's join (``manpower.flat_table.join``);
numbers that do not parse are kept as missing (``manpower validate`` is the place that reports
them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from manpower.flat_table import join
from manpower.safe_paths import data_file
from manpower.schema import TableSchema, load_schemas, read_rows

# the wording lives in manpower.stated (the flat table uses it too); re-exported for the views
from manpower.stated import OPEN_DOWN as OPEN_DOWN
from manpower.stated import OPEN_UP as OPEN_UP
from manpower.stated import _float as _float
from manpower.stated import as_written, period_as_stated, value_as_stated
from manpower.stated import number as number

UNIT_LABEL = {
    "persons": "persons",
    "percent": "per cent",
    "usd": "US dollars",
    "usd_per_month": "US dollars per month",
    "persons_per_week": "persons per week",
    "countries": "countries",
    "ratio": "ratio",
    "bodies": "bodies",
    "cases": "cases",
    "requests": "requests",
    "persons_per_day": "persons per day",
    "persons_per_month": "persons per month",
}


@dataclass(frozen=True)
class Metric:
    metric_id: str
    topic: str
    label: str
    description: str
    unit: str
    counting_basis: str


@dataclass(frozen=True)
class Claim:
    """One claim joined with what a reader needs next to it."""

    claim_id: str
    metric_id: str
    category: str
    value_kind: str
    value_low: float | None
    value: float | None
    value_high: float | None
    period_start: str
    period_end: str
    date_precision: str
    claimant_id: str
    claimant_name: str
    source_id: str
    source_title: str
    source_publisher: str
    source_date: str
    source_url: str
    via: str
    quote: str
    verification: str
    supersedes: str
    superseded_by: str
    notes: str
    unit: str
    written: str | None = None  # the value cells as written, when one is not a number

    @property
    def as_stated(self) -> str:
        if self.written is not None:
            return self.written
        return value_as_stated(
            self.value_kind, self.value_low, self.value, self.value_high, self.unit
        )

    @property
    def period(self) -> str:
        return period_as_stated(self.period_start, self.period_end, self.date_precision)

    @property
    def source(self) -> str:
        """The source in a few words: publisher (or id, when it names none) and date."""
        parts = [p for p in (self.source_publisher or self.source_id, self.source_date) if p]
        return ", ".join(parts)

    @property
    def source_label(self) -> str:
        """The document as a reader finds it: title (publisher, date), or what it states."""
        details = ", ".join(p for p in (self.source_publisher, self.source_date) if p)
        if self.source_title:
            return f"“{self.source_title}”" + (f" ({details})" if details else "")
        return f"{self.source_id} ({details or 'no title, publisher or date stated'})"

    @property
    def undated(self) -> bool:
        return self.date_precision == "undated"

    @property
    def point(self) -> float | None:
        """Where a chart places the claim: the figure, the middle of a range, or the bound."""
        if self.value is not None:
            return self.value
        if self.value_low is not None and self.value_high is not None:
            return (self.value_low + self.value_high) / 2
        return self.value_low if self.value_low is not None else self.value_high


@dataclass
class Dataset:
    """The four curated tables of one package, ready to be shown."""

    topics: list[str]
    metrics: dict[str, Metric]
    claims: list[Claim]
    sources: list[dict[str, str]]
    claimants: list[dict[str, str]]
    # the verification vocabulary in the schema's order (the datasheet's filter)
    verifications: list[str] = field(default_factory=list)

    def claims_for(self, metric_id: str) -> list[Claim]:
        return [c for c in self.claims if c.metric_id == metric_id]

    def metrics_in(self, topic: str) -> list[Metric]:
        return [m for m in self.metrics.values() if m.topic == topic]

    def claim_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.metrics, 0)
        for c in self.claims:
            counts[c.metric_id] = counts.get(c.metric_id, 0) + 1
        return counts


def _enum(schemas: dict[str, TableSchema], table: str, column: str) -> list[str]:
    return list(schemas[table].field(column).enum or ())


def load(root: Path) -> Dataset:
    """The package at ``root``: metrics in topic order, claims by metric, then date, then id."""
    schemas = load_schemas(root)
    topics = _enum(schemas, "metrics", "topic")
    names = ("sources", "claimants", "metrics", "claims")
    tables = {t: read_rows(data_file(root, t), [f.name for f in schemas[t].fields]) for t in names}
    sources, claimants = tables["sources"], tables["claimants"]
    metric_rows, claim_rows = list(tables["metrics"]), tables["claims"]

    order = {t: i for i, t in enumerate(topics)}
    metric_rows.sort(key=lambda r: (order.get(r.get("topic", ""), len(order)), r["metric_id"]))
    metrics = {
        r["metric_id"]: Metric(
            metric_id=r["metric_id"],
            topic=r.get("topic", ""),
            label=r.get("label", "") or r["metric_id"],
            description=r.get("description", ""),
            unit=r.get("unit", ""),
            counting_basis=r.get("counting_basis", ""),
        )
        for r in metric_rows
    }
    # from the file's rows, in file order: of two claims superseding one, the later names it
    superseded_by = {r["supersedes"]: r["claim_id"] for r in claim_rows if r.get("supersedes")}
    metric_order = {m: i for i, m in enumerate(metrics)}

    claims = []
    for r in join(tables):
        claims.append(
            Claim(
                claim_id=r["claim_id"],
                metric_id=r.get("metric_id", ""),
                category=r.get("category", ""),
                value_kind=r.get("value_kind", ""),
                value_low=_float(r.get("value_low", "")),
                value=_float(r.get("value", "")),
                value_high=_float(r.get("value_high", "")),
                period_start=r.get("period_start", ""),
                period_end=r.get("period_end", ""),
                date_precision=r.get("date_precision", "day"),
                claimant_id=r.get("claimant_id", ""),
                claimant_name=r["claimant_name"] or r.get("claimant_id", ""),
                source_id=r.get("source_id", ""),
                source_title=r["source_title"],
                source_publisher=r["source_publisher"],
                source_date=r["source_published_date"],
                source_url=r["source_url"],
                via=r.get("via", ""),
                quote=r.get("quote", ""),
                verification=r.get("verification", ""),
                supersedes=r.get("supersedes", ""),
                superseded_by=superseded_by.get(r["claim_id"], ""),
                notes=r.get("notes", ""),
                unit=r["metric_unit"],
                written=as_written(
                    r.get("value_low", ""), r.get("value", ""), r.get("value_high", "")
                ),
            )
        )
    claims.sort(
        key=lambda c: (metric_order.get(c.metric_id, len(metric_order)), c.period_end, c.claim_id)
    )
    return Dataset(
        topics=topics,
        metrics=metrics,
        claims=claims,
        sources=sorted(sources, key=lambda s: s.get("source_id", "")),
        claimants=sorted(claimants, key=lambda c: c.get("claimant_id", "")),
        verifications=_enum(schemas, "claims", "verification"),
    )
