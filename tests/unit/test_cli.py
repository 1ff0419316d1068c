"""The CLI: exact messages, exit codes, formats, and the conventions every command follows."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT, claim, digest
from manpower.cli import cli
from manpower.validation.runner import validate
from parity.oracle import invoke_validate

COMMANDS = sorted(cli.commands)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_readme_entry(name):
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    result = run(name, "--help")
    assert result.exit_code == 0
    assert f"manpower {name}" in (ROOT / "README.md").read_text(), f"README lacks {name}"


def test_top_level_help_lists_commands():
    result = run("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_help_imports_nothing_heavy():
    code = (
        "import sys; from manpower.cli import cli\n"
        "try: cli(['--help', ], prog_name='manpower')\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('pandas', 'frictionless', 'pandera', 'dvc', 'polars') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


@pytest.mark.slow
def test_validate_valid_package(make_repo):
    result = run("validate", str(make_repo()))
    assert result.exit_code == 0
    assert result.output == (
        "valid: sources 1, claimants 1, metrics 2, claims 1, exclusions 0 rows\n"
    )


def test_validate_invalid_package_exact_text(make_repo):
    repo = make_repo(claims=[claim(value_low="200000", quote="200,000 to 180,000 prisoners")])
    before = digest(repo)
    result = run("validate", str(repo))
    assert result.exit_code == 1
    assert result.output == (
        "claims.csv, row 2, column value_low: value '200000': "
        "[value-bounds] value_low <= value <= value_high (range: value_low=200000, "
        "value_high=180000). Fix: swap or correct the bounds so that value_low <= value <= "
        "value_high.\n"
        "invalid: 1 error (sources 1, claimants 1, metrics 2, claims 1, exclusions 0 rows)\n"
    )
    assert digest(repo) == before


def test_validate_schema_error_text(make_repo):
    result = run("validate", str(make_repo(claims=[claim(value_kind="morethan")])))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "claims.csv, row 2, column value_kind: value 'morethan': [constraint-error] value_kind "
        "must be one of exact, approximate, at_least, more_than, up_to, less_than, range, "
        "forecast, interpreted (did you mean more_than?). Fix: write one of these values exactly, "
        "in lower case."
    )


def test_validate_json_equals_library_result(make_repo):
    repo = make_repo(
        claims=[claim(period_start="2025-02-30"), claim(claim_id="x-1", supersedes="nope")]
    )
    result = run("validate", str(repo), "--format", "json")
    assert result.exit_code == 1
    # the library's report, plus the disagreements between sources (manpower compare)
    assert json.loads(result.output) == {**validate(repo).to_dict(), "warnings": []}


def test_validate_github_annotations(make_repo):
    result = run("validate", str(make_repo(claims=[claim(notes="=cmd()")])), "--format", "github")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "::error file=data/claims.csv,line=2,title=spreadsheet-formula::claims.csv, row 2, "
        "column notes: value '=cmd()': [spreadsheet-formula] no text cell starts like a "
        "spreadsheet formula. Fix: remove the leading =, +, -, @, tab or CR, or their fullwidth "
        "forms (spreadsheets would run the cell)."
    )


def test_validate_missing_path_is_usage_error(tmp_path):
    result = run("validate", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'nope'}: no such file or directory\n"


def test_validate_unknown_format_is_usage_error():
    result = run("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_format_option_is_one_choice():
    params = {p.name: p for p in cli.commands["validate"].params}
    assert isinstance(params["output_format"].type, click.Choice)
    assert list(params["output_format"].type.choices) == ["text", "json", "github"]


@pytest.mark.slow
def test_validate_prints_what_the_frictionless_oracle_finds(make_repo):
    repo = make_repo(
        claims=[
            claim(value_kind="guess", value_low="12a"),
            claim(metric_id="nope", period_end="2024-02-30"),
        ]
    )
    before = digest(repo)
    columnar = run("validate", str(repo))
    reference = invoke_validate([str(repo)], "frictionless")
    assert columnar.exit_code == reference.exit_code == 1
    assert columnar.output == reference.output
    assert (
        "claims.csv, row 2, column value_low: value '12a': [type-error] value_low is not a "
        "number. Fix: write the figure in digits, with a dot for decimals and without "
        "separators, units or words (10000, not 10,000 or 10k)." in columnar.output.splitlines()
    )
    assert (
        "claims.csv, row 3: [foreign-key] metric_id 'nope' is not in data/metrics.csv. Fix: "
        "copy an existing metric_id from data/metrics.csv, or add the metrics row first."
        in columnar.output.splitlines()
    )
    assert digest(repo) == before


def test_validate_has_one_engine():
    """frictionless is the tests' oracle, not a choice of the product: no --engine option."""
    result = run("validate", "--engine", "frictionless")
    assert result.exit_code == 2
    assert "No such option '--engine'" in result.output
    assert "engine" not in inspect.signature(validate).parameters
