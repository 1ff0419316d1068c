"""`manpower show`: one row per claim, values as stated, machine formats, clear errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import CLAIMANTS, METRICS, ROOT, SOURCES, claim, digest
from manpower.cli import cli
from manpower.views.claims_view import load, period_as_stated, value_as_stated

MORE_THAN = claim(
    claim_id="paper-2025-01-03-02",
    value_kind="more_than",
    value_low="10000",
    value_high="",
    period_start="",
    period_end="2023-06-30",
    quote="more than 10,000 convicts",
)


UNTITLED = {
    **SOURCES[0],
    "source_id": "article-2025-12-15-desertion",
    "title": "",
    "publisher": "",
    "author": "",
    "published_date": "2025-12-15",
    "url": "",
}
DOCUMENTS = {
    "claimant_id": "ru-internal-documents",
    "name": "Internal Russian military documents (unnamed)",
    "type": "military",
    "country": "RU",
    "notes": "",
}
LEAKED = claim(
    claim_id="article-2025-12-15-desertion-01",
    value_kind="approximate",
    value_low="",
    value="50554",
    value_high="",
    period_start="",
    period_end="2025-12-15",
    date_precision="undated",
    claimant_id="ru-internal-documents",
    source_id="article-2025-12-15-desertion",
    via="Frontelligence Insight > United24 > The Daily Digest",
    quote="approximately 50,554 Russian troops had either deserted or been absent without leave "
    "between February 2022 and December 2024",
    verification="unverified",
)


POWS_HELD = {
    "metric_id": "pows_held",
    "topic": "captivity",
    "label": "Russian POWs held by Ukraine",
    "description": "Russian POWs held at period_end.",
    "unit": "persons",
    "counting_basis": "stock",
}


@pytest.fixture
def repo(make_repo, monkeypatch):
    repo = make_repo(
        metrics=[*METRICS, POWS_HELD],
        sources=[*SOURCES, UNTITLED],
        claimants=[*CLAIMANTS, DOCUMENTS],
        claims=[claim(), MORE_THAN, LEAKED],
    )
    monkeypatch.chdir(repo)
    return repo


def run(*args: str, columns: int = 160):
    env = {"COLUMNS": str(columns)}
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


SHOW_RECRUITMENT_80 = [
    "topic recruitment: 3 claims",
    "",
    "convicts_recruited_cumulative: Convicts recruited (persons)",
    "  more than 10,000 · 2023-06 · not_independently_verified",
    "    Foreign Intelligence Service of Ukraine",
    "    “more than 10,000 convicts”",
    "    paper-2025-01-03-02 · “Convicts recruited” (The Paper, 2025-01-03)",
    "  140,000–180,000 · 2022-07 – 2024-11 · not_independently_verified",
    "    Foreign Intelligence Service of Ukraine",
    "    “Russia has recruited 140,000 to 180,000 prisoners”",
    "    paper-2025-01-03-01 · “Convicts recruited” (The Paper, 2025-01-03)",
    "  ≈ 50,554 · undated (by 2025-12-15) · unverified",
    "    Internal Russian military documents (unnamed)",
    "    via Frontelligence Insight > United24 > The Daily Digest",
    "    “approximately 50,554 Russian troops had either deserted or been absent…",
    "    article-2025-12-15-desertion-01 · article-2025-12-15-desertion (2025-12-15)",
]
SHOW_RECRUITMENT_120 = [
    "topic recruitment: 3 claims",
    "",
    "convicts_recruited_cumulative: Convicts recruited (persons)",
    "  more than 10,000 · 2023-06 · not_independently_verified",
    "    Foreign Intelligence Service of Ukraine",
    "    “more than 10,000 convicts”",
    "    paper-2025-01-03-02 · “Convicts recruited” (The Paper, 2025-01-03)",
    "  140,000–180,000 · 2022-07 – 2024-11 · not_independently_verified",
    "    Foreign Intelligence Service of Ukraine",
    "    “Russia has recruited 140,000 to 180,000 prisoners”",
    "    paper-2025-01-03-01 · “Convicts recruited” (The Paper, 2025-01-03)",
    "  ≈ 50,554 · undated (by 2025-12-15) · unverified",
    "    Internal Russian military documents (unnamed), via Frontelligence Insight > United24 > "
    "The Daily Digest",
    "    “approximately 50,554 Russian troops had either deserted or been absent without leave "
    "between February 2022 and…",
    "    article-2025-12-15-desertion-01 · article-2025-12-15-desertion (2025-12-15)",
]


@pytest.mark.parametrize(
    ("columns", "expected"), [(80, SHOW_RECRUITMENT_80), (120, SHOW_RECRUITMENT_120)]
)
def test_show_topic_exact_layout(repo, columns, expected):
    result = run("show", "recruitment", columns=columns)
    assert result.exit_code == 0
    assert result.output.splitlines() == expected
    assert max(len(line) for line in expected) <= columns


@pytest.mark.parametrize("columns", [80, 100, 120])
@pytest.mark.parametrize(
    ("name", "identifiers"),
    [
        (None, ["convicts_recruited_cumulative", "pow_share_by_rank"]),
        ("recruitment", ["paper-2025-01-03-01", "paper-2025-01-03-02", LEAKED["claim_id"]]),
        ("ru-internal-documents", [LEAKED["claim_id"], "convicts_recruited_cumulative"]),
    ],
)
def test_show_never_breaks_an_identifier(repo, columns, name, identifiers):
    result = run("show", *([name] if name else []), columns=columns)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= columns
    words = {w.rstrip(":") for line in lines for w in line.split()}
    assert set(identifiers) <= words


def test_show_one_claim_and_a_title_cut_at_a_word(repo):
    wide = run("show", "ru-internal-documents", columns=120)
    assert wide.exit_code == 0
    assert wide.output.splitlines()[0] == (
        "claimant ru-internal-documents — Internal Russian military documents (unnamed): 1 claim"
    )
    # at 80 columns the name is cut at a word; the id and the count stay whole
    narrow = run("show", "ru-internal-documents", columns=80)
    assert narrow.output.splitlines()[0] == (
        "claimant ru-internal-documents — Internal Russian military documents…: 1 claim"
    )


def test_show_overview_exact_layout(repo):
    result = run("show", columns=80)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "3 claims on 3 metrics in 2 topics",
        "",
        "captivity",
        "  pow_share_by_rank              0  POWs by rank (per cent)",
        "  pows_held                      0  Russian POWs held by Ukraine (persons)",
        "",
        "recruitment",
        "  convicts_recruited_cumulative  3  Convicts recruited (persons)",
    ]
    # too narrow for the label: it wraps at words in its own column, the id stays whole
    assert run("show", columns=60).output.splitlines()[-2:] == [
        "  convicts_recruited_cumulative  3  Convicts recruited",
        "                                    (persons)",
    ]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("RECRUITMENT", "topic recruitment: 3 claims"),
        (
            "convicts_rec",
            "metric convicts_recruited_cumulative — Convicts recruited (persons): 3 claims",
        ),
        # an exact name wins; a metric before a source of the same name
        (
            "Convicts Recruited",
            "metric convicts_recruited_cumulative — Convicts recruited (persons): 3 claims",
        ),
        ("foreign intel", "claimant ua-szru — Foreign Intelligence Service of Ukraine: 2 claims"),
        ("ua-szru", "claimant ua-szru — Foreign Intelligence Service of Ukraine: 2 claims"),
        ("the paper", "source paper-2025-01-03 — Convicts recruited: 2 claims"),
        ("paper 2025-01-03", "source paper-2025-01-03 — Convicts recruited: 2 claims"),
        ("2025-12-15", "source article-2025-12-15-desertion: 1 claim"),
        (
            "internal russian",
            "claimant ru-internal-documents — Internal Russian military documents (unnamed): "
            "1 claim",
        ),
    ],
)
def test_show_by_any_name(repo, name, title):
    result = run("show", name)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == title


def test_show_topic_csv(repo):
    result = run("show", "recruitment", "--format", "csv")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        "claim_id,metric_id,category,claimant,via,period,value_as_stated,value_kind,value_low,"
        "value,value_high,unit,verification,source,source_id,url,quote"
    )
    assert lines[1] == (
        "paper-2025-01-03-02,convicts_recruited_cumulative,,Foreign Intelligence Service of "
        "Ukraine,,2023-06,"
        '"more than 10,000",more_than,10000,,,persons,not_independently_verified,'
        '"“Convicts recruited” (The Paper, 2025-01-03)",paper-2025-01-03,https://example.org/a,'
        '"more than 10,000 convicts"'
    )
    assert lines[2].startswith(
        "paper-2025-01-03-01,convicts_recruited_cumulative,,Foreign Intelligence Service of "
        'Ukraine,,2022-07 – 2024-11,"140,000–180,000",range,140000,,180000,'
    )
    assert lines[3].startswith(
        "article-2025-12-15-desertion-01,convicts_recruited_cumulative,,Internal Russian military "
        "documents (unnamed),Frontelligence Insight > United24 > The Daily Digest,"
        "undated (by 2025-12-15),"
    )
    assert len(lines) == 4


def test_show_json(repo):
    result = run("show", "convicts_recruited_cumulative", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [
        (r["claim_id"], r["value_as_stated"], r["value_low"], r["value_high"], r["period"])
        for r in rows
    ] == [
        ("paper-2025-01-03-02", "more than 10,000", 10000.0, None, "2023-06"),
        ("paper-2025-01-03-01", "140,000–180,000", 140000.0, 180000.0, "2022-07 – 2024-11"),
        (LEAKED["claim_id"], "≈ 50,554", None, None, "undated (by 2025-12-15)"),
    ]


def test_show_overview(repo):
    result = run("show", "--format", "csv")
    assert result.exit_code == 0
    assert result.output == (
        "topic,metric_id,label,unit,claims\n"
        "captivity,pow_share_by_rank,POWs by rank,percent,0\n"
        "captivity,pows_held,Russian POWs held by Ukraine,persons,0\n"
        "recruitment,convicts_recruited_cumulative,Convicts recruited,persons,3\n"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "convicts_recuited",
            "unknown topic, metric, claimant or source 'convicts_recuited' (did you mean "
            "convicts_recruited_cumulative, paper-2025-01-03?)",
        ),
        ("zzz", "unknown topic, metric, claimant or source 'zzz'"),
        (
            "powz",
            "unknown topic, metric, claimant or source 'powz' (did you mean pow_share_by_rank, "
            "pows_held?)",
        ),
        (
            "POW",
            "'POW' matches 2 names: pow_share_by_rank (metric), pows_held (metric); type more "
            "of the name, show a whole topic (captivity),",
        ),
        (
            "pows",
            "'pows' matches 2 names: pow_share_by_rank (metric), pows_held (metric); type more "
            "of the name, show a whole topic (captivity),",
        ),
    ],
)
def test_show_unknown_or_ambiguous_name(repo, name, message):
    before = digest(repo)
    result = run("show", name)
    assert result.exit_code == 1
    joint = " or" if message.endswith(",") else ";"
    assert result.output == f"Error: {message}{joint} run 'manpower show' to list them\n"
    assert digest(repo) == before


def test_show_bad_format_is_usage_error(repo):
    result = run("show", "--format", "xml")
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("kind", "low", "value", "high", "unit", "expected"),
    [
        ("range", 140000, None, 180000, "persons", "140,000–180,000"),
        ("more_than", 10000, None, None, "persons", "more than 10,000"),
        ("at_least", 4, None, None, "persons", "at least 4"),
        ("up_to", None, None, 70000, "persons", "up to 70,000"),
        ("less_than", None, None, 5, "percent", "less than 5 %"),
        ("approximate", None, 7, None, "percent", "≈ 7 %"),
        ("exact", None, 3524, None, "usd", "$3,524"),
        ("more_than", 1600, None, None, "usd_per_month", "more than $1,600/month"),
        ("range", 60, None, 90, "persons_per_week", "60–90/week"),
        ("forecast", None, 70000, None, "persons", "70,000 (forecast)"),
        ("interpreted", None, 0.5, None, "ratio", "0.5× (interpreted)"),
        ("exact", None, 1_000_000, None, "persons", "1,000,000"),
        ("exact", None, 12.25, None, "percent", "12.25 %"),
    ],
)
def test_value_as_stated(kind, low, value, high, unit, expected):
    assert value_as_stated(kind, low, value, high, unit) == expected


def test_period_as_stated():
    assert period_as_stated("2022-07-01", "2024-11-30", "month") == "2022-07 – 2024-11"
    assert period_as_stated("2024-01-01", "2024-12-31", "year") == "2024"
    assert period_as_stated("", "2025-06-02", "day") == "2025-06-02"


@pytest.mark.skipif(not (ROOT / "data" / "claims.csv").is_file(), reason="no curated data")
def test_show_real_data_lists_every_claim():
    data = load(ROOT)
    result = CliRunner().invoke(cli, ["show", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert sum(r["claims"] for r in rows) == len(data.claims) > 0
    for topic in data.topics:
        out = CliRunner().invoke(cli, ["show", topic, "--format", "json"])
        assert out.exit_code == 0
        expected = [
            c.claim_id for m in data.metrics_in(topic) for c in data.claims_for(m.metric_id)
        ]
        assert [r["claim_id"] for r in json.loads(out.output)] == expected
        assert all(r["value_as_stated"] != "(no value)" for r in json.loads(out.output))


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"value_kind": "exact", "value_low": "", "value": "1234567890123456", "value_high": ""},
            "value '1234567890123456' as written (not a number manpower reads; run manpower "
            "validate)",
        ),
        (
            {"value_low": "140_000", "value_high": "180000"},
            "value_low '140_000', value_high '180000' as written (not a number manpower reads; "
            "run manpower validate)",
        ),
    ],
)
def test_show_never_hides_a_figure_it_cannot_read(make_repo, monkeypatch, cells, expected):
    """A value outside the number grammar (16+ digits) printed as '(no value)' hid a stated
    figure; a float would print another one: show prints the cells as written (item 13)."""
    repo = make_repo(claims=[claim(**cells)])
    monkeypatch.chdir(repo)
    before = digest(repo)
    result = run("show", "convicts_recruited_cumulative")
    assert result.exit_code == 0
    assert f"  {expected} · 2022-07 – 2024-11 · not_independently_verified" in (
        result.output.splitlines()
    )
    assert "(no value)" not in result.output
    assert digest(repo) == before
