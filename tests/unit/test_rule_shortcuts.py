"""The shortcuts that make validation fast find exactly what the row-by-row reading finds."""

from __future__ import annotations

import datetime as dt

from conftest import claim
from manpower.validation.runner import validate

TODAY = dt.date(2026, 11, 24)


def rule_rows(repo, rule):
    return [p.row for p in validate(repo, today=TODAY).problems if p.rule == rule]


def test_quote_check_on_distinct_quotes_flags_every_row_that_repeats_one(make_repo):
    # quote-states-value reads each distinct (quote, values) once: every row that shares a
    # failing one is flagged, and a row sharing only the quote is judged on its own values
    many = "Russia has recruited many prisoners"
    words = "Russia has recruited 140 thousand to 180 thousand prisoners"  # the slow reading
    claims = [
        claim(claim_id="paper-2025-01-03-01"),
        claim(claim_id="paper-2025-01-03-02"),
        claim(claim_id="paper-2025-01-03-03", quote=many),
        claim(claim_id="paper-2025-01-03-04", quote=many),
        claim(claim_id="paper-2025-01-03-05", value_high="190000"),
        claim(claim_id="paper-2025-01-03-06", quote=words),
        claim(claim_id="paper-2025-01-03-07", quote=words),
        claim(claim_id="paper-2025-01-03-08", quote=words, value_high="181000"),
        claim(claim_id="paper-2025-01-03-09", quote=many, value_kind="interpreted", notes="x"),
    ]
    assert rule_rows(make_repo(claims=claims), "quote-states-value") == [4, 5, 6, 9]


def test_cumulative_series_excused_only_by_superseding_a_higher_earlier_claim(make_repo):
    # the series is checked with joins, not row by row: a falling figure is excused only when
    # the claim it names in supersedes is earlier and higher, whatever else the series holds
    def point(n: int, end: str, value: str, supersedes: str = "") -> dict[str, str]:
        return claim(
            claim_id=f"paper-2025-01-03-{n:02d}",
            value_kind="exact",
            value_low="",
            value=value,
            value_high="",
            period_end=end,
            quote=f"Russia has recruited {int(value):,} prisoners",
            supersedes=supersedes,
        )

    claims = [
        point(1, "2024-01-31", "150000"),
        point(2, "2024-01-31", "150000"),  # the same figure again: no fall
        point(3, "2024-02-29", "160000"),
        point(4, "2024-03-31", "155000", supersedes="paper-2025-01-03-03"),  # excused
        point(5, "2024-03-31", "155000", supersedes="paper-2025-01-03-01"),  # 01 is not higher
        point(6, "2024-04-30", "100000", supersedes="paper-2025-01-03-07"),  # 07 is later
        point(7, "2024-05-31", "170000"),
        point(8, "2024-01-31", "140000"),  # the same date as higher ones: no fall
        point(9, "2024-06-30", "170000"),
    ]
    assert rule_rows(make_repo(claims=claims), "cumulative-monotonic") == [6, 7]
