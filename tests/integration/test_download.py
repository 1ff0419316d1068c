"""Downloads and ``manpower.load`` against a test HTTP server on 127.0.0.1, all offline."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import socket
import stat
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import git
from manpower.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sums(dist: Path) -> dict[str, str]:
    return dict(
        reversed(line.split("  ")) for line in (dist / "SHA256SUMS").read_text().splitlines()
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("version", ["0.1.0", "0.2.0"])
def test_download_csv_matches_sha256sums_and_tag(released, site, server, cache, tmp_path, version):
    dest = tmp_path / "dest"
    result = run("download", version, "--dest", str(dest), "--from", f"{server}/good/")
    assert result.exit_code == 0, result.output
    assert result.output == f"manpower {version} (csv): {dest / f'manpower-{version}'}\n"
    expected = sums(site / "good")
    name = f"manpower-{version}.zip"
    assert sha(cache / "downloads" / name) == expected[name]
    folder = dest / f"manpower-{version}"
    for path in ("data/claims.csv", "data/sources.csv", "datapackage.json"):
        at_tag = git(released["repo"], "show", f"v{version}:{path}").encode()
        assert (folder / path).read_bytes() == at_tag
    assert sorted(p.name for p in dest.iterdir()) == [f"manpower-{version}"]


@pytest.mark.parametrize("fmt", ["parquet", "sqlite"])
def test_download_exports_match_sha256sums(site, server, cache, tmp_path, fmt):
    dest = tmp_path / "dest"
    result = run(
        "download", "latest", "--dest", str(dest), "--from", server + "/good", "--format", fmt
    )
    assert result.exit_code == 0, result.output
    target = dest / ("manpower-0.2.0.sqlite" if fmt == "sqlite" else "manpower-0.2.0-parquet")
    assert result.output == f"manpower 0.2.0 ({fmt}): {target}\n"
    # the database comes with its Datasette metadata beside it
    datasette = dest / "manpower-0.2.0-datasette.json"
    files = [target, datasette] if fmt == "sqlite" else sorted(target.iterdir())
    assert sorted(dest.iterdir()) == sorted([target, datasette] if fmt == "sqlite" else [target])
    assert len(files) == (2 if fmt == "sqlite" else 6)
    expected = sums(site / "good")
    assert {f.name: sha(f) for f in files} == {f.name: expected[f.name] for f in files}


def test_download_reads_url_from_environment(server, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("MANPOWER_RELEASES_URL", f"{server}/good/releases.json")
    result = run("download", "0.1.0", "--dest", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "manpower-0.1.0" / "datapackage.json").is_file()


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """The current folder is outside any clone, and the installed package knows no host."""
    from manpower.releasing import origin

    folder = tmp_path / "elsewhere"
    folder.mkdir()
    published = tmp_path / "published.json"
    published.write_text('{"releases_url": null}\n')
    monkeypatch.setattr(origin, "PUBLISHED", published)
    monkeypatch.chdir(folder)
    return folder


def test_download_without_any_source_is_usage_error(cache, elsewhere):
    result = run("download", "--dest", str(elsewhere))
    assert result.exit_code == 2
    assert result.output == (
        "Error: no release source known: no release record here (releases.json, inside a "
        "clone) and no published location (releases_url in schemas/package.json); pass --from "
        "URL|FOLDER or set MANPOWER_RELEASES_URL\n"
    )
    assert list(elsewhere.iterdir()) == []


def test_installed_package_reads_its_published_location(server, cache, elsewhere, tmp_path):
    from manpower.releasing import origin

    origin.PUBLISHED.write_text(json.dumps({"releases_url": f"{server}/good/releases.json"}))
    result = run("download", "0.1.0", "--dest", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert result.output == f"manpower 0.1.0 (csv): {tmp_path / 'd' / 'manpower-0.1.0'}\n"


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_download_in_a_clone_needs_no_flag(released, site, cache, tmp_path, monkeypatch, fmt):
    """Inside a clone the files are rebuilt from the recorded commit, offline, and must give
    exactly the recorded sha256."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(released["repo"]), str(clone)], check=True)
    monkeypatch.chdir(clone)
    dest = tmp_path / "dest"
    result = run("download", "0.1.0", "--dest", str(dest), "--format", fmt)
    assert result.exit_code == 0, result.output
    record = json.loads((clone / "releases.json").read_text())
    files = next(r["files"] for r in record["releases"] if r["version"] == "0.1.0")
    wanted = {f["name"]: f["sha256"] for f in files if f["format"] == fmt}
    assert {n: sha(cache / "downloads" / n) for n in wanted} == wanted
    assert wanted == {n: sums(site / "good")[n] for n in wanted}
    target = {"csv": "manpower-0.1.0", "parquet": "manpower-0.1.0-parquet"}.get(
        fmt, "manpower-0.1.0.sqlite"
    )
    assert result.output == f"manpower 0.1.0 ({fmt}): {dest / target}\n"


