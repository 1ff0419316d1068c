"""Charts that do not mislead: breakdowns as bars, time axes that end with the data, every way of
stating a figure drawn and legended in its own style, subsets and captions that say what they are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import matplotlib.dates as mdates
import pytest

from manpower.views.charts import (
    STATUS_LABEL,
    _date_label,
    _figure,
    caption,
    colours,
    draw,
    is_breakdown,
    subset_note,
)
from manpower.views.claims_view import Claim, Metric

SHARES = Metric(
    "pow_share_by_rank", "captivity", "POWs by rank", "Share of POWs by rank.", "percent", "share"
)
DEAD = Metric(
    "killed_named_cumulative",
    "casualties",
    "Dead identified by name",
    "Dead identified by name.",
    "persons",
    "cumulative",
)
LOSSES = Metric(
    "killed_or_wounded_cumulative",
    "casualties",
    "Killed or wounded",
    "Killed or wounded, running total.",
    "persons",
    "cumulative",
)

BASE = Claim(
    claim_id="a-01",
    metric_id="pow_share_by_rank",
    category="",
    value_kind="exact",
    value_low=None,
    value=10.0,
    value_high=None,
    period_start="2022-02-24",
    period_end="2025-12-31",
    date_precision="day",
    claimant_id="ua-hq",
    claimant_name="Coordination Headquarters",
    source_id="a",
    source_title="Title",
    source_publisher="",
    source_date="",
    source_url="",
    via="",
    quote="10%",
    verification="unverified",
    supersedes="",
    superseded_by="",
    notes="",
    unit="percent",
)


def make(n: int, **changes: object) -> Claim:
    return dataclasses.replace(BASE, claim_id=f"a-{n:02d}", **changes)


RANKS = [
    make(1, category="rank_and_file", value=83.0),
    make(2, category="officer", value=3.0),
    make(3, category="non_commissioned_officer", value=13.0),
]


def figure(metric: Metric, claims: list[Claim]):
    fig = _figure(metric, claims, colours(claims))
    fig.draw_without_rendering()
    return fig, fig.axes[0]


def test_a_breakdown_is_a_bar_chart_labelled_with_values_as_stated():
    assert is_breakdown(RANKS)
    _, ax = figure(SHARES, RANKS)
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "rank and file",
        "officer",
        "non commissioned\nofficer",
    ]
    assert [round(p.get_height()) for p in ax.patches] == [83, 3, 13]
    labels = [t.get_text() for t in ax.texts]
    assert {"83 %", "3 %", "13 %"} <= set(labels)
    assert "category" in ax.get_xlabel()
    # the SVG keeps one countable mark per claim, each a bar
    chart = draw(SHARES, RANKS)
    assert chart.svg.count('class="mark"') == 3


def test_claims_on_different_dates_are_not_a_breakdown():
    spread = [RANKS[0], make(2, category="officer", period_end="2024-12-31")]
    assert not is_breakdown(spread)
    assert not is_breakdown([make(1), make(2)])  # no categories: claims of one quantity


def test_time_axis_ends_at_the_last_point_and_months_carry_the_year():
    claims = [
        make(1, value=1_000_000.0, period_end="2025-08-31", unit="persons"),
        make(2, value=720_000.0, period_end="2025-12-15", unit="persons"),
    ]
    _, ax = figure(LOSSES, claims)
    low, high = ax.get_xlim()
    assert mdates.num2date(high).date() <= dt.date(2025, 12, 15) + dt.timedelta(days=31)
    assert mdates.num2date(low).date() >= dt.date(2025, 8, 31) - dt.timedelta(days=31)
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"\d{4}|[A-Z][a-z]{2} \d{4}", t) for t in ticks), ticks
    assert any(re.fullmatch(r"[A-Z][a-z]{2} 2025", t) for t in ticks)


def test_date_labels():
    assert _date_label(mdates.date2num(dt.date(2025, 1, 1))) == "2025"
    assert _date_label(mdates.date2num(dt.date(2025, 3, 1))) == "Mar 2025"


STATUS_CLAIMS = [
    make(1, value=100.0, period_end="2024-06-30"),
    make(2, value_kind="interpreted", value=200.0, period_end="2024-09-30"),
    make(3, value_kind="forecast", value=300.0, period_end="2025-06-30"),
    make(4, value_kind="more_than", value=None, value_low=150.0, period_end="2025-03-31"),
    make(5, date_precision="undated", value=120.0, period_end="2025-12-31"),
]


def test_each_way_of_stating_has_its_own_legended_style():
    fig, _ = figure(SHARES, STATUS_CLAIMS)
    legend_texts = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    for label in STATUS_LABEL.values():
        assert label in legend_texts
    chart = draw(SHARES, STATUS_CLAIMS)
    assert 'id="c-pow_share_by_rank-mark-1-interpreted"' in chart.svg
    assert 'id="c-pow_share_by_rank-mark-2-forecast"' in chart.svg
    assert 'id="c-pow_share_by_rank-mark-4-undated"' in chart.svg
    assert 'id="c-pow_share_by_rank-mark-3-arrow"' in chart.svg
    # no ring or back arrow on a plainly stated, dated figure
    assert 'id="c-pow_share_by_rank-mark-0-' not in chart.svg


def test_interpreted_is_drawn_solid_and_the_bound_glyph_is_the_hollow_circle():
    fig, ax = figure(SHARES, STATUS_CLAIMS)
    marks = {line.get_gid(): line for line in ax.lines}
    colour = colours(STATUS_CLAIMS)["ua-hq"]
    assert marks["mark-1"].get_markerfacecolor() == colour  # interpreted: solid
    assert marks["mark-3"].get_markerfacecolor() == "white"  # more than: hollow
    how = fig.legends[1]
    labels = [t.get_text() for t in how.get_texts()]
    bound = how.legend_handles[labels.index(STATUS_LABEL["bound"])]
    assert bound.get_marker() == "o" and bound.get_markerfacecolor() == "white"


def test_a_part_next_to_its_total_says_so():
    claims = [
        make(
            1,
            value_kind="more_than",
            value=None,
            value_low=160000.0,
            unit="persons",
            period_end="2026-01-31",
        ),
        make(
            2,
            category="foreign_national",
            value_kind="more_than",
            value=None,
            value_low=550.0,
            unit="persons",
            period_end="2026-01-31",
        ),
    ]
    note = subset_note(DEAD, claims)
    assert note == "foreign_national: part of the total, not in addition to it"
    _, ax = figure(DEAD, claims)
    assert note in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["total", "foreign national"]
    assert subset_note(SHARES, RANKS) == ""  # shares are parts by definition


@pytest.mark.parametrize("claims", [RANKS, STATUS_CLAIMS])
def test_caption_says_what_is_counted_and_what_it_is_not(claims):
    text = caption(SHARES, claims)
    assert text.startswith("Counted: Share of POWs by rank.")
    assert text.endswith(
        "Claims by different claimants are separate estimates, not a time series of one quantity."
    )
