"""One claims join (manpower.flat_table.join) for the flat table and for the claims people
read (manpower.views.claims_view), so the two cannot disagree."""

from __future__ import annotations

from pathlib import Path

from conftest import CLAIM, claim
from manpower.flat_table import flat_rows
from manpower.views.claims_view import load

ROOT = Path(__file__).resolve().parents[2]


def same_join(root: Path) -> int:
    _, rows = flat_rows(root)
    view = {c.claim_id: c for c in load(root).claims}
    assert sorted(view) == [r["claim_id"] for r in rows]
    for row in rows:
        shown = view[row["claim_id"]]
        assert shown.claimant_name == (row["claimant_name"] or row["claimant_id"])
        assert (shown.source_title, shown.source_publisher) == (
            row["source_title"],
            row["source_publisher"],
        )
        assert (shown.source_date, shown.source_url) == (
            row["source_published_date"],
            row["source_url"],
        )
        assert shown.unit == row["metric_unit"]
        # the exports say what was stated in show's words
        assert row["value_as_stated"] == shown.as_stated
        assert row["period_as_stated"] == shown.period
    return len(rows)


def test_the_curated_data_is_joined_once():
    assert same_join(ROOT) > 50


def test_an_id_that_resolves_nowhere_joins_to_empty_cells(make_repo):
    dangling = claim(claim_id="wire-01", claimant_id="nobody", source_id="nowhere", metric_id="x")
    root = make_repo(claims=[dangling, CLAIM])
    assert same_join(root) == 2
    _, rows = flat_rows(root)
    assert [r["claim_id"] for r in rows] == ["paper-2025-01-03-01", "wire-01"]
    assert {rows[1][c] for c in ("claimant_name", "source_title", "metric_unit")} == {""}
    assert rows[0]["claimant_name"] == "Foreign Intelligence Service of Ukraine"


def test_the_flat_table_says_what_was_stated(make_repo):
    rows = {
        "r": claim(
            claim_id="r-01", value_kind="range", value="", value_low="140000", value_high="180000"
        ),
        "m": claim(claim_id="m-01", value_kind="more_than", value="", value_low="50000"),
        "u": claim(
            claim_id="u-01", date_precision="undated", period_start="", period_end="2025-12-31"
        ),
    }
    _, flat = flat_rows(make_repo(claims=list(rows.values())))
    by_id = {r["claim_id"]: r for r in flat}
    assert by_id["r-01"]["value_as_stated"] == "140,000–180,000"
    assert by_id["m-01"]["value_as_stated"] == "more than 50,000"
    assert by_id["u-01"]["period_as_stated"] == "undated (by 2025-12-31)"
