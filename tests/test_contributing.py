"""The worked example of CONTRIBUTING.md, run as written on a copy of the repository."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, digest
from manpower.cli import cli

DOC = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC, flags=re.DOTALL)


def invoke(line: str):
    args = shlex.split(line)
    assert args[0] == "manpower"
    return CliRunner().invoke(cli, args[1:], catch_exceptions=False)


def build(repo) -> None:
    """What `manpower build` runs (the DVC stages), without needing a git repository."""
    for stage in ("validate", "derive", "package"):
        subprocess.run([sys.executable, f"scripts/{stage}.py"], cwd=repo, check=True)


@pytest.mark.slow
def test_worked_example_runs_green(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    for name in ("schemas", "data", "scripts", "examples"):
        shutil.copytree(ROOT / name, repo / name)
    monkeypatch.chdir(repo)
    steps = next(b for b in blocks("sh") if "manpower submit examples/" in b).splitlines()
    expected_submit, expected_error = blocks("text")

    # The error example: a wrong figure is rejected and nothing is written.
    before = digest(repo / "data")
    (repo / "claims.csv").write_text(
        (repo / "examples/contributing/claims.csv").read_text().replace(",4500,", ",4600,")
    )
    result = invoke(
        "manpower submit examples/contributing/sources.csv "
        "examples/contributing/claimants.csv claims.csv"
    )
    assert result.exit_code == 1
    assert result.output == expected_error
    assert digest(repo / "data") == before

    dry, real, *rest = steps
    result = invoke(dry)
    assert result.exit_code == 0, result.output
    assert digest(repo / "data") == before
    result = invoke(real)
    assert result.exit_code == 0, result.output
    assert result.output == expected_submit
    assert rest == ["manpower build", "manpower validate", "manpower fmt --check"]
    build(repo)
    for line in rest[1:]:
        result = invoke(line)
        assert result.exit_code == 0, result.output
    assert "example-news-2026-01-15-pows-02" in (repo / "data/derived/claims_flat.csv").read_text()
    # Submitting the same files again changes nothing.
    after = digest(repo / "data")
    assert invoke(real).exit_code == 0
    assert digest(repo / "data") == after
