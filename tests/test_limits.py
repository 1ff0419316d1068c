"""One size limit for the curated tables, the same in validate, submit and fmt."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import claim, digest, write_table
from manpower import intake, limits
from manpower.cli import cli

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
    monkeypatch.setattr(intake, "MAX_FILE_BYTES", 1500)
    assert (repo / "data" / "claims.csv").stat().st_size > 1500
    write_table(tmp_path / "claims.csv", [claim(claim_id="paper-2025-01-03-12", **NEW)])
    assert run("validate").exit_code == 0
    result = run("submit", str(tmp_path / "claims.csv"))
    assert result.exit_code == 0, result.output
    assert b"paper-2025-01-03-12" in (repo / "data" / "claims.csv").read_bytes()
    assert run("fmt").exit_code == 0


def test_validate_submit_and_fmt_refuse_a_table_over_the_one_limit(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TABLE_BYTES", 1500)
    size = (repo / "data" / "claims.csv").stat().st_size
    reason = (
        f"data/claims.csv has {size:,} bytes, more than the 1,500 bytes a table may have "
        "(README, Limits)"
    )
    before = digest(repo / "data")
    for engine in ("columnar", "frictionless"):
        result = run("validate", "--engine", engine)
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            f"claims.csv: [table-too-large] {reason}. Fix: {limits.TOO_LARGE_FIX}.",
            "invalid: 1 errors",
        ]
    write_table(tmp_path / "claims.csv", [claim(claim_id="paper-2025-01-03-12", **NEW)])
    for args in (["submit", str(tmp_path / "claims.csv")], ["fmt"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.output == f"Error: {reason}; {limits.TOO_LARGE_FIX}\n"
    assert digest(repo / "data") == before
