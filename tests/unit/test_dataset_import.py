"""`manpower import`: dataset snapshots as claims, re-imports as history, hostile records refused.

The fast tests use small snapshots written here in the relays' own layout (a JSON array of
records, indented like upstream) and mappings derived from the committed ones; the real
snapshots are imported once, in the test marked ``documents``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, digest
from manpower.cli import cli
from manpower.config import datasets_dir
from manpower.contributing.coverage import check
from manpower.contributing.dataset_import import import_snapshot
from manpower.contributing.datasets import Rejected
from manpower.schema import read_rows
from manpower.views.compare import agree, compare, interval

CLAIMANTS = [
    {
        "claimant_id": "ua-general-staff",
        "name": "General Staff of the Armed Forces of Ukraine",
        "type": "military",
        "country": "UA",
        "notes": "",
    }
]
METRICS = [
    {
        "metric_id": "personnel_losses_cumulative",
        "topic": "casualties",
        "label": "Russian personnel losses (running total)",
        "description": "Running total.",
        "unit": "persons",
        "counting_basis": "cumulative",
    },
    {
        "metric_id": "pows_taken_cumulative",
        "topic": "captivity",
        "label": "Russian soldiers taken prisoner (running total)",
        "description": "Running total.",
        "unit": "persons",
        "counting_basis": "cumulative",
    },
]
PI = "petroivaniuk-2022-ukraine-russia-war-dataset"
OLD = [
    {"date": "2022-05-27", "day": 93, "personnel": 29750, "personnel*": "about", "POW": 496},
    {"date": "2022-05-28", "day": 94, "personnel": 29950, "personnel*": "about", "POW": 496},
    {"date": "2022-05-29", "day": 95, "personnel": 31500, "personnel*": "about", "POW": 496},
]
NEW = [
    {"date": "2022-05-27", "day": 93, "personnel": 29750, "personnel*": "about"},
    {"date": "2022-05-28", "day": 94, "personnel": 29950, "personnel*": "about", "POW": 496},
    {"date": "2022-05-29", "day": 95, "personnel": 30150, "personnel*": "about", "POW": 496},
    {"date": "2022-05-30", "day": 96, "personnel": 30350, "personnel*": "more", "POW": 496},
]
LOD = [
    {
        "date": "2022-05-30",
        "sourceUri": "https://www.mil.gov.ua/news/2022/05/30/x/",
        "personnel": 30350,
        "tanks": 1349,
    },
    {
        "date": "2022-05-29",
        "sourceUri": "https://www.mil.gov.ua/news/2022/05/29/y/",
        "personnel": 30250,
        "tanks": 1338,
    },
]


def _write(path: Path, records: list, indent: int = 4) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, indent=indent, ensure_ascii=False), encoding="utf-8")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pin(mapping: Path, file: str, sha: str) -> None:
    """Point the mapping's snapshot ``file`` at the test file's sha256."""
    text = mapping.read_text(encoding="utf-8")
    pattern = rf'(file = "{re.escape(file)}"\ncommit = "[0-9a-f]+"\nsha256 = ")[0-9a-f]+'
    text, n = re.subn(pattern, rf"\g<1>{sha}", text)
    assert n == 1
    mapping.write_text(text, encoding="utf-8")


@pytest.fixture
def setup(make_repo, tmp_path, monkeypatch):
    """A package with the claimant and metrics, the two mappings, and small snapshots."""
    repo = make_repo(claims=[], sources=[], claimants=CLAIMANTS, metrics=METRICS)
    shutil.copytree(ROOT / "mappings", repo / "mappings")
    folder = tmp_path / "datasets"
    monkeypatch.setenv("MANPOWER_DATASETS", str(folder))
    monkeypatch.chdir(repo)
    pi = repo / "mappings" / "petroivaniuk-losses.toml"
    lod = repo / "mappings" / "lod-db-orc-losses.toml"

    def snapshot(which: str, records: list, indent: int = 4) -> None:
        if which == "old":
            _pin(
                pi,
                "russia_losses_personnel.2022-05-29.json",
                _write(folder / PI / "russia_losses_personnel.2022-05-29.json", records, indent),
            )
        elif which == "new":
            _pin(
                pi,
                "russia_losses_personnel.2026-08-08.json",
                _write(folder / PI / "russia_losses_personnel.2026-08-08.json", records, indent),
            )
        else:
            _pin(
                lod,
                "russian-losses.2026-08-22.json",
                _write(
                    folder / "lod-db-orc-losses" / "russian-losses.2026-08-22.json", records, indent
                ),
            )

    snapshot("old", OLD)
    snapshot("new", NEW)
    snapshot("lod", LOD, indent=2)
    return repo, pi, lod, snapshot


def run(*args: object):
    return CliRunner().invoke(cli, ["import", *map(str, args)], catch_exceptions=False)


def claims_of(repo: Path) -> dict[str, dict[str, str]]:
    return {c["claim_id"]: c for c in read_rows(repo / "data" / "claims.csv")}


def test_import_then_reimport_is_history(setup):
    repo, pi, _lod, _ = setup
    result = run(pi, "--snapshot", "2022-05-29")
    assert result.exit_code == 0, result.output
    claims = claims_of(repo)
    assert len(claims) == 6  # three records, personnel and POW each
    first = claims["petroivaniuk-losses-2022-05-29-0005"]
    assert (first["period_end"], first["value_kind"], first["value"]) == (
        "2022-05-29",
        "approximate",
        "31500",
    )
    assert first["locator"] == "2022-05-29"
    assert first["quote"] == (
        '"date": "2022-05-29", "day": 95, "personnel": 31500, "personnel*": "about"'
    )
    source = read_rows(repo / "data" / "sources.csv")[0]
    assert (source["kind"], source["licence"], source["commit"][:7]) == (
        "dataset",
        "MIT",
        "3877c92",
    )
    assert source["attribution"] == "Copyright (c) 2022 Petro Ivaniuk"

    result = run(pi, "--snapshot", "2026-08-08")
    assert result.exit_code == 0, result.output
    claims = claims_of(repo)
    revised = [c for c in claims.values() if c["supersedes"]]
    assert [(c["period_end"], c["value"], c["supersedes"]) for c in revised] == [
        ("2022-05-29", "30150", "petroivaniuk-losses-2022-05-29-0005")
    ]
    more = next(c for c in claims.values() if c["period_end"] == "2022-05-30" and c["value_low"])
    assert (more["value_kind"], more["value_low"], more["metric_id"]) == (
        "more_than",
        "30350",
        "personnel_losses_cumulative",
    )
    # unchanged records add nothing: 6 + the revision + two new figures of 2022-05-30
    assert len(claims) == 9
    assert (
        "disappeared: pows_taken_cumulative of record 2022-05-27 is not in snapshot 2026-08-08; "
        "its claim petroivaniuk-losses-2022-05-29-0002 stays (it was asserted in the snapshot "
        "it came from)"
    ) in result.output.splitlines()
    assert "petroivaniuk-losses-2022-05-29-0002" in claims  # the disappeared record's claim stays

    before = digest(repo / "data")
    for args in ([pi, "--snapshot", "2026-08-08"], [pi, "--snapshot", "2022-05-29"]):
        again = run(*args)
        assert again.exit_code == 0, again.output
        assert digest(repo / "data") == before
    assert "Nothing to import" in again.output


def test_unchanged_records_are_covered_by_the_earlier_claim(setup):
    repo, pi, lod, _ = setup
    for args in ([pi, "--snapshot", "2022-05-29"], [pi, "--snapshot", "2026-08-08"], [lod]):
        assert run(*args).exit_code == 0
    result = check(repo, folder=repo, datasets=datasets_dir(repo))
    assert result.gaps == []
    assert result.figures == 6 + 7 + 2
    # removing a claim leaves its record unaccounted, naming the record and the figure
    text = (repo / "data" / "claims.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in text if not line.startswith("lod-db-orc-losses-2026-08-22-0001,")]
    (repo / "data" / "claims.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    gaps = check(repo, folder=repo, datasets=datasets_dir(repo)).gaps
    assert [g.message for g in gaps] == [
        "record 2022-05-29: personnel 30250 is neither a claim nor an exclusion"
    ]


def test_lod_db_keeps_source_uri_and_compare_sees_the_disagreement(setup):
    repo, pi, lod, _ = setup
    for args in ([pi, "--snapshot", "2022-05-29"], [pi, "--snapshot", "2026-08-08"], [lod]):
        assert run(*args).exit_code == 0
    claims = claims_of(repo)
    lod_claim = claims["lod-db-orc-losses-2026-08-22-0001"]
    assert lod_claim["source_uri"] == "https://www.mil.gov.ua/news/2022/05/29/y/"
    assert lod_claim["via"] == "Ministry of Defence of Ukraine > lod-db/orc-losses"
    groups = {g.period_end: g for g in compare(repo)}
    # 2022-05-29: the superseded 31,500 is out; about 30,150 against exactly 30,250
    may29 = groups["2022-05-29"]
    assert not may29.agree
    assert [c["claim_id"] for c in may29.claims] == [
        "lod-db-orc-losses-2026-08-22-0001",
        "petroivaniuk-losses-2026-08-08-0001",
    ]
    # 2022-05-30: "more than 30,350" excludes exactly 30,350
    assert not groups["2022-05-30"].agree
    out = CliRunner().invoke(cli, ["compare", "--format", "json"]).output
    data = json.loads(out)
    assert set(data) == {"groups"}
    assert set(data["groups"][0]) == {
        "claimant_id",
        "metric_id",
        "category",
        "period_end",
        "agree",
        "claims",
    }
    assert set(data["groups"][0]["claims"][0]) == {
        "claim_id",
        "source_id",
        "value_kind",
        "value_low",
        "value",
        "value_high",
    }
    validated = CliRunner().invoke(cli, ["validate"])
    assert validated.exit_code == 0, validated.output
    assert validated.output.startswith(
        "warning: [claims-disagree] ua-general-staff personnel_losses_cumulative on 2022-05-29: "
        "DISAGREE: 30,250 (lod-db-orc-losses-2026-08-22"
    )
    unknown = CliRunner().invoke(cli, ["compare", "ua-general-staf"])
    assert unknown.exit_code == 1
    assert "did you mean ua-general-staff?" in unknown.output


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            {"value_kind": "approximate", "value": "782500"},
            {"value_kind": "exact", "value": "782510"},
            True,
        ),
        (
            {"value_kind": "approximate", "value": "782500"},
            {"value_kind": "exact", "value": "782560"},
            False,
        ),
        (
            {"value_kind": "up_to", "value_high": "782510"},
            {"value_kind": "exact", "value": "782510"},
            True,
        ),
        (
            {"value_kind": "exact", "value": "113390"},
            {"value_kind": "exact", "value": "113990"},
            False,
        ),
        (
            {"value_kind": "more_than", "value_low": "12000"},
            {"value_kind": "exact", "value": "12000"},
            False,
        ),
        (
            {"value_kind": "at_least", "value_low": "12000"},
            {"value_kind": "exact", "value": "12000"},
            True,
        ),
        (
            {"value_kind": "range", "value_low": "10", "value_high": "20"},
            {"value_kind": "less_than", "value_high": "10"},
            False,
        ),
    ],
)
def test_agreement_rule(a, b, same):
    assert agree([interval(a), interval(b)]) is same


HOSTILE = [
    (
        {"date": "2022-05-27", "day": 93, "personnel": "29,750", "personnel*": "about"},
        "record 1 (2022-05-27), column personnel: value '\"29,750\"': [record-not-a-number] "
        'personnel is "29,750", not a number.',
    ),
    (
        {"date": "2022-5-27", "day": 93, "personnel": 29750, "personnel*": "about"},
        "record 1 (2022-5-27), column date: value '\"2022-5-27\"': [record-bad-key] date is "
        '"2022-5-27", not a date YYYY-MM-DD.',
    ),
    (
        {"date": "2022-05-27", "day": 93, "personnel": -29750, "personnel*": "about"},
        "record 1 (2022-05-27), column personnel: value '-29750': [record-negative] personnel "
        "is negative.",
    ),
    (
        {"date": "2022-05-27", "day": 93, "personnel": 29750, "personnel*": "roughly"},
        "record 1 (2022-05-27), column personnel*: value '\"roughly\"': "
        "[record-unknown-qualifier] personnel* is \"roughly\"; the mapping knows 'about', 'more'.",
    ),
    (
        {
            "date": "2022-05-27",
            "day": 93,
            "personnel": 29750,
            "personnel*": "about",
            "x": "y" * 10_000_000,
        },
        "record 1 (2022-05-27): [record-too-large] the record is 10,000,",
    ),
]


@pytest.mark.parametrize(("record", "line"), HOSTILE, ids=lambda x: str(x)[:30])
def test_hostile_record_is_one_line_and_nothing_written(setup, record, line):
    repo, pi, _lod, snapshot = setup
    snapshot("old", [record])
    before = digest(repo / "data")
    result = run(pi, "--snapshot", "2022-05-29")
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert len(lines) == 2, result.output
    assert lines[0].startswith(f"{PI}/russia_losses_personnel.2022-05-29.json, {line}"), lines[0]
    assert lines[1] == "rejected: 1 error; nothing was written to data/"
    assert digest(repo / "data") == before


def test_duplicated_date_is_refused(setup):
    repo, pi, _lod, snapshot = setup
    snapshot("old", [OLD[0], OLD[1], dict(OLD[0], personnel=29800)])
    before = digest(repo / "data")
    result = run(pi, "--snapshot", "2022-05-29")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{PI}/russia_losses_personnel.2022-05-29.json, record 3 (2022-05-27), column date: "
        "value '2022-05-27': [record-duplicate-key] date 2022-05-27 is also the key of record "
        "1. Fix: a snapshot states one figure per key: remove or correct the repeated record."
    )
    assert digest(repo / "data") == before


def test_changed_or_broken_snapshot_is_refused(setup):
    repo, pi, _lod, _snapshot = setup
    path = Path(str(datasets_dir(repo))) / PI / "russia_losses_personnel.2022-05-29.json"
    path.write_text(path.read_text() + " ", encoding="utf-8")
    with pytest.raises(Rejected) as exc:
        import_snapshot(repo, pi, "2022-05-29")
    assert exc.value.problems[0].rule == "snapshot-changed"
    path.write_text('[{"date": "2022-05-27",', encoding="utf-8")
    result = run(pi, "--snapshot", "2022-05-29")
    assert result.exit_code == 1
    assert "[snapshot-unreadable] not valid JSON at line 1" in result.output
    older = run(pi)  # two snapshots: the date is needed
    assert older.exit_code == 2
    assert "give --snapshot (2022-05-29, 2026-08-08)" in older.output


def test_older_snapshot_after_a_newer_one_is_refused(setup):
    repo, pi, _lod, _ = setup
    assert run(pi, "--snapshot", "2026-08-08").exit_code == 0
    before = digest(repo / "data")
    result = run(pi, "--snapshot", "2022-05-29")
    assert result.exit_code == 1
    assert "[snapshot-out-of-order] snapshot 2022-05-29 is older than 2026-08-08" in result.output
    assert digest(repo / "data") == before


REAL = datasets_dir(ROOT)


@pytest.mark.documents
@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason=f"no datasets folder at {REAL} (MANPOWER_DATASETS)")
def test_real_snapshots_import_as_history(make_repo, monkeypatch):
    """The real relays: 2022-05-29 then 2026-08-08, the 31,500 -> 30,150 revision, the POW
    fields that disappeared, and a second import that changes no byte of data/."""
    repo = make_repo(claims=[], sources=[], claimants=CLAIMANTS, metrics=METRICS)
    shutil.copytree(ROOT / "mappings", repo / "mappings")
    monkeypatch.setenv("MANPOWER_DATASETS", str(REAL))
    pi = repo / "mappings" / "petroivaniuk-losses.toml"
    first = import_snapshot(repo, pi, "2022-05-29")
    assert (first.records, len(first.added)) == (94, 188)
    second = import_snapshot(repo, pi, "2026-08-08")
    claims = claims_of(repo)
    revision = next(
        claims[new] for new, _old in second.revised if claims[new]["period_end"] == "2022-05-29"
    )
    old = claims[revision["supersedes"]]
    assert (old["value"], revision["value"]) == ("31500", "30150")
    assert len(second.revised) == 2  # 2022-04-02 (17,700 -> 17,800) and 2022-05-29
    assert len(second.disappeared) == 32  # the POW fields of 2022-04-28 .. 2022-05-29
    assert second.unchanged == 154
    before = digest(repo / "data")
    again = import_snapshot(repo, pi, "2026-08-08")
    assert (again.added, again.revised, again.unchanged) == ([], [], 1626 + 62)
    assert digest(repo / "data") == before


def test_show_summarises_a_long_series(setup, monkeypatch):
    import manpower.views.series as series

    _repo, pi, lod, _ = setup
    for args in ([pi, "--snapshot", "2022-05-29"], [pi, "--snapshot", "2026-08-08"], [lod]):
        assert run(*args).exit_code == 0
    monkeypatch.setattr(series, "MIN_SERIES", 2)  # the fixture's series are short
    monkeypatch.setenv("COLUMNS", "400")  # one line per claim, whatever terminal runs the tests
    out = CliRunner().invoke(cli, ["show", "personnel_losses_cumulative"]).output
    text = " ".join(out.split())
    assert (
        "General Staff of the Armed Forces of Ukraine's figure, relayed by lod-db/orc-losses: "
        "2 daily figures from 2022-05-29 (30,250) to 2022-05-30 (30,350); 0 revised by a later "
        "snapshot; 2 days on which another source differs (2022-05-29, 2022-05-30)"
    ) in text
    assert "relayed by PetroIvaniuk/2022-Ukraine-Russia-War-Dataset: 4 daily figures" in text
    assert "1 revised by a later snapshot" in text
    assert "lod-db-orc-losses-2026-08-22-0001" not in out  # summarised, not listed
    rows = json.loads(
        CliRunner().invoke(cli, ["show", "personnel_losses_cumulative", "--format", "json"]).output
    )
    assert len(rows) == 7  # json keeps every claim
