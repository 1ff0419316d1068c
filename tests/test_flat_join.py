"""One claims join (manpower.flat_table.join) for the flat table and for the claims people
read (manpower.views.claims_view), so the two cannot disagree."""

from __future__ import annotations

from pathlib import Path

from conftest import CLAIM, claim
from manpower.flat_table import flat_rows
from manpower.views.claims_view import load

ROOT = Path(__file__).resolve().parents[1]


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
