"""`manpower show`: one row per claim, values as stated, machine formats, clear errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import ROOT, claim, digest
from manpower.claims_view import load, period_as_stated, value_as_stated
from manpower.cli import cli

MORE_THAN = claim(
    claim_id="paper-2025-01-03-02",
    value_kind="more_than",
    value_low="10000",
    value_high="",
    period_start="",
    period_end="2023-06-30",
    quote="more than 10,000 convicts",
)


@pytest.fixture
def repo(make_repo, monkeypatch):
    repo = make_repo(claims=[claim(), MORE_THAN])
    monkeypatch.chdir(repo)
    return repo


def run(*args: str):
    return CliRunner(env={"COLUMNS": "160"}).invoke(cli, list(args), catch_exceptions=False)


def test_show_metric_table(repo):
    result = run("show", "convicts_recruited_cumulative")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Convicts recruited (convicts_recruited_cumulative, persons): 2 claims",
        "",
        "  claimant                                  period              value as stated    "
        "verification                 source",
        " " + "─" * 133,
        "  Foreign Intelligence Service of Ukraine   2023-06             more than 10,000   "
        "not_independently_verified   The Paper, 2025-01-03",
        "  Foreign Intelligence Service of Ukraine   2022-07 – 2024-11   140,000–180,000    "
        "not_independently_verified   The Paper, 2025-01-03",
        "",
    ]


def test_show_topic_csv(repo):
    result = run("show", "recruitment", "--format", "csv")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        "claim_id,metric_id,category,claimant,period,value_as_stated,value_kind,value_low,value,"
        "value_high,unit,verification,source,source_id,url,quote"
    )
    assert lines[1] == (
        "paper-2025-01-03-02,convicts_recruited_cumulative,,Foreign Intelligence Service of "
        "Ukraine,2023-06,"
        '"more than 10,000",more_than,10000,,,persons,not_independently_verified,'
        '"The Paper, 2025-01-03",paper-2025-01-03,https://example.org/a,"more than 10,000 convicts"'
    )
    assert lines[2].startswith(
        "paper-2025-01-03-01,convicts_recruited_cumulative,,Foreign Intelligence Service of "
        'Ukraine,2022-07 – 2024-11,"140,000–180,000",range,140000,,180000,'
    )
    assert len(lines) == 3


def test_show_json(repo):
    result = run("show", "convicts_recruited_cumulative", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [
        (r["claim_id"], r["value_as_stated"], r["value_low"], r["value_high"]) for r in rows
    ] == [
        ("paper-2025-01-03-02", "more than 10,000", 10000.0, None),
        ("paper-2025-01-03-01", "140,000–180,000", 140000.0, 180000.0),
    ]


def test_show_overview(repo):
    result = run("show", "--format", "csv")
    assert result.exit_code == 0
    assert result.output == (
        "topic,metric_id,label,unit,claims\n"
        "captivity,pow_share_by_rank,POWs by rank,percent,0\n"
        "recruitment,convicts_recruited_cumulative,Convicts recruited,persons,2\n"
    )
    table = run("show")
    assert table.exit_code == 0
    assert table.output.splitlines()[0] == "2 claims on 2 metrics in 2 topics"
    assert "  recruitment   convicts_recruited_cumulative   Convicts recruited   persons" in (
        table.output
    )


def test_show_unknown_metric(repo):
    before = digest(repo)
    result = run("show", "convicts_recruited")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown topic or metric 'convicts_recruited' (did you mean "
        "convicts_recruited_cumulative?); run 'manpower show' to list them\n"
    )
    assert digest(repo) == before
    assert run("show", "zzz").output == (
        "Error: unknown topic or metric 'zzz'; run 'manpower show' to list them\n"
    )


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
