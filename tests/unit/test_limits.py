"""One size limit for the curated tables, the same in validate, submit and fmt."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import ROOT, claim, digest, write_table
from manpower import limits
from manpower.cli import cli
from manpower.contributing import intake
from parity.oracle import ENGINES, invoke_validate

NEW = {
    "value_kind": "more_than",
    "value_low": "10000",
    "value_high": "",
    "quote": "more than 10,000",
}
CLAIMS = [
    claim(
        claim_id=f"paper-2025-01-03-{n:02d}",
        value_kind="more_than",
        value_low="10000",
        value_high="",
        quote="more than 10,000 convicts",
    )
    for n in range(2, 12)
]


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo(claims=CLAIMS)
    monkeypatch.chdir(root)
    return root


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_table_over_the_update_file_limit_is_still_a_target(repo, tmp_path, monkeypatch):
    """The reported bug: submit and fmt refused data/claims.csv over the 20 MB meant for update
    files, while validate accepted it. Here the update-file limit is made smaller than the
    table (1,500 bytes; the table has about 2,000): the update is small, so it is accepted."""
    monkeypatch.setattr(intake, "MAX_SUBMIT_FILE_BYTES", 1500)
    assert (repo / "data" / "claims.csv").stat().st_size > 1500
    write_table(tmp_path / "claims.csv", [claim(claim_id="paper-2025-01-03-12", **NEW)])
    assert run("validate").exit_code == 0
    result = run("submit", str(tmp_path / "claims.csv"))
    assert result.exit_code == 0, result.output
    assert b"paper-2025-01-03-12" in (repo / "data" / "claims.csv").read_bytes()
    assert run("fmt").exit_code == 0


@pytest.mark.parametrize("how", ["environment", "default"])
def test_validate_submit_and_fmt_refuse_a_table_over_the_one_limit(
    repo, tmp_path, monkeypatch, how
):
    """The limit set by MANPOWER_MAX_TABLE_BYTES, or the default when it is unset, is the one
    every reader applies, with one message that names the variable."""
    if how == "environment":
        monkeypatch.setenv("MANPOWER_MAX_TABLE_BYTES", "1500")
    else:
        monkeypatch.delenv("MANPOWER_MAX_TABLE_BYTES", raising=False)
        monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 1500)
    size = (repo / "data" / "claims.csv").stat().st_size
    reason = (
        f"data/claims.csv has {size:,} bytes, more than the 1,500 bytes a table may have "
        "(MANPOWER_MAX_TABLE_BYTES; README, Limits)"
    )
    assert "MANPOWER_MAX_TABLE_BYTES" in limits.TOO_LARGE_FIX
    before = digest(repo / "data")
    for engine in ENGINES:
        result = invoke_validate([], engine)
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            f"claims.csv: [table-too-large] {reason}. Fix: {limits.TOO_LARGE_FIX}.",
            "invalid: 1 error",
        ]
    write_table(tmp_path / "claims.csv", [claim(claim_id="paper-2025-01-03-12", **NEW)])
    for args in (["submit", str(tmp_path / "claims.csv")], ["fmt"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.output == f"Error: {reason}; {limits.TOO_LARGE_FIX}\n"
    assert digest(repo / "data") == before


def test_the_environment_limit_can_raise_the_default(repo, monkeypatch):
    """A limit above a table's size lets every reader through, even with a tiny default."""
    monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 10)
    monkeypatch.setenv("MANPOWER_MAX_TABLE_BYTES", str(600 * 1024 * 1024))
    for engine in ENGINES:
        assert invoke_validate([], engine).exit_code == 0
    assert run("fmt", "--check").exit_code == 0


