"""Issue 22 (round 3 of hostile input): each item reproduced, then held.

Every test asserts the exit code, the one line said, and that the files are as they were.
"""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from conftest import SOURCES, claim
from manpower.cli import cli
from manpower.validation.runner import validate

TODAY = dt.date(2026, 11, 24)


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), **kw)


# --- item 3: a date the views cannot draw is a validation error --------------------------------


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        ("claims", {"period_end": "0001-01-02", "date_precision": "day"}),
        ("claims", {"period_start": "1899-12-31"}),
        ("claims", {"period_end": "9999-12-31", "value_kind": "forecast"}),
        ("sources", {"published_date": "0001-01-01"}),
    ],
)
def test_dates_outside_what_readers_represent_are_refused(make_repo, table, changes):
    repo = (
        make_repo(claims=[claim(**changes)])
        if table == "claims"
        else make_repo(sources=[{**SOURCES[0], **changes}])
    )
    (field, value), *_ = changes.items()
    problems = [
        (p.table, p.row, p.field, p.value)
        for p in validate(repo, today=TODAY).problems
        if p.rule == "date-range"
    ]
    assert problems == [(table, 2, field, value)]


def test_dates_at_the_ends_of_the_range_are_accepted(make_repo):
    repo = make_repo(claims=[claim(period_start="1900-01-01")])
    assert [p.rule for p in validate(repo, today=TODAY).problems] == []


def test_date_range_rule_covers_every_date_field_of_the_schemas():
    """Derived from the schemas: a date field added to any table is covered without a list."""
    from manpower.validation.rules import RULES

    tables = {r.table for r in RULES if r.id == "date-range"}
    assert tables == {"sources", "claimants", "metrics", "claims"}


def test_the_range_is_what_load_and_the_charts_read_back(make_repo, tmp_path):
    """Both ends of the range survive manpower.load (pandas) and a chart is drawn with them."""
    import pandas as pd

    from manpower.catalogue import RULES
    from manpower.limits import DATE_MAX, DATE_MIN

    assert pd.Timestamp(DATE_MIN) <= pd.Timestamp(DATE_MAX)
    summary = RULES["date-range"].summary
    assert DATE_MIN.isoformat() in summary and DATE_MAX.isoformat() in summary


@pytest.mark.slow
def test_charts_draw_both_ends_of_the_date_range(make_repo, tmp_path):
    from manpower.views.datasheet import report

    early = claim(period_start="", period_end="1900-01-01", date_precision="day")
    early["quote"] = "Russia has recruited 140,000 to 180,000 prisoners by 1900"
    late = claim(
        claim_id="paper-2025-01-03-02",
        value_kind="forecast",
        value_low="",
        value="150000",
        value_high="",
        period_start="2100-01-01",
        period_end="2100-12-31",
        quote="150,000 prisoners by 2100",
        date_precision="year",
    )
    repo = make_repo(claims=[early, late])
    _, site = report(repo, tmp_path / "site")
    assert site.charted == {"convicts_recruited_cumulative": 2}
