"""The README's examples run as written, against a release served on 127.0.0.1.

The `sh` and `python` blocks of "Using the data" run in order in one folder outside any clone,
with only the release host (``MANPOWER_RELEASES_URL``) and the registry URL pointed at the test
release. The R block is not run (no R here).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, git

REPO = "REPO=manpower-clone"  # the README's stand-in for a clone, replaced by the test's


def examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Using the data\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```(\w*)\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    # console blocks need what the test has not (an index, Datasette): the README says so
    assert {lang for lang, _ in blocks} <= {"sh", "python", "r", "console"}
    return [(lang, body) for lang, body in blocks if lang != "console"]


def test_the_examples_cover_every_way_in():
    code = "\n".join(body for _, body in examples())
    for needle in (
        "manpower download",
        "manpower.load(",
        "pd.read_parquet",
        "pl.read_parquet",
        "duckdb.sql",
        "sqlite3.connect",
        "dvc get",
        "read_package(",
        "manpower show",
        "manpower.schemas.claims.validate",
        "value_as_stated",
    ):
        assert needle in code, needle
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Using the data\n", 1)[1].split("\n## ", 1)[0]
    assert "OWNER" not in section and "--rev v0" not in section  # no placeholder URL, no tag
    assert "0.2.0" not in code and "ATTACH" not in code  # no fictional version, no extension
    assert [lang for lang, _ in examples()].count("r") == 1


@pytest.fixture
def folder(released, server, tmp_path, monkeypatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("MANPOWER_RELEASES_URL", f"{server}/good/")
    monkeypatch.setenv("MANPOWER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return work


def test_readme_examples_run_as_written(released, folder):
    ran = []
    for lang, body in examples():
        if lang == "r":
            continue
        if lang == "sh":
            assert body.count(REPO) <= 1
            script = body.replace(REPO, f"REPO={released['repo']}")
            cmd = ["bash", "-euo", "pipefail", "-c", script]
        else:
            cmd = [sys.executable, "-c", body]
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True)
        assert proc.returncode == 0, f"{lang} block failed:\n{body}\n{proc.stdout}{proc.stderr}"
        ran.append(proc.stdout)
    assert len(ran) == 7
    downloads, loaded, pandas, polars, duck, schemas, _ = ran
    dest = folder / "downloads"
    lines = downloads.splitlines()
    assert lines[:3] == [
        f"manpower 0.1.0 (csv): {dest / 'manpower-0.1.0'}",
        f"manpower 0.1.0 (parquet): {dest / 'manpower-0.1.0-parquet'}",
        f"manpower 0.1.0 (sqlite): {dest / 'manpower-0.1.0.sqlite'}",
    ]
    assert (dest / "manpower-0.1.0-datasette.json").is_file()
    assert lines[3] == "topic recruitment: 1 claim"
    assert "convicts_recruited_cumulative    1" in loaded
    assert "140,000–180,000" in loaded and "2022-07 – 2024-11" in loaded
    assert "'period_end': dtype('<M8" in pandas and "'value': dtype('float64')" in pandas
    assert "[('convicts_recruited_cumulative', 1)]" in pandas
    assert polars.strip() == "True"
    assert "convicts_recruited_cumulative" in duck and "range" in duck
    assert schemas.startswith("refused: ") and "value_kind" in schemas
    assert (folder / "claims-0.1.0.csv").read_text() == git(
        released["repo"], "show", "v0.1.0:data/claims.csv"
    )