@pytest.mark.parametrize("value", ["lots", "1e9", "-5", "512MiB", "1.5", ""])
def test_an_invalid_limit_is_a_usage_error(repo, tmp_path, monkeypatch, value):
    monkeypatch.setenv("MANPOWER_MAX_TABLE_BYTES", value)
    before = digest(repo / "data")
    write_table(tmp_path / "claims.csv", [claim(claim_id="paper-2025-01-03-12", **NEW)])
    message = f"Error: MANPOWER_MAX_TABLE_BYTES must be a whole number of bytes, not {value!r}\n"
    for engine in ENGINES:
        result = invoke_validate([], engine)
        assert (result.exit_code, result.output) == (2, message), engine
    for args in (["submit", str(tmp_path / "claims.csv")], ["fmt"]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output == message, args
    assert digest(repo / "data") == before


# --- Capped problem output -----------------------------------------------------------------


def _broken_claims(path, rows: int) -> None:
    """``rows`` claims, each naming an unknown metric and an unknown claimant: two foreign-key
    errors per row, and nothing else wrong with the Table Schema."""
    header = (ROOT / "data" / "claims.csv").read_text(encoding="utf-8").splitlines()[0]
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for n in range(rows):
            out.write(
                f"c-{n:07d},m-{n},,exact,,5,,,2024-01-31,day,who-{n},paper-2025-01-03,,"
                "5 of them,unverified,,\n"
            )


def test_200k_foreign_key_errors_print_50_and_a_count_in_every_format(make_repo, monkeypatch):
    from manpower.render import render_report
    from manpower.validation import columnar
    from parity.oracle import validate

    repo = make_repo()
    _broken_claims(repo / "data" / "claims.csv", 100_000)
    built = []
    real = columnar._problem

    def counted(*args, **kwargs):
        built.append(args[4])
        return real(*args, **kwargs)

    monkeypatch.setattr(columnar, "_problem", counted)
    report = validate(repo)
    # memory follows the table, not the error count: a few Problems per check, not 200,000
    assert built.count("foreign-key") <= 2 * limits.MAX_PROBLEMS_PER_RULE
    assert report.errors_by_rule()["foreign-key"] == 200_000
    assert report.unlisted["foreign-key"] == 199_950
    listed = [p for p in report.problems if p.rule == "foreign-key"]
    assert len(listed) == 50
    assert [p.row for p in listed] == sorted(p.row for p in listed)
    assert listed[0].row == 2 and listed[-1].row == 26  # the first rows, both keys of each
    more = "... and 199,950 more [foreign-key] errors not listed (the first 50 of each rule are)"
    for fmt in ("text", "github"):
        out = render_report(report, fmt)
        lines = out.splitlines()
        assert more in lines
        rows = "sources 1, claimants 1, metrics 2, claims 100000, exclusions 0 rows"
        assert lines[-1] == f"invalid: {report.errors} errors ({rows})"
        assert len(out) < 100_000
        rules = {p.rule for p in report.problems}
        assert len(lines) == len(report.problems) + len(report.unlisted) + 1
        assert len(report.problems) <= 50 * len(rules)
    data = json.loads(render_report(report, "json"))
    assert data["errors"] == report.errors
    assert data["errors_by_rule"]["foreign-key"] == 200_000
    assert data["unlisted_by_rule"]["foreign-key"] == 199_950
    assert len(data["problems"]) == len(report.problems)


def test_the_cap_is_the_same_in_both_engines(make_repo, monkeypatch):
    from parity.oracle import validate

    repo = make_repo()
    _broken_claims(repo / "data" / "claims.csv", 6)
    monkeypatch.setattr(limits, "MAX_PROBLEMS_PER_RULE", 4)
    columnar = validate(repo)
    reference = validate(repo, engine="frictionless")
    assert columnar.errors_by_rule()["foreign-key"] == 12
    for report in (columnar, reference):
        assert [(p.row, p.rule) for p in report.problems if p.rule == "foreign-key"] == [
            (2, "foreign-key"),
            (2, "foreign-key"),
            (3, "foreign-key"),
            (3, "foreign-key"),
        ]
        assert report.unlisted["foreign-key"] == 8
    assert columnar.errors_by_rule() == reference.errors_by_rule()


def test_a_huge_header_prints_short_lines(make_repo, monkeypatch):
    """The reported bug: a 1,000,000-column header printed one 10.9 MB line. Here a 5 MB
    header of 50 long labels (a wider header is refused whole: tests/unit/test_wide_tables.py)."""
    repo = make_repo()
    path = repo / "data" / "claims.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    extra = [f"x{n:04d}" * 20_000 for n in range(50)]  # 50 labels of 100,000 characters
    lines[0] += "," + ",".join(extra)
    lines[1] += "," * len(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert max(map(len, out)) <= 1200
    assert len(result.output) < 100_000
    assert sum("[extra-label]" in line for line in out) == 50


def test_a_huge_cell_is_echoed_as_an_excerpt(make_repo, monkeypatch):
    repo = make_repo(claims=[claim(quote="x" * 1_000_000, verification="no-such-verification")])
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert max(map(len, result.output.splitlines())) <= 1200
    assert f"{'x' * 80}... (1,000,000 characters)" in result.output


def test_the_default_admits_the_packages_own_1m_claims_benchmark(monkeypatch):
    # scripts/bench_validate.py's 1M real-shaped claims rows make a claims.csv of about 591 MB
    monkeypatch.delenv("MANPOWER_MAX_TABLE_BYTES", raising=False)
    assert limits.max_table_bytes() >= 600 * 1000 * 1000
