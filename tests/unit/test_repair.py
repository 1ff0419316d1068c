"""`manpower repair`: a merged claim or exclusion that is wrong about its document is corrected
or withdrawn, keeping the history, through submit's validation and transaction (issue 19.2)."""

from __future__ import annotations

import csv
import hashlib

import pytest
from click.testing import CliRunner

from conftest import SOURCES, claim, digest, write_table
from manpower.cli import cli

TEXT = (
    "Prisoners in numbers\n"
    "Russia has recruited 140,000 to 180,000 prisoners to fight, the agency said.\n"
    "About 4,500 of them are still held in camps, two years after the start.\n"
)
DOC = "900_test.txt"
TYPO = "About 4,500 of them are still held in camp"  # merged before quotes were checked


def rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def repo(make_repo, monkeypatch, tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / DOC).write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(folder))
    source = {**SOURCES[0], "document": DOC, "sha256": hashlib.sha256(TEXT.encode()).hexdigest()}
    held = claim(
        claim_id="paper-2025-01-03-02",
        value_kind="approximate",
        value_low="",
        value="4500",
        value_high="",
        quote=TYPO + "s now",
    )
    repo = make_repo(sources=[source], claims=[claim(), held])
    write_table(
        repo / "data" / "exclusions.csv",
        [
            {
                "exclusion_id": "paper-2025-01-03-x01",
                "source_id": "paper-2025-01-03",
                "excerpt": "two years after",
                "figure": "two",
                "reason": "date_or_duration",
                "notes": "",
            }
        ],
    )
    monkeypatch.chdir(repo)
    return repo


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_coverage_flags_the_typo_before_the_repair(repo):
    result = run("coverage")
    assert result.exit_code == 1
    assert "claim paper-2025-01-03-02: its quote is not in the document" in result.output


def test_a_quote_typo_is_corrected_by_a_superseding_claim_and_coverage_honours_it(repo):
    before = rows(repo / "data" / "claims.csv")
    result = run(
        "repair",
        "paper-2025-01-03-02",
        "--set",
        f"quote={TYPO}s",
        "--reason",
        "quote_not_in_document",
        "--note",
        "quote had a typo ('camps now')",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "Withdrew paper-2025-01-03-02 (retraction paper-2025-01-03-r01), corrected by "
        "paper-2025-01-03-03."
    )
    claims = rows(repo / "data" / "claims.csv")
    assert claims[: len(before)] == before  # nothing overwritten
    (new,) = claims[len(before) :]
    assert new["claim_id"] == "paper-2025-01-03-03"
    assert new["supersedes"] == "paper-2025-01-03-02"
    assert new["quote"] == TYPO + "s"
    assert new["notes"].startswith("Corrects paper-2025-01-03-02: quote had a typo")
    (retraction,) = rows(repo / "data" / "retractions.csv")
    assert retraction == {
        "retraction_id": "paper-2025-01-03-r01",
        "source_id": "paper-2025-01-03",
        "claim_id": "paper-2025-01-03-02",
        "exclusion_id": "",
        "replaced_by": "paper-2025-01-03-03",
        "reason": "quote_not_in_document",
        "notes": "quote had a typo ('camps now')",
    }
    assert run("coverage").exit_code == 0
    assert run("validate").exit_code == 0
    assert run("fmt", "--check").exit_code == 0
    # withdrawn once only
    again = run("repair", "paper-2025-01-03-02", "--withdraw", "--reason", "other", "--note", "x")
    assert again.exit_code == 2
    assert "withdrawn already" in again.output


def test_a_correction_whose_quote_is_still_wrong_is_refused_and_nothing_is_written(repo):
    before = digest(repo / "data")
    result = run(
        "repair",
        "paper-2025-01-03-02",
        "--set",
        f"quote={TYPO}z",
        "--reason",
        "quote_not_in_document",
        "--note",
        "typo",
    )
    assert result.exit_code == 1
    (line, summary) = result.output.splitlines()
    assert line.startswith("repair of paper-2025-01-03-02 (claims), row 2, column quote:")
    assert "[quote-not-found]" in line and "the closest passage is" in line
    assert summary.startswith("rejected: 1 error")
    assert digest(repo / "data") == before


