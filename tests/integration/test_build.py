"""`manpower build` runs the DVC pipeline in a copy of the repository, reproducibly."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, claim, digest, write_table
from manpower.cli import cli
from manpower.pipeline import pipeline_status

# each test runs the whole DVC pipeline in a copy of the repository (over 20 s)
pytestmark = pytest.mark.slow


def tracked_copy(dest: Path) -> Path:
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in files:
        if name.startswith(("data/", "reports/")) or name in ("datapackage.json", "dvc.lock"):
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


@pytest.fixture
def repo(tmp_path: Path, make_repo, monkeypatch) -> Path:
    small = make_repo()
    dest = tracked_copy(tmp_path / "clone")
    shutil.copytree(small / "data", dest / "data")
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(cmd, cwd=dest, check=True)
    monkeypatch.chdir(dest)
    monkeypatch.setenv("DVC_NO_ANALYTICS", "1")
    return dest


def test_build_runs_stages_and_is_reproducible(repo):
    result = CliRunner().invoke(cli, ["build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for stage in ("validate", "derive", "package", "report"):
        assert f"Running stage '{stage}'" in result.output
    version = json.loads((repo / "schemas" / "package.json").read_text())["version"]
    assert result.output.splitlines()[-1] == (
        f"Built manpower {version}: valid; rows: sources 1, claimants 1, metrics 2, claims 1, "
        "exclusions 0, claims_flat 1"
    )
    first = digest(repo)
    again = CliRunner().invoke(cli, ["build", "--force"], catch_exceptions=False)
    assert again.exit_code == 0
    assert digest(repo) == first  # no timestamps: a rebuild is byte-for-byte identical
    assert pipeline_status(repo) == []
    write_table(repo / "data" / "claims.csv", [claim(notes="edited")])
    assert "validate" in " ".join(pipeline_status(repo))  # CI's staleness check sees the edit


def test_build_fails_on_invalid_data_and_publishes_nothing(repo):
    assert CliRunner().invoke(cli, ["build"]).exit_code == 0
    package_before = (repo / "datapackage.json").read_bytes()
    write_table(
        repo / "data" / "claims.csv", [claim(value_low="200000", quote="200,000 to 180,000")]
    )
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "[value-bounds]" in result.output
    assert result.output.splitlines()[-1] == (
        "Error: the build failed (see the stage output above); nothing was published"
    )
    assert (repo / "datapackage.json").read_bytes() == package_before
    report = json.loads((repo / "reports" / "validation.json").read_text())
    assert report["valid"] is False
    assert report["errors_by_rule"] == {"value-bounds": 1}


def _outputs(repo: Path) -> dict[str, object]:
    found: dict[str, object] = {name: digest(repo / name) for name in ("site", "reports")}
    found["datapackage.json"] = (repo / "datapackage.json").read_bytes()
    found["claims_flat"] = (repo / "data" / "derived" / "claims_flat.csv").read_bytes()
    return found


def test_failed_stage_keeps_its_tracked_outputs(repo, monkeypatch):
    """Issue 22 items 3 and 17: a stage that fails leaves its outputs as they were (DVC deleted
    them before running it: 20 site/ files, reports/validation.json), and a stage script says a
    ManpowerError in one line instead of a traceback."""
    assert CliRunner().invoke(cli, ["build"]).exit_code == 0
    before = _outputs(repo)
    assert before["site"] and before["reports"]
    monkeypatch.setenv("MANPOWER_MAX_TABLE_BYTES", "lots")  # validate.py: a usage error
    result = CliRunner().invoke(cli, ["build", "--force"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output, result.output
    assert [line for line in result.output.splitlines() if "MANPOWER_MAX_TABLE_BYTES" in line] == [
        line for line in result.output.splitlines() if line.startswith("Error: MANPOWER_MAX")
    ], result.output
    assert result.output.splitlines()[-1] == (
        "Error: the build failed (see the stage output above); nothing was published"
    )
    assert _outputs(repo) == before
    monkeypatch.delenv("MANPOWER_MAX_TABLE_BYTES")
    # the report stage dying half-way (as on a date the charts could not draw) keeps site/
    (repo / "scripts" / "report.py").write_text("raise SystemExit('report: out of range')\n")
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert "report: out of range" in result.output
    assert _outputs(repo) == before
