"""``manpower.load`` checks every table against its descriptor's hash; the installed release."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import manpower
from conftest import ROOT
from manpower.errors import ManpowerError
from manpower.releasing import bundle


def copy_package(dest: Path) -> Path:
    """The curated package (descriptor, data, schemas) as a release folder holds it."""
    bundle.stage(ROOT, dest)
    return dest


def test_a_changed_csv_in_a_folder_is_refused_in_one_line(tmp_path):
    folder = copy_package(tmp_path / "pkg")
    assert len(manpower.load(folder)["claims"]) > 0
    path = folder / "data" / "claims.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("000", "001", 1), encoding="utf-8")
    with pytest.raises(ManpowerError) as exc:
        manpower.load(folder)
    message = str(exc.value)
    assert "\n" not in message
    assert "claims.csv: changed since its datapackage.json was written" in message
    assert "allow_changed_files=True" in message
    # with the flag that names the risk, the file is read as it now is
    changed = manpower.load(folder, allow_changed_files=True)["claims"]
    assert len(changed) == len(manpower.load(ROOT)["claims"])


def test_a_changed_derived_table_is_refused_too(tmp_path):
    folder = copy_package(tmp_path / "pkg")
    path = folder / "data" / "derived" / "claims_flat.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(ManpowerError, match=r"claims_flat\.csv: changed"):
        manpower.load(folder / "datapackage.json")


def test_a_missing_table_is_refused(tmp_path):
    folder = copy_package(tmp_path / "pkg")
    (folder / "data" / "metrics.csv").unlink()
    with pytest.raises(ManpowerError, match=r"metrics.csv: listed in datapackage.json but missing"):
        manpower.load(folder)


def test_a_bad_argument_is_one_line_not_a_traceback():
    with pytest.raises(ManpowerError, match="version must be"):
        manpower.load(42)  # type: ignore[arg-type]


def test_stage_refuses_a_package_whose_tables_are_not_its_descriptors(tmp_path):
    folder = copy_package(tmp_path / "pkg")
    (folder / "data" / "sources.csv").write_text("source_id\n", encoding="utf-8")
    with pytest.raises(ManpowerError, match=r"sources\.csv: changed"):
        bundle.stage(folder, tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists()


@pytest.fixture
def installed(tmp_path, monkeypatch) -> Path:
    """This install carries the curated package as its release (as a release's wheel does)."""
    folder = copy_package(tmp_path / "bundled")
    monkeypatch.setattr(bundle, "BUNDLE", folder)
    monkeypatch.delenv("MANPOWER_RELEASES_URL", raising=False)
    monkeypatch.setenv("MANPOWER_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return folder


def test_load_without_argument_reads_the_installed_release(installed):
    tables = manpower.load()
    assert set(tables) == {"sources", "claimants", "metrics", "claims", "exclusions", "claims_flat"}
    assert tables["claims"].equals(manpower.load(ROOT)["claims"])
    version = bundle.bundled_version()
    assert version and manpower.load(version)["claims"].equals(tables["claims"])


def test_the_installed_release_is_checked_too(installed):
    path = installed / "data" / "claims.csv"
    path.write_bytes(path.read_bytes().replace(b",", b";", 1))
    with pytest.raises(ManpowerError, match=r"claims\.csv: changed"):
        manpower.load()


def test_without_an_installed_release_load_means_latest(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle, "BUNDLE", tmp_path / "nothing")
    monkeypatch.delenv("MANPOWER_RELEASES_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(tmp_path / "nothing", ignore_errors=True)
    with pytest.raises(ManpowerError, match="no release source known"):
        manpower.load()


def run(*args: str):
    from click.testing import CliRunner

    from manpower.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_show_answers_from_the_installed_release_outside_a_clone(installed):
    result = run("show", "desertion", "--format", "json")
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)
    assert claims and {c["metric_id"] for c in claims} >= {"deserters_cumulative"}
    inside = output_in(ROOT, "show", "desertion", "--format", "json")
    assert json.loads(inside) == claims  # the working tree is the release here


def output_in(folder: Path, *args: str) -> str:
    import os

    before = Path.cwd()
    os.chdir(folder)
    try:
        result = run(*args)
    finally:
        os.chdir(before)
    assert result.exit_code == 0, result.output
    return result.output


def test_show_reads_a_version_or_a_folder(installed, tmp_path):
    version = bundle.bundled_version()
    by_version = run("show", "deserters_cumulative", "--version", str(version))
    by_folder = run("show", "deserters_cumulative", "--version", str(installed))
    assert by_version.exit_code == by_folder.exit_code == 0
    assert by_version.output == by_folder.output
    assert "deserters_cumulative" in by_version.output


def test_show_refuses_a_changed_release_in_one_line(installed):
    path = installed / "data" / "claims.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    result = run("show", "desertion")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "claims.csv: changed" in result.output


def test_show_outside_a_clone_without_a_release_says_what_to_give(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle, "BUNDLE", tmp_path / "nothing")
    monkeypatch.chdir(tmp_path)
    result = run("show", "desertion")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "--version VERSION|FOLDER" in result.output


def test_downloading_another_version_says_it_needs_a_host(installed):
    result = run("download", "9.9.9")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "no release source known" in result.output
    assert f"this install carries release {bundle.bundled_version()}" in result.output


@pytest.mark.parametrize("where", ["data", "data/sub", "schemas"])
def test_a_download_never_lands_in_a_curated_folder(where, monkeypatch):
    monkeypatch.chdir(ROOT)
    before = sorted(p.name for p in (ROOT / "data").iterdir())
    result = run("download", "0.1.0", "--dest", where)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "inside the curated folder" in result.output
    assert sorted(p.name for p in (ROOT / "data").iterdir()) == before
    assert not (ROOT / "data" / "sub").exists()


def test_a_bare_download_inside_data_is_refused_too(monkeypatch):
    monkeypatch.chdir(ROOT / "data")
    result = run("download", "0.1.0")
    assert result.exit_code == 2 and "curated folder data/" in result.output
