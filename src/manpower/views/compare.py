"""``manpower compare``: one quantity reported by several sources, side by side.

A group is a (claimant, metric, category, period_end) that more than one source reports: the
seed article's General Staff total for 2024-12-27 beside the two relays' records of that day.
Left out: claims a later claim supersedes (a revision is history, shown by ``show``, not a
second opinion) and undated claims (their period_end is only the latest possible date).

**When claims agree.** Each claim stands for the interval of values its wording allows:

- ``exact`` N: N itself;
- ``approximate`` N (and ``forecast``, ``interpreted`` with a single value): N give or take half
  a unit of its last non-zero digit, since "about 782,500" is stated to the hundred: 782,450 to
  782,550 (a figure with no trailing zero, "about 30,151", is stated to the unit: +-0.5);
- ``at_least`` N: N or more; ``more_than`` N: above N; ``up_to`` N: N or less; ``less_than`` N:
  below N; ``range`` L-H (and an ``interpreted`` figure with bounds): L to H.

A group agrees when one value lies in every claim's interval (intervals on a line that meet
pairwise have a common point). So an ``approximate`` 782,500 and an ``exact`` 782,510 agree, an
``up_to`` 782,510 agrees with an ``exact`` 782,510, and two ``exact`` figures agree only when
equal. Two relays of one claimant that give different figures for one day disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError
from manpower.paths import data_path
from manpower.schema import read_rows


@dataclass
class Group:
    claimant_id: str
    metric_id: str
    category: str
    period_end: str
    agree: bool
    claims: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claimant_id": self.claimant_id,
            "metric_id": self.metric_id,
            "category": self.category,
            "period_end": self.period_end,
            "agree": self.agree,
            "claims": self.claims,
        }


def _number(text: str) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _half_unit(value: float) -> float:
    """Half the unit of the last non-zero digit of a whole figure (0.5 for other figures)."""
    if value != int(value) or value == 0:
        return 0.5 if value == int(value) else 0.0
    n, unit = abs(int(value)), 1
    while n % 10 == 0:
        n //= 10
        unit *= 10
    return unit / 2


# (low, low is closed, high, high is closed)
Interval = tuple[float, bool, float, bool]


def interval(claim: dict[str, str]) -> Interval | None:
    """The values a claim's wording allows (see the module doc); None when it states none."""
    kind = claim.get("value_kind", "")
    low, value, high = (_number(claim.get(k, "")) for k in ("value_low", "value", "value_high"))
    inf = math.inf
    if kind == "exact" and value is not None:
        return (value, True, value, True)
    if kind in ("approximate", "forecast", "interpreted") and value is not None:
        h = _half_unit(value)
        return (value - h, True, value + h, True)
    if kind == "at_least" and low is not None:
        return (low, True, inf, False)
    if kind == "more_than" and low is not None:
        return (low, False, inf, False)
    if kind == "up_to" and high is not None:
        return (-inf, False, high, True)
    if kind == "less_than" and high is not None:
        return (-inf, False, high, False)
    if low is not None and high is not None:
        return (low, True, high, True)
    return None


def agree(intervals: list[Interval]) -> bool:
    """Whether one value lies in every interval."""
    low = max(intervals, key=lambda i: (i[0], not i[1]))
    high = min(intervals, key=lambda i: (i[2], i[3]))
    if low[0] < high[2]:
        return True
    return low[0] == high[2] and low[1] and high[3]


def groups(claims: list[dict[str, str]]) -> list[Group]:
    """Every (claimant, metric, category, period_end) reported by more than one source."""
    corrected = {c["supersedes"] for c in claims if c.get("supersedes")}
    by_key: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for claim in claims:
        if claim["claim_id"] in corrected or claim.get("date_precision") == "undated":
            continue
        key = (claim["claimant_id"], claim["metric_id"], claim.get("category", ""))
        by_key.setdefault((*key, claim["period_end"]), []).append(claim)
    out = []
    for (claimant, metric, category, end), members in sorted(by_key.items()):
        if len({c["source_id"] for c in members}) < 2:
            continue
        spans = [s for s in map(interval, members) if s is not None]
        out.append(
            Group(
                claimant,
                metric,
                category,
                end,
                agree(spans) if spans else True,
                [
                    {
                        "claim_id": c["claim_id"],
                        "source_id": c["source_id"],
                        "value_kind": c["value_kind"],
                        "value_low": _number(c.get("value_low", "")),
                        "value": _number(c.get("value", "")),
                        "value_high": _number(c.get("value_high", "")),
                    }
                    for c in sorted(members, key=lambda c: (c["source_id"], c["claim_id"]))
                ],
            )
        )
    return out


def compare(root: Path, name: str | None = None) -> list[Group]:
    """The groups of ``root``'s claims, of one topic, metric or claimant when ``name`` is given
    (its id, in any case); an unknown name is an error naming the nearest ones."""
    claims = read_rows(data_path(root, "claims"))
    if name is None:
        return groups(claims)
    metrics = read_rows(data_path(root, "metrics"))
    claimants = read_rows(data_path(root, "claimants"))
    wanted = name.strip().casefold()
    topics = {m["topic"] for m in metrics}
    if wanted in topics:
        ids = {m["metric_id"] for m in metrics if m["topic"] == wanted}
        chosen = [c for c in claims if c["metric_id"] in ids]
    elif wanted in {m["metric_id"] for m in metrics}:
        chosen = [c for c in claims if c["metric_id"] == wanted]
    elif wanted in {c["claimant_id"] for c in claimants}:
        chosen = [c for c in claims if c["claimant_id"] == wanted]
    else:
        from manpower.contributing.suggest import did_you_mean

        known = sorted(topics | {m["metric_id"] for m in metrics})
        known += sorted(c["claimant_id"] for c in claimants)
        raise ManpowerError(f"no topic, metric or claimant {name!r}{did_you_mean(wanted, known)}")
    # a correction outside the selection still takes its claim out of the comparison
    corrected = {c["supersedes"] for c in claims if c.get("supersedes")}
    return [g for g in groups(chosen) if all(x["claim_id"] not in corrected for x in g.claims)]


def stated(claim: dict[str, Any]) -> str:
    """A compared claim's value as its wording gives it, for text output."""

    def n(x: float | None) -> str:
        return "" if x is None else f"{x:,.0f}" if x == int(x) else f"{x:,}"

    kind = claim["value_kind"]
    words = {
        "approximate": "about ",
        "at_least": "at least ",
        "more_than": "more than ",
        "up_to": "up to ",
        "less_than": "less than ",
        "forecast": "forecast ",
        "interpreted": "read as ",
    }
    if kind == "range" or (claim["value"] is None and claim["value_low"] and claim["value_high"]):
        return f"{n(claim['value_low'])}-{n(claim['value_high'])}"
    figure = claim["value"]
    if figure is None:
        figure = claim["value_low"] if claim["value_low"] is not None else claim["value_high"]
    return f"{words.get(kind, '')}{n(figure)}"
