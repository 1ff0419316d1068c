"""The worked example of CONTRIBUTING.md, run as written on a copy of the repository:
draft, fill, submit, build, coverage, validate, fmt."""

from __future__ import annotations

import csv
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, digest
from manpower.cli import cli

DOC = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
EXAMPLE = "examples/contributing"
DRAFTED = ("claim_id", "value_kind", "value_low", "value", "value_high", "source_id", "quote")


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC, flags=re.DOTALL)


def invoke(line: str):
    """A documented command line: optional VAR=value prefixes, then `manpower ...`."""
    args = shlex.split(line)
    env = {}
    while "=" in args[0]:
        name, value = args.pop(0).split("=", 1)
        env[name] = value
    assert args[0] == "manpower"
    return CliRunner().invoke(cli, args[1:], env=env, catch_exceptions=False)


def build(repo: Path) -> None:
    """What `manpower build` runs (the DVC stages), without needing a git repository."""
    for stage in ("validate", "derive", "package"):
        subprocess.run([sys.executable, f"scripts/{stage}.py"], cwd=repo, check=True)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_worked_example_runs_green(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    for name in ("schemas", "data", "scripts", "examples"):
        shutil.copytree(ROOT / name, repo / name)
    monkeypatch.chdir(repo)
    monkeypatch.delenv("MANPOWER_DOCUMENTS", raising=False)
    (draft_line,) = next(b for b in blocks("sh") if "manpower draft" in b).splitlines()
    steps = next(b for b in blocks("sh") if "manpower submit examples/" in b).splitlines()
    expected_draft, expected_submit, expected_coverage, expected_error = blocks("text")

    # Draft: the filled example is the draft with its empty cells filled; the duration it
    # proposed as an exclusion is the example's exclusion, its reason kept.
    before = digest(repo / "data")
    result = invoke(draft_line)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected_draft
    # the example's document is not in the documents folder: draft says so, on stderr
    assert "is outside the documents folder" in result.stderr
    assert digest(repo / "data") == before
    drafted = rows(repo / "drafts" / "claims.csv")
    filled = rows(repo / EXAMPLE / "claims.csv")
    assert [{k: r[k] for k in DRAFTED} for r in filled] == [
        {k: r[k] for k in DRAFTED}
        for r in drafted
        if r["claim_id"] in {f["claim_id"] for f in filled}
    ]
    assert len(drafted) == len(filled)
    (proposed,) = rows(repo / "drafts" / "exclusions.csv")
    (exclusion,) = rows(repo / EXAMPLE / "exclusions.csv")
    for column in ("exclusion_id", "source_id", "figure", "reason"):
        assert proposed[column] == exclusion[column]
    assert exclusion["excerpt"] in proposed["excerpt"]
    (drafted_source,) = rows(repo / "drafts" / "sources.csv")
    (source,) = rows(repo / EXAMPLE / "sources.csv")
    for column in ("source_id", "title", "published_date", "language", "document", "sha256"):
        assert drafted_source[column] == source[column]

    # The error example: a wrong figure is rejected and nothing is written.
    (repo / "claims.csv").write_text(
        (repo / EXAMPLE / "claims.csv").read_text().replace(",4500,", ",4600,")
    )
    result = invoke(
        f"MANPOWER_DOCUMENTS={EXAMPLE} manpower submit {EXAMPLE}/sources.csv "
        f"{EXAMPLE}/claimants.csv claims.csv"
    )
    assert result.exit_code == 1
    assert result.output == expected_error
    assert digest(repo / "data") == before

    dry, real, build_line, coverage, *rest = steps
    result = invoke(dry)
    assert result.exit_code == 0, result.output
    assert digest(repo / "data") == before
    result = invoke(real)
    assert result.exit_code == 0, result.output
    assert result.output == expected_submit
    assert build_line == "manpower build"
    build(repo)
    result = invoke(coverage)
    assert result.exit_code == 0, result.output
    assert result.output == expected_coverage
    assert rest == ["manpower validate", "manpower fmt --check"]
    for line in rest:
        result = invoke(line)
        assert result.exit_code == 0, result.output
    assert "example-news-2026-01-15-pows-02" in (repo / "data/derived/claims_flat.csv").read_text()
    # Submitting the same files again changes nothing.
    after = digest(repo / "data")
    assert invoke(real).exit_code == 0
    assert digest(repo / "data") == after

    # The repair section, on the merged example: a correction, then a withdrawal, each kept.
    shutil.copytree(repo / "data", tmp_path / "merged")
    correct, withdraw = next(b for b in blocks("sh") if "manpower repair" in b).splitlines()
    result = invoke(correct)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Withdrew example-news-2026-01-15-pows-02 (retraction example-news-2026-01-15-pows-r01), "
        "corrected by example-news-2026-01-15-pows-03."
    )
    assert invoke(coverage).exit_code == 0
    result = invoke(withdraw)
    assert result.exit_code == 0, result.output
    result = invoke(coverage)
    assert result.exit_code == 1
    assert "figure 'two' is neither in a claim nor in an exclusion" in result.output
    assert [r["retraction_id"] for r in rows(repo / "data" / "retractions.csv")] == [
        "example-news-2026-01-15-pows-r01",
        "example-news-2026-01-15-pows-r02",
    ]
    assert invoke("manpower validate").exit_code == 0
    shutil.rmtree(repo / "data")  # the rest of the test starts from the merged example again
    shutil.copytree(tmp_path / "merged", repo / "data")

    # Without its exclusion the duration "two years" is a figure nobody accounted for.
    exclusions = repo / "data" / "exclusions.csv"
    exclusions.write_text(
        "".join(
            line
            for line in exclusions.read_text(encoding="utf-8").splitlines(keepends=True)
            if "example-news" not in line
        ),
        encoding="utf-8",
    )
    result = invoke(coverage)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "example-news-2026-01-15.txt:7: [unaccounted] figure 'two' is neither in a claim nor in "
        "an exclusion: Her office has published the figures every month for two years."
    )