def test_an_exclusion_that_is_no_figure_is_withdrawn_and_coverage_then_sees_the_figure(repo):
    result = run(
        "repair",
        "paper-2025-01-03-x01",
        "--withdraw",
        "--reason",
        "not_a_figure",
        "--note",
        "checking the withdrawal",
    )
    assert result.exit_code == 0, result.output
    assert "without a replacement" in result.output
    (retraction,) = rows(repo / "data" / "retractions.csv")
    assert retraction["exclusion_id"] == "paper-2025-01-03-x01"
    assert retraction["replaced_by"] == ""
    assert len(rows(repo / "data" / "exclusions.csv")) == 1  # still there, withdrawn
    coverage = run("coverage")
    assert "figure 'two' is neither in a claim nor in an exclusion" in coverage.output


def test_an_exclusion_excerpt_is_corrected_under_the_next_exclusion_id(repo):
    result = run(
        "repair",
        "paper-2025-01-03-x01",
        "--set",
        "excerpt=two years after the start",
        "--reason",
        "misread",
        "--note",
        "longer excerpt",
    )
    assert result.exit_code == 0, result.output
    ids = [r["exclusion_id"] for r in rows(repo / "data" / "exclusions.csv")]
    assert ids == ["paper-2025-01-03-x01", "paper-2025-01-03-x02"]


def test_dry_run_writes_nothing(repo):
    before = digest(repo / "data")
    result = run(
        "repair",
        "paper-2025-01-03-x01",
        "--withdraw",
        "--reason",
        "other",
        "--note",
        "n",
        "--dry-run",
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Would withdraw paper-2025-01-03-x01")
    assert digest(repo / "data") == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["paper-2025-01-03-99", "--withdraw"], "no claim or exclusion 'paper-2025-01-03-99'"),
        (["paper-2025-01-03-02"], "give the corrected cells with --set"),
        (["paper-2025-01-03-02", "--withdraw", "--set", "value=1"], "or --withdraw"),
        (["paper-2025-01-03-02", "--set", "claim_id=x"], "a repair keeps claim_id"),
        (["paper-2025-01-03-02", "--set", "colour=red"], "claims has no such column"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(repo, args, message):
    before = digest(repo / "data")
    result = run("repair", *args, "--reason", "other", "--note", "n")
    assert result.exit_code == 2
    assert message in result.output
    assert digest(repo / "data") == before


def retraction(**changes: str) -> dict[str, str]:
    base = {
        "retraction_id": "paper-2025-01-03-r01",
        "source_id": "paper-2025-01-03",
        "claim_id": "paper-2025-01-03-02",
        "exclusion_id": "",
        "replaced_by": "",
        "reason": "other",
        "notes": "by hand",
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("rows_", "why"),
    [
        ([retraction(exclusion_id="paper-2025-01-03-x01")], "names both a claim and an exclusion"),
        ([retraction(claim_id="")], "names no claim or exclusion"),
        (
            [retraction(), retraction(retraction_id="paper-2025-01-03-r02")],
            "withdraws paper-2025-01-03-02, which paper-2025-01-03-r01 withdraws already",
        ),
    ],
)
def test_a_hand_written_retraction_is_checked_at_submit(repo, tmp_path, rows_, why):
    path = tmp_path / "retractions.csv"
    write_table(path, rows_)
    before = digest(repo / "data")
    result = run("submit", str(path))
    assert result.exit_code == 1
    (line,) = [x for x in result.output.splitlines() if "[retraction-target]" in x]
    assert f"the retraction {why}." in line
    assert digest(repo / "data") == before


def test_a_valid_hand_written_retraction_is_accepted(repo, tmp_path):
    path = tmp_path / "retractions.csv"
    write_table(path, [retraction()])
    assert run("submit", str(path)).exit_code == 0
    assert "paper-2025-01-03-02" not in run("coverage").output


def test_a_retraction_of_another_sources_row_is_refused(repo, tmp_path):
    other = {**SOURCES[0], "source_id": "paper-2025-02-01", "document": "", "sha256": ""}
    write_table(tmp_path / "sources.csv", [other])
    path = tmp_path / "retractions.csv"
    write_table(
        path, [retraction(retraction_id="paper-2025-02-01-r01", source_id=other["source_id"])]
    )
    before = digest(repo / "data")
    result = run("submit", str(tmp_path / "sources.csv"), str(path))
    assert result.exit_code == 1
    assert (
        "the retraction is of source 'paper-2025-02-01', but paper-2025-01-03-02 is of "
        "'paper-2025-01-03'." in result.output
    )
    assert digest(repo / "data") == before
