"""Releases survive real life: two releases of the real package, with a data change before each,
leave every check CI runs green (fmt --check, validate, the stale-pipeline check, the tests that
read the repository's own state, and the release tests' own starting point)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, git, project_copy
from manpower.contributing.canonical_form import format_repository
from manpower.errors import ManpowerError
from manpower.pipeline import pipeline_status, run_pipeline
from manpower.releasing.release import Plan, release
from manpower.validation.runner import validate

# The tests whose assertions depend on the repository's release state (version, created,
# changelog, citation, README). The release tests copy the repository and release it again:
# that starting point is checked directly (project_copy of the released copy, then a release),
# without their session fixture.
APPLY = [
    "tests/data/test_curated_data.py",
    "tests/unit/test_citation.py",
    "tests/data/test_docs.py",
]

# two real releases and a pytest run over their copy
pytestmark = pytest.mark.slow


def real_copy(dest: Path) -> Path:
    """A clone of the project (its history, so the releases it has already cut are found as they
    are on a contributor's machine) plus the working tree's changes, real data included."""
    import shutil

    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True)
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "--allow-empty", "-m", "The working tree")
    return dest


def edit_a_note(repo: Path, text: str) -> None:
    """A patch-level data change: a claimant's note, through the canonical writer."""
    path = repo / "data" / "claimants.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["notes"] = (rows[0]["notes"] + " " + text).strip()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    format_repository(repo, check=False)
    build_and_commit(repo, f"Edit a note: {text}")


def build_and_commit(repo: Path, message: str) -> None:
    run_pipeline(repo, echo=lambda _line: None)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def release_a_change(repo: Path, text: str, edit_first: bool) -> Plan:
    """A release after a data change. The working tree usually holds changes since the project's
    last release already (a pipeline run saved); right after a real release it does not."""
    if edit_first:
        edit_a_note(repo, text)
    elif pipeline_status(repo):  # the library was edited since the last make build
        build_and_commit(repo, "make build")
    try:
        return release(repo, echo=lambda _line: None)
    except ManpowerError as exc:
        if edit_first or not str(exc).startswith("nothing changed since"):
            raise
    return release_a_change(repo, text, edit_first=True)


def test_two_releases_keep_ci_green(tmp_path, git_env):
    shared = ROOT.parent / "shared"
    if shared.is_dir():  # the quote gate reads ../shared/sources beside the repository
        (tmp_path / "shared").symlink_to(shared)
    repo = real_copy(tmp_path / "manpower")
    versions = []
    for n in (1, 2):
        versions.append(release_a_change(repo, f"(release test {n})", edit_first=n > 1).version)
        record = json.loads((repo / "releases.json").read_text())
        assert [r["version"] for r in record["releases"]][:n] == versions[::-1]
        assert git(repo, "status", "--porcelain") == ""
        assert [r.table for r in format_repository(repo, check=True) if r.changed] == []
        report = validate(repo)
        assert report.valid, report.problems[:3]
        assert pipeline_status(repo) == []
    again = project_copy(tmp_path / "again", source=repo)
    assert release(again, echo=lambda _line: None).version == "0.1.0"
    env = {**os.environ, "MANPOWER_NO_SKIP": "1" if shared.is_dir() else "0"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *APPLY],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
