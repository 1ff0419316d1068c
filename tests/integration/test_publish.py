"""Publishing as the release workflow does: rebuild from the tag, check against the record, and
serve releases.json and datapackage.json with absolute URLs that download and frictionless read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import git


@pytest.fixture(scope="module")
def hosted(released, site, server, tmp_path_factory) -> str:
    """v0.2.0 published under {server}/pub/ the way the workflow does it for GitHub: assets per
    tag under pub/<tag>/, the tag's files under tree/<tag>/."""
    repo = released["repo"]
    checkout = tmp_path_factory.mktemp("tag") / "v0.2.0"
    git(repo, "worktree", "add", "-q", "--detach", str(checkout), "v0.2.0")
    out = site / "pub"
    proc = subprocess.run(
        [
            sys.executable, str(checkout / "scripts" / "publish.py"),
            "--record", str(repo / "releases.json"), "--version", "0.2.0",
            "--assets-url", f"{server}/pub/{{tag}}/", "--files-url", f"{server}/tree/{{tag}}/",
            "--out", str(out),
        ],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # the zip, six Parquet files (five tables and claims_flat), the SQLite database and its
    # Datasette metadata
    assert proc.stdout.count(": matches the record\n") == 9
    for version in ("0.1.0", "0.2.0"):
        shutil.copytree(repo / "dist", out / f"v{version}", dirs_exist_ok=True)
    shutil.copytree(checkout, site / "tree" / "v0.2.0", ignore=shutil.ignore_patterns(".git"))
    return f"{server}/pub"


def test_hosted_index_gives_absolute_urls_and_downloads(hosted, cache, tmp_path):
    from click.testing import CliRunner

    from manpower.cli import cli

    index = json.loads(_get(f"{hosted}/releases.json"))
    assert [r["version"] for r in index["releases"]] == ["0.2.0", "0.1.0"]
    for release in index["releases"]:
        for file in release["files"]:
            assert file["url"] == f"{hosted}/{release['tag']}/{file['name']}"
    result = CliRunner().invoke(
        cli, ["download", "0.1.0", "--dest", str(tmp_path), "--from", hosted],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_frictionless_reads_the_release_from_its_url(hosted):
    from frictionless import Package

    package = Package(f"{hosted}/datapackage.json")
    assert package.get_resource("claims").path.startswith("http://127.0.0.1")
    rows = package.get_resource("claims").read_rows()
    assert [r["claim_id"] for r in rows] == ["paper-2025-01-03-01", "paper-2025-01-03-02"]
    report = package.validate()
    assert report.valid, report.flatten(["type", "note"])


def test_a_tag_whose_files_differ_from_the_record_is_not_published(released, tmp_path):
    repo = released["repo"]
    record = json.loads((repo / "releases.json").read_text())
    record["releases"][0]["files"][0]["sha256"] = "0" * 64
    (tmp_path / "releases.json").write_text(json.dumps(record))
    proc = subprocess.run(
        [
            sys.executable, str(repo / "scripts" / "publish.py"),
            "--record", str(tmp_path / "releases.json"), "--version", "0.2.0",
            "--assets-url", "https://h/{tag}/", "--files-url", "https://h/t/{tag}/",
            "--out", str(tmp_path / "out"),
        ],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr == (
        "Error: release 0.2.0: rebuilt files differ from the release record "
        "(manpower-0.2.0.zip): not published\n"
    )


def _get(url: str) -> str:
    import requests

    response = requests.get(url, timeout=10)
    response.raise_for_status()
    return response.text
