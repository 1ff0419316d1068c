"""Each semantic rule, fed a table that breaks it (and the valid baseline that does not)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SOURCES, claim
from manpower.validation.runner import validate
from parity.oracle import validate as oracle_validate

TODAY = dt.date(2026, 11, 24)


def problems(repo, engine="columnar"):
    report = oracle_validate(repo, today=TODAY, engine=engine)
    return [(p.table, p.row, p.field, p.rule) for p in report.problems]


def test_baseline_fixture_is_valid(make_repo):
    report = validate(make_repo(), today=TODAY)
    assert report.problems == []
    assert report.valid
    assert report.rows == {"sources": 1, "claimants": 1, "metrics": 2, "claims": 1, "exclusions": 0}


@pytest.mark.parametrize(
    ("changes", "rule", "field"),
    [
        ({"value_low": "200000"}, "value-bounds", "value_low"),
        (
            {"value_kind": "exact", "value_low": "", "value_high": "", "value": ""},
            "value-kind-fields",
            "value_kind",
        ),
        ({"value_kind": "more_than"}, "value-kind-fields", "value_kind"),
        ({"value_kind": "range", "value_high": ""}, "value-kind-fields", "value_kind"),
        # the column named is the cell that breaks the rule (issue 22 item 19)
        ({"value_low": "-140000", "quote": "-140,000 to 180,000"}, "non-negative", "value_low"),
        ({"period_start": "2024-12-01"}, "period-order", "period_start"),
        (
            {"period_end": "2025-02-01", "date_precision": "day"},
            "period-after-publication",
            "period_end",
        ),
        ({"quote": "Russia has recruited many prisoners"}, "quote-states-value", "quote"),
        (
            {"quote": "Russia has recruited 14,000 to 180,000 prisoners"},
            "quote-states-value",
            "quote",
        ),
        ({"value_kind": "interpreted", "notes": ""}, "interpreted-needs-note", "notes"),
        ({"notes": '=HYPERLINK("http://x")'}, "spreadsheet-formula", "notes"),
        ({"via": "@SUM(A1:A2)"}, "spreadsheet-formula", "via"),
        ({"supersedes": "paper-2025-01-03-01"}, "supersedes-cycle", "supersedes"),
    ],
)
def test_rule_rejects_bad_claim(make_repo, changes, rule, field):
    found = problems(make_repo(claims=[claim(**changes)]))
    assert ("claims", 2, field, rule) in found


def test_forecast_may_end_after_publication(make_repo):
    repo = make_repo(
        claims=[
            claim(
                period_end="2025-12-31",
                date_precision="year",
                value_kind="forecast",
                value_low="",
                value_high="",
                value="180000",
            )
        ]
    )
    assert problems(repo) == []


def test_interpreted_with_note_needs_no_quote_match(make_repo):
    repo = make_repo(
        claims=[
            claim(
                value_kind="interpreted",
                value_low="",
                value_high="",
                value="160000",
                notes="Midpoint read by the editor.",
            )
        ]
    )
    assert problems(repo) == []


def test_quote_number_words_and_millions(make_repo):
    repo = make_repo(
        claims=[
            claim(
                value_kind="more_than",
                value_low="1000000",
                value_high="",
                quote="more than 1 million Russian troops",
            ),
            claim(
                claim_id="paper-2025-01-03-02",
                value_kind="range",
                value_low="2",
                value_high="4",
                metric_id="pow_share_by_rank",
                category="officer",
                quote="two to four times lower",
            ),
        ]
    )
    assert problems(repo) == []


def test_percent_out_of_range(make_repo):
    repo = make_repo(
        claims=[
            claim(
                metric_id="pow_share_by_rank",
                category="officer",
                value_kind="exact",
                value_low="",
                value_high="",
                value="130",
                quote="130% were officers",
            )
        ]
    )
    assert ("claims", 2, "value", "percent-range") in problems(repo)


def test_shares_of_a_breakdown_above_100(make_repo):
    def share(n, category, value):
        return claim(
            claim_id=f"paper-2025-01-03-0{n}",
            metric_id="pow_share_by_rank",
            category=category,
            value_kind="exact",
            value_low="",
            value_high="",
            value=value,
            quote=f"{value}% were {category}",
        )

    ok = [share(1, "officer", "3"), share(2, "rank_and_file", "83"), share(3, "nco", "14.5")]
    assert problems(make_repo(claims=ok)) == []  # 100.5: within rounding
    bad = [share(1, "officer", "30"), share(2, "rank_and_file", "83"), share(3, "nco", "13")]
    found = problems(make_repo(claims=bad))
    assert [f for f in found if f[3] == "share-sum"] == [
        ("claims", r, "value", "share-sum") for r in (2, 3, 4)
    ]
    # the allowance is 0.5 per share, and the message says so: three shares may sum to 101.5
    edge = [share(1, "officer", "3"), share(2, "rank_and_file", "83"), share(3, "nco", "15.5")]
    assert problems(make_repo(claims=edge)) == []
    over = [share(1, "officer", "3"), share(2, "rank_and_file", "83"), share(3, "nco", "15.6")]
    report = validate(make_repo(claims=over), today=TODAY)
    said = (
        "shares of one breakdown (a metric with counting_basis breakdown; claimant, source, "
        "period) sum to at most 100, plus 0.5 per share for rounding"
    )
    assert {(p.row, p.message) for p in report.problems} == {(r, said) for r in (2, 3, 4)}


def test_cumulative_figure_falls_without_supersedes(make_repo):
    later = claim(
        claim_id="paper-2025-01-03-02",
        value_low="100000",
        value_high="120000",
        period_end="2024-12-31",
        date_precision="day",
        quote="recruited 100,000 to 120,000 prisoners",
    )
    found = problems(make_repo(claims=[claim(), later]))
    assert ("claims", 3, "value", "cumulative-monotonic") in found
    corrected = {**later, "supersedes": "paper-2025-01-03-01"}
    assert problems(make_repo(claims=[claim(), corrected])) == []


def test_supersedes_unknown_claim(make_repo):
    for engine in ("columnar", "frictionless"):
        found = problems(make_repo(claims=[claim(supersedes="no-such-claim")]), engine=engine)
        # foreign keys are checked once, in the Table Schema layer: one line, no semantic twin
        assert found == [("claims", 2, None, "foreign-key")]


def test_supersedes_cycle_of_two(make_repo):
    a = claim(supersedes="paper-2025-01-03-02")
    b = claim(claim_id="paper-2025-01-03-02", supersedes="paper-2025-01-03-01")
    found = problems(make_repo(claims=[a, b]))
    assert ("claims", 2, "supersedes", "supersedes-cycle") in found
    assert ("claims", 3, "supersedes", "supersedes-cycle") in found


def test_impossible_calendar_date(make_repo):
    found = problems(make_repo(claims=[claim(period_start="2022-02-30")]))
    # one line for the cell, from the schema layer (type-error); semantic real-date folds into it
    assert [f for f in found if f[2] == "period_start"] == [
        ("claims", 2, "period_start", "type-error")
    ]


def test_real_date_rule_by_itself():
    import polars as pl

    from manpower.validation.rules import CHECKS, ROW, Tables

    text = pl.DataFrame({"period_start": ["2025-02-30", "2025-02-28", ""], ROW: [2, 3, 4]})
    tables = Tables(typed={}, text={"claims": text}, schemas={}, today=TODAY)
    rule = next(r for r in CHECKS if r.id == "real-date" and r.field == "period_start")
    assert list(rule.check(tables)) == [False, True, True]


def test_future_dates(make_repo):
    future = {**SOURCES[0], "published_date": "2027-01-01"}
    found = problems(
        make_repo(sources=[future], claims=[claim(period_end="2026-12-01", date_precision="day")])
    )
    assert ("sources", 2, "published_date", "future-date") in found
    assert ("claims", 2, "period_end", "future-date") in found


def test_formula_in_other_tables(make_repo):
    found = problems(make_repo(sources=[{**SOURCES[0], "title": "=1+1"}]))
    assert ("sources", 2, "title", "spreadsheet-formula") in found


def test_problem_carries_value_message_and_fix(make_repo):
    bad = claim(value_low="200000", quote="recruited 200,000 to 180,000 prisoners")
    (problem,) = validate(make_repo(claims=[bad]), today=TODAY).problems
    assert problem.to_dict() == {
        "table": "claims",
        "row": 2,
        "field": "value_low",
        "value": "200000",
        "rule": "value-bounds",
        "message": "value_low <= value <= value_high (range: value_low=200000, value_high=180000)",
        "fix": "swap or correct the bounds so that value_low <= value <= value_high",
        "layer": "semantic",
    }


# --- the conventions as rules: stock, undated, value_kind vs wording ------------------------------

STOCK = {
    "metric_id": "troops_in_ukraine",
    "topic": "force_strength",
    "label": "Troops in Ukraine",
    "description": "Troops deployed at period_end.",
    "unit": "persons",
    "counting_basis": "stock",
}


def single(**changes: str) -> dict[str, str]:
    """A claim with one figure in value (exact unless told otherwise)."""
    return claim(value_kind="exact", value_low="", value_high="", value="700000", **changes)


@pytest.mark.parametrize(
    ("period_start", "expected"),
    [("2024-01-01", [("claims", 2, "period_start", "stock-no-start")]), ("", [])],
)
def test_stock_has_no_period_start(make_repo, period_start, expected):
    from conftest import METRICS

    repo = make_repo(
        metrics=[*METRICS, STOCK],
        claims=[
            single(
                metric_id="troops_in_ukraine",
                period_start=period_start,
                period_end="2024-12-31",
                date_precision="year",
                quote="700,000 Russian troops are fighting in Ukraine",
            )
        ],
    )
    assert problems(repo) == expected


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        ("2024-12-31", [("claims", 2, "period_end", "undated-period-end")]),
        ("2025-01-02", [("claims", 2, "period_end", "undated-period-end")]),
        ("2025-01-03", []),  # the source's publication date
    ],
)
def test_undated_ends_on_the_document_date(make_repo, period_end, expected):
    repo = make_repo(
        claims=[claim(period_start="", period_end=period_end, date_precision="undated")]
    )
    assert problems(repo) == expected


def test_undated_without_a_publication_date_is_argued_in_notes(make_repo):
    undated_source = {**SOURCES[0], "published_date": ""}
    repo = make_repo(
        sources=[undated_source],
        claims=[claim(period_start="", period_end="2024-12-31", date_precision="undated")],
    )
    assert problems(repo) == []


@pytest.mark.parametrize(
    ("changes", "bad"),
    [
        # "more than N" / "over N" cannot be exact
        ({"quote": "more than 700,000 Russian troops"}, True),
        ({"quote": "over 700,000 Russian troops"}, True),
        ({"quote": "just over 700,000 Russian troops", "value_kind": "approximate"}, True),
        ({"quote": "as high as 700,000", "value_kind": "approximate"}, True),
        ({"quote": "at least 700,000 troops", "value_kind": "more_than"}, True),
        ({"quote": "nearly 700,000 troops"}, True),
        ({"quote": "almost 700,000 troops", "value_kind": "up_to"}, True),
        ({"quote": "700,000 troops", "value_kind": "exact"}, False),
        ({"quote": "nearly 700,000 troops", "value_kind": "approximate"}, False),
        ({"quote": "more than 700,000 troops", "value_kind": "forecast"}, False),
        ({"quote": "more than 700,000 troops", "value_kind": "interpreted", "notes": "n"}, False),
    ],
)
def test_value_kind_agrees_with_the_wording(make_repo, changes, bad):
    kind = changes.get("value_kind", "exact")
    fields = {"value_low": "", "value": "700000", "value_high": ""}
    if kind in ("more_than", "at_least"):
        fields = {"value_low": "700000", "value": "", "value_high": ""}
    if kind == "up_to":
        fields = {"value_low": "", "value": "", "value_high": "700000"}
    repo = make_repo(claims=[claim(**{**changes, **fields, "value_kind": kind})])
    expected = [("claims", 2, "value_kind", "value-kind-wording")] if bad else []
    assert problems(repo) == expected


def test_value_kind_wording_problem_says_what_the_words_give(make_repo):
    bad = single(quote="more than 700,000 prisoners")
    (problem,) = validate(make_repo(claims=[bad]), today=TODAY).problems
    assert problem.rule == "value-kind-wording"
    assert problem.message == (
        "value_kind agrees with the quote's wording (more than, up to, at least, X to Y, "
        "about/nearly/almost) (exact: value=700000); the quote's words give more_than"
    )


WORDING_CASES = [
    ("more than 10,000 soldiers", 10000, "more_than"),
    ("over two dozen countries", 24, "more_than"),
    ("topping 400,000 last year", 400000, "more_than"),
    ("just over $1,600", 1600, "more_than"),
    ("More than half of these exchanges", 50, "more_than"),
    ("more than 1 million troops", 1_000_000, "more_than"),
    ("at least 237 former POWs", 237, "at_least"),
    ("At least four Russian soldiers", 4, "at_least"),
    ("500 or more", 500, "at_least"),
    ("as high as 18,000", 18000, "up_to"),
    ("up to 180,000 convicts", 180000, "up_to"),
    ("no more than 40 men", 40, "up_to"),
    ("fewer than 300 men", 300, "less_than"),
    ("140,000 to 180,000 prisoners", 140000, "range"),
    ("140,000 to 180,000 prisoners", 180000, "range"),
    ("about 300,000-350,000 prisoners", 350000, "range"),
    ("with 2–3 new foreign fighters", 2, "range"),
    ("between 5 and 10 men", 10, "range"),
    ("two to four times lower", 4, "range"),
    ("about $50,000 in bonuses", 50000, "approximate"),
    ("Approximately 7% of all", 7, "approximate"),
    ("nearly 10% of troops", 10, "approximate"),
    ("~500 men", 500, "approximate"),
    ("ｍｏｒｅ ｔｈａｎ ５００ men", 500, "more_than"),  # fullwidth: read after NFKC
    ("more\u00a0than 500 men", 500, "more_than"),
    ("≈ 500 men", 500, "approximate"),
    ("almost half have children", 50, "approximate"),
    # bare figures, a spaced dash, a figure not in the quote, one figure stated two ways
    ("83% were rank-and-file soldiers", 83, None),
    ("will desert in 2025 – six times more than in Jan 2024", 6, None),
    ("a slightly lower figure – 617,000 – in December 2023", 617000, None),
    ("sometimes amounting to tens of thousands", 20000, None),
    ("more than 500 here, 500 there", 500, None),
    ("more than 500 soldiers", 600, None),
]


@pytest.mark.parametrize(("quote", "value", "kind"), WORDING_CASES)
def test_kind_from_wording(quote, value, kind):
    from manpower.text_numbers import kind_from_wording

    assert kind_from_wording(quote, value) == kind


KINDS = ("exact", "approximate", "at_least", "more_than", "up_to", "less_than", "range")


@pytest.mark.parametrize(("quote", "value", "kind"), WORDING_CASES)
def test_the_fast_filter_keeps_every_quote_that_disagrees(quote, value, kind):
    """The rule looks only at rows suspect_rust matches: it must match every disagreement."""
    import polars as pl

    from manpower.text_numbers import maybe_suspect, suspect

    frame = pl.DataFrame({"quote": [quote, quote.upper()]})
    for recorded in KINDS:
        if kind is not None and kind != recorded:
            assert frame.select(suspect(recorded)).to_series().all(), (quote, recorded)
            assert frame.select(maybe_suspect(recorded)).to_series().all(), (quote, recorded)


def test_typographic_quotes_alone_do_not_send_a_row_to_the_slow_check():
    import polars as pl

    from manpower.text_numbers import maybe_suspect, suspect

    frame = pl.DataFrame({"quote": ["Russia’s “12,000” soldiers in 2024", "12,000 soldiers"]})
    for check in (suspect, maybe_suspect):
        assert frame.select(check("exact")).to_series().to_list() == [False, False]
    dash = pl.DataFrame({"quote": ["Russia’s “12,000” soldiers — in 2024"]})
    assert dash.select(suspect("exact")).item() is False


def test_rules_are_pandera_checks_named_by_rule_id_on_the_row_column():
    import json

    from conftest import ROOT
    from manpower.validation.columnar import ROW
    from manpower.validation.rules import pandera_schema, table_checks

    for table in ("sources", "claimants", "metrics", "claims"):
        schema = json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text())
        pandera = pandera_schema(table, schema, None)  # type: ignore[arg-type]
        # the checks run on the row numbers: pandera's failure cases are the failing rows
        assert [c.name for c in pandera.columns[ROW].checks] == [r.id for r in table_checks(table)]
        assert pandera.checks == []


def test_failing_rows_are_the_row_numbers_pandera_reports(make_repo):
    bad = claim(claim_id="paper-2025-01-03-03", value_low="200000", quote="200,000 to 180,000")
    good = claim(claim_id="paper-2025-01-03-02")
    found = problems(make_repo(claims=[claim(), good, bad]))
    assert found == [("claims", 4, "value_low", "value-bounds")]
