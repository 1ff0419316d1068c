"""The vocabulary holds real figures (issue 19.5): units for cases, requests and rates per day
and month, and share-sum only for a metric that says it is a breakdown."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import METRICS, claim
from manpower.validation.runner import validate

TODAY = dt.date(2026, 11, 24)
OVERLAPPING = {
    "metric_id": "deserter_case_outcome_share",
    "topic": "desertion",
    "label": "Desertion cases by outcome",
    "description": "Share of desertion cases with a given outcome; outcomes overlap.",
    "unit": "percent",
    "counting_basis": "share",
}


def share(n: int, metric: str, category: str, value: str) -> dict[str, str]:
    return claim(
        claim_id=f"paper-2025-01-03-0{n}",
        metric_id=metric,
        category=category,
        value_kind="exact",
        value_low="",
        value_high="",
        value=value,
        quote=f"{value}% were {category}",
    )


def problems(repo):
    return validate(repo, today=TODAY).problems


def test_overlapping_shares_of_a_share_metric_are_not_summed(make_repo):
    claims = [
        share(1, OVERLAPPING["metric_id"], "awol", "88.4"),
        share(2, OVERLAPPING["metric_id"], "prosecuted", "86.2"),
    ]
    assert problems(make_repo(claims=claims, metrics=[*METRICS, OVERLAPPING])) == []


def test_shares_of_a_breakdown_above_100_say_use_a_separate_metric(make_repo):
    claims = [
        share(1, "pow_share_by_rank", "officer", "88.4"),
        share(2, "pow_share_by_rank", "nco", "86.2"),
    ]
    found = [p for p in problems(make_repo(claims=claims)) if p.rule == "share-sum"]
    assert [p.row for p in found] == [2, 3]
    assert "use a separate metric" in found[0].fix


@pytest.mark.parametrize(
    ("unit", "basis"),
    [
        ("cases", "flow"),
        ("requests", "cumulative"),
        ("persons_per_day", "rate"),
        ("persons_per_month", "rate"),
    ],
)
def test_units_for_cases_requests_and_rates(make_repo, unit, basis):
    metric = {**OVERLAPPING, "metric_id": "m_" + unit, "unit": unit, "counting_basis": basis}
    claims = [
        claim(
            metric_id=metric["metric_id"],
            value_kind="exact",
            value_low="",
            value="12",
            value_high="",
            quote="12 of them",
        )
    ]
    assert problems(make_repo(claims=claims, metrics=[*METRICS, metric])) == []


def test_an_unknown_unit_is_still_refused(make_repo):
    metric = {**OVERLAPPING, "unit": "persons_per_fortnight"}
    found = problems(make_repo(metrics=[*METRICS, metric]))
    assert [(p.table, p.field) for p in found] == [("metrics", "unit")]
