"""Long series: one claimant's figures for one metric relayed day by day by a dataset.

A dataset snapshot (``sources.kind`` dataset) gives hundreds of claims of one claimant and
metric, one per record. Shown claim by claim they bury everything else, so ``show`` and the
datasheet summarise each relay's series (first, last, count, revisions, days on which it
disagrees with another source) and draw it as a line. A relay is the dataset's upstream
repository: the claims of all its snapshots form one series (a revised record's earlier claim
is a revision of it, not a second series).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from manpower.views.claims_view import Claim, Dataset

# fewer claims than this from one relay are shown one by one, like any other claims
MIN_SERIES = 10


@dataclass
class Series:
    metric_id: str
    claimant_id: str
    claimant_name: str
    category: str
    relay: str  # the dataset's repository, e.g. https://github.com/lod-db/orc-losses
    claims: list[Claim] = field(default_factory=list)  # the standing claims, by date
    revised: list[Claim] = field(default_factory=list)  # claims a later snapshot corrected
    disagreements: list[str] = field(default_factory=list)  # dates another source differs on

    @property
    def relay_name(self) -> str:
        """``lod-db/orc-losses`` for a GitHub repository; else the address."""
        prefix = "https://github.com/"
        return self.relay[len(prefix) :] if self.relay.startswith(prefix) else self.relay

    @property
    def label(self) -> str:
        """Honest about what the line is: the claimant's figure, relayed by the dataset."""
        return f"{self.claimant_name}'s figure, relayed by {self.relay_name}"

    @property
    def claim_ids(self) -> list[str]:
        return [c.claim_id for c in [*self.claims, *self.revised]]

    def summary(self) -> str:
        first, last = self.claims[0], self.claims[-1]
        category = f" ({self.category})" if self.category else ""
        days = len(self.disagreements)
        shown = ", ".join(self.disagreements[:6]) + (", …" if days > 6 else "")
        return (
            f"{self.label}{category}: {len(self.claims):,} daily figures from "
            f"{first.period_end} ({first.as_stated}) to {last.period_end} ({last.as_stated}); "
            f"{len(self.revised)} revised by a later snapshot; "
            f"{days} day{'s' * (days != 1)} on which another source differs"
            + (f" ({shown})" if days else "")
        )


def _row(c: Claim) -> dict[str, str]:
    """A claim as the text row ``compare`` reads."""

    def text(x: float | None) -> str:
        return "" if x is None else repr(x)

    return {
        "claim_id": c.claim_id,
        "claimant_id": c.claimant_id,
        "metric_id": c.metric_id,
        "category": c.category,
        "period_end": c.period_end,
        "date_precision": c.date_precision,
        "source_id": c.source_id,
        "value_kind": c.value_kind,
        "value_low": text(c.value_low),
        "value": text(c.value),
        "value_high": text(c.value_high),
        "supersedes": c.supersedes,
    }


def disagreement_days(claims: list[Claim]) -> dict[tuple[str, str, str], set[str]]:
    """(claimant, metric, category) -> the dates on which its sources disagree."""
    from manpower.views.compare import groups

    out: dict[tuple[str, str, str], set[str]] = {}
    for g in groups([_row(c) for c in claims]):
        if not g.agree:
            out.setdefault((g.claimant_id, g.metric_id, g.category), set()).add(g.period_end)
    return out


def split(data: Dataset, claims: list[Claim]) -> tuple[list[Series], list[Claim]]:
    """The long relayed series among ``claims``, and the claims that are in none."""
    relay = {
        s["source_id"]: s.get("repository", "")
        for s in data.sources
        if s.get("kind") == "dataset" and s.get("repository")
    }
    found: dict[tuple[str, str, str, str], Series] = {}
    for c in claims:
        if c.source_id not in relay:
            continue
        key = (c.metric_id, c.claimant_id, c.category, relay[c.source_id])
        series = found.setdefault(key, Series(*key[:2], c.claimant_name, *key[2:]))
        (series.revised if c.superseded_by else series.claims).append(c)
    long = {k: s for k, s in found.items() if len(s.claims) >= MIN_SERIES}
    if not long:
        return [], claims
    days = disagreement_days(data.claims)
    for (metric, claimant, category, _relay), series in long.items():
        series.claims.sort(key=lambda c: (c.period_end, c.claim_id))
        own = {c.period_end for c in series.claims}
        series.disagreements = sorted(days.get((claimant, metric, category), set()) & own)
    inside = {cid for s in long.values() for cid in s.claim_ids}
    ordered = sorted(long.values(), key=lambda s: (s.metric_id, s.claimant_id, s.relay))
    return ordered, [c for c in claims if c.claim_id not in inside]