def test_shallow_clone_offline_falls_back_to_the_published_location(
    released, server, cache, tmp_path, monkeypatch
):
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{released['repo']}", str(clone)],
        check=True,
    )
    git(clone, "remote", "remove", "origin")
    meta = clone / "schemas" / "package.json"
    meta.write_text(
        meta.read_text().replace('"releases_url": null', f'"releases_url": "{server}/good/"')
    )
    monkeypatch.chdir(clone)
    commit = git(released["repo"], "rev-parse", "v0.1.0^{commit}").strip()
    result = run("download", "0.1.0", "--dest", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Note: commit {commit[:12]} is not in this clone and cannot be fetched from origin "
        f"(shallow clone offline?): downloaded from {server}/good/ instead\n"
    )
    assert (tmp_path / "d" / "manpower-0.1.0" / "datapackage.json").is_file()


def test_download_from_a_local_folder(site, cache, elsewhere, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(site / "good", mirror)
    result = run("download", "0.2.0", "--dest", str(tmp_path / "d"), "--from", str(mirror))
    assert result.exit_code == 0, result.output
    assert sha(cache / "downloads" / "manpower-0.2.0.zip") == sums(mirror)["manpower-0.2.0.zip"]
    # a changed copy in the mirror is refused like a tampered download, and not kept
    # (same size: a copy of another size is refused before it is read, by its byte count)
    copy = bytearray((mirror / "manpower-0.1.0.zip").read_bytes())
    copy[len(copy) // 2] ^= 0xFF
    (mirror / "manpower-0.1.0.zip").write_bytes(bytes(copy))
    before = sorted(p.name for p in (tmp_path / "d").iterdir())
    result = run("download", "0.1.0", "--dest", str(tmp_path / "d"), "--from", str(mirror))
    assert result.exit_code == 1
    assert result.output == (
        "Error: manpower-0.1.0.zip: refused, its sha256 does not match the release index "
        f"(expected {sums(site / 'good')['manpower-0.1.0.zip']}): changed or damaged copy, "
        "not kept\n"
    )
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == before
    assert not (cache / "downloads" / "manpower-0.1.0.zip").exists()


def test_download_fills_the_cache_load_reads(server, cache, elsewhere, tmp_path):
    import manpower

    result = run("download", "0.1.0", "--dest", str(tmp_path / "d"), "--from", f"{server}/good")
    assert result.exit_code == 0, result.output
    # no flag, no environment, no clone, no host: only the cache can answer
    tables = manpower.load("0.1.0")
    assert list(tables["claims"]["claim_id"]) == ["paper-2025-01-03-01"]


def test_load_returns_the_rows_of_each_tag(released, server, cache, tmp_path):
    import pandas as pd

    import manpower

    frames = {v: manpower.load(v, source=f"{server}/good/") for v in ("0.1.0", "0.2.0")}
    for version, tables in frames.items():
        archive = git_archive(released["repo"], f"v{version}", tmp_path / version)
        at_tag = manpower.load(archive)
        assert list(tables) == [
            "sources",
            "claimants",
            "metrics",
            "claims",
            "exclusions",
            "claims_flat",
        ]
        for name, frame in tables.items():
            pd.testing.assert_frame_equal(frame, at_tag[name])
            raw = pd.read_csv(
                archive / "data" / "derived" / "claims_flat.csv"
                if name == "claims_flat"
                else archive / "data" / f"{name}.csv",
                dtype=str,
            )
            assert len(frame) == len(raw)
    assert list(frames["0.1.0"]["claims"]["claim_id"]) == ["paper-2025-01-03-01"]
    assert list(frames["0.2.0"]["claims"]["claim_id"]) == [
        "paper-2025-01-03-01",
        "paper-2025-01-03-02",
    ]
    claims = frames["0.2.0"]["claims"]
    assert str(claims["period_end"].dtype).startswith("datetime64")
    assert claims["period_end"].iloc[1] == pd.Timestamp("2024-12-31")
    assert claims["value"].dtype == "float64" and claims["value"].iloc[1] == 5.0
    assert claims["value"].isna().iloc[0]
    # a version downloaded before is read from the cache: no server needed (a source given
    # is asked, so none is given)
    again = manpower.load("0.1.0")
    pd.testing.assert_frame_equal(again["claims"], frames["0.1.0"]["claims"])


def git_archive(repo: Path, rev: str, dest: Path) -> Path:
    dest.mkdir(parents=True)
    data = subprocess.run(
        ["git", "archive", "--format=tar", rev], cwd=repo, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def test_import_manpower_is_light_and_load_is_lazy():
    code = (
        "import sys, manpower\n"
        "heavy = [m for m in ('pandas', 'polars', 'pooch', 'frictionless') if m in sys.modules]\n"
        "print('HEAVY', heavy, callable(manpower.load), manpower.load.__module__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "HEAVY [] True manpower.releasing.loader\n"


# --- refusals: each leaves DEST as it was -------------------------------------------------------


def _evil_site(site: Path, name: str, members: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
    folder = site / name
    folder.mkdir()
    archive = folder / "manpower-0.1.0.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for info, data in members:
            zf.writestr(info, data)
    entry = {
        "name": archive.name,
        "format": "csv",
        "bytes": archive.stat().st_size,
        "sha256": sha(archive),
    }
    index = {
        "name": "manpower",
        "latest": "0.1.0",
        "releases": [{"version": "0.1.0", "date": "2026-01-15", "tag": "v0.1.0", "files": [entry]}],
    }
    (folder / "releases.json").write_text(json.dumps(index))


@pytest.fixture(scope="session")
def bad_sites(site) -> None:
    good = site / "good"
    for name in ("tampered", "truncated", "missing", "silent"):
        shutil.copytree(good, site / name)
    tampered = site / "tampered" / "manpower-0.2.0.zip"
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    (site / "missing" / "manpower-0.2.0.zip").unlink()
    dotdot = zipfile.ZipInfo("manpower-0.1.0/../../escaped.txt")
    _evil_site(
        site,
        "dotdot",
        [(zipfile.ZipInfo("manpower-0.1.0/datapackage.json"), b"{}"), (dotdot, b"x")],
    )
    link = zipfile.ZipInfo("manpower-0.1.0/data/claims.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    _evil_site(site, "symlink", [(link, b"/etc/passwd")])
    (site / "malformed").mkdir()
    (site / "malformed" / "releases.json").write_text('{"releases": [{"version": "one"}]}')


REFUSALS = {
    "tampered": "Error: manpower-0.2.0.zip: refused, its sha256 does not match the release "
    "index (expected {sha}): truncated or tampered download, not kept\n",
    "truncated": "Error: {server}/truncated/manpower-0.2.0.zip: the download broke off before "
    "the end (truncated)\n",
    "missing": "Error: {server}/missing/manpower-0.2.0.zip: HTTP 404 File not found\n",
    "silent": "Error: {server}/silent/manpower-0.2.0.zip: no answer within 1 s (timeout)\n",
    "dotdot": "Error: manpower-0.1.0.zip: refused, member 'manpower-0.1.0/../../escaped.txt' "
    "has a '..' path component; nothing extracted\n",
    "symlink": "Error: manpower-0.1.0.zip: refused, member 'manpower-0.1.0/data/claims.csv' "
    "is a symbolic link; nothing extracted\n",
    "malformed": "Error: {server}/malformed/releases.json: malformed release index: version "
    "'one' is not MAJOR.MINOR.PATCH\n",
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_download_refusals_leave_dest_empty(
    bad_sites, site, server, cache, tmp_path, monkeypatch, case
):
    monkeypatch.setenv("MANPOWER_TIMEOUT", "1")
    dest = tmp_path / "dest"
    dest.mkdir()
    result = run("download", "--dest", str(dest), "--from", f"{server}/{case}/")
    assert result.exit_code == 1
    expected = sums(site / "good")["manpower-0.2.0.zip"]
    assert result.output == REFUSALS[case].format(server=server, sha=expected)
    assert list(dest.iterdir()) == []
    assert not (tmp_path / "escaped.txt").exists()
    leftovers = (
        [p.name for p in (cache / "downloads").glob("*")] if (cache / "downloads").exists() else []
    )
    assert leftovers in ([], ["manpower-0.1.0.zip"])  # only a file whose hash matched stays cached


def test_refused_download_does_not_create_dest(bad_sites, server, cache, tmp_path):
    dest = tmp_path / "new" / "dest"
    result = run("download", "--dest", str(dest), "--from", f"{server}/symlink/")
    assert result.exit_code == 1
    assert not dest.exists()


def test_unknown_version(server, cache, tmp_path):
    result = run("download", "9.9.9", "--dest", str(tmp_path), "--from", f"{server}/good/")
    assert result.exit_code == 1
    assert result.output == "Error: unknown version '9.9.9'; released versions: 0.2.0, 0.1.0\n"


def test_server_that_never_answers_times_out(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("MANPOWER_TIMEOUT", "1")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # connections queue in the kernel; nobody ever answers them
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        started = time.monotonic()
        result = run("download", "--dest", str(tmp_path / "d"), "--from", url)
        elapsed = time.monotonic() - started
    finally:
        listener.close()
    assert result.exit_code == 1
    assert result.output == f"Error: {url}/releases.json: no answer within 1 s (timeout)\n"
    assert elapsed < 20  # bounded: the download gives up instead of hanging
    assert not (tmp_path / "d").exists()
