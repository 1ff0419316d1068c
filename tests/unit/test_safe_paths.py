"""Resource paths stay inside the package folder: validate, load and download refuse the rest
before reading anything, and never show the outside file's content."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import digest, published
from manpower.cli import cli
from manpower.errors import ManpowerError
from parity.oracle import ENGINES, invoke_validate

SECRET = "AWS_SECRET_ACCESS_KEY=do-not-show-me"


def point_claims_at(folder: Path, path: str, key: str = "path") -> None:
    descriptor = json.loads((folder / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["name"] == "claims":
            resource[key] = path
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")


def outside_file(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "claims.csv"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(SECRET + "\n")
    return secret


# (path in datapackage.json, the one line the refusal prints)
REFUSED = {
    "dotdot": (
        "../outside/claims.csv",
        "Error: resource 'claims': path '../outside/claims.csv' leads outside the package "
        "folder ('..'); refused, nothing was read",
    ),
    "deep dotdot": (
        "../../../../tmp/x/claims.csv",
        "Error: resource 'claims': path '../../../../tmp/x/claims.csv' leads outside the package "
        "folder ('..'); refused, nothing was read",
    ),
    "inner dotdot": (
        "data/../../outside/claims.csv",
        "Error: resource 'claims': path 'data/../../outside/claims.csv' leads outside the "
        "package folder ('..'); refused, nothing was read",
    ),
    "absolute": (
        "/etc/passwd",
        "Error: resource 'claims': path '/etc/passwd' is absolute; it must be relative to the "
        "package folder; refused, nothing was read",
    ),
    "url": (
        "https://example.org/claims.csv",
        "Error: resource 'claims': path 'https://example.org/claims.csv' is a URL; a package "
        "file must be in the package folder; refused, nothing was read",
    ),
    "file url": (
        "file:///etc/passwd",
        "Error: resource 'claims': path 'file:///etc/passwd' is a URL; a package file must be "
        "in the package folder; refused, nothing was read",
    ),
    "not normalised": (
        "data/./claims.csv",
        "Error: resource 'claims': path 'data/./claims.csv' is not a normalised relative path "
        "(no '.' or empty parts); refused, nothing was read",
    ),
    "backslash": (
        "data\\..\\..\\outside\\claims.csv",
        "Error: resource 'claims': path 'data\\\\..\\\\..\\\\outside\\\\claims.csv' contains a "
        "backslash or NUL; refused, nothing was read",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
@pytest.mark.parametrize("engine", ENGINES)
def test_validate_refuses_paths_outside_the_folder(make_repo, tmp_path, case, engine):
    folder = published(make_repo)
    outside_file(tmp_path)
    path, line = REFUSED[case]
    point_claims_at(folder, path)
    before = digest(folder)
    result = invoke_validate([str(folder)], engine)
    assert result.exit_code == 1, result.output
    assert result.output == line + "\n"
    assert SECRET not in result.output and "root:" not in result.output
    assert digest(folder) == before


def test_validate_refuses_a_schema_path_outside_the_folder(make_repo, tmp_path):
    folder = published(make_repo)
    point_claims_at(folder, "/etc/passwd", key="schema")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: resource 'claims' schema: path '/etc/passwd' is absolute; it must be relative "
        "to the package folder; refused, nothing was read\n"
    )


def test_symlink_leaving_the_folder_is_refused(make_repo, tmp_path):
    from manpower.releasing.loader import load

    folder = published(make_repo)
    secret = outside_file(tmp_path)
    (folder / "data" / "claims.csv").unlink()
    (folder / "data" / "claims.csv").symlink_to(secret)
    line = (
        "resource 'claims': path 'data/claims.csv' leads outside the package folder "
        "(through a symbolic link); refused, nothing was read"
    )
    for engine in ENGINES:
        result = invoke_validate([str(folder)], engine)
        assert (result.exit_code, result.output) == (1, f"Error: {line}\n")
    with pytest.raises(ManpowerError) as refused:
        load(folder)
    assert str(refused.value) == line


def test_symlink_inside_the_folder_is_fine(make_repo):
    from manpower.validation.runner import validate

    folder = published(make_repo)
    real = folder / "data" / "claims-real.csv"
    (folder / "data" / "claims.csv").rename(real)
    (folder / "data" / "claims.csv").symlink_to(real)
    assert validate(folder).valid


@pytest.mark.parametrize("case", ["dotdot", "absolute", "url"])
def test_load_refuses_before_reading(make_repo, tmp_path, case):
    from manpower.releasing.loader import load

    folder = published(make_repo)
    outside_file(tmp_path)
    path, line = REFUSED[case]
    point_claims_at(folder, path)
    with pytest.raises(ManpowerError) as refused:
        load(folder)
    assert f"Error: {refused.value}" == line


# --- download: an archive whose datapackage.json points outside --------------------------------


def _evil_release(site: Path, name: str, path: str) -> None:
    """A copy of the good 0.1.0 archive whose datapackage.json names ``path`` for claims."""
    good = site / "good" / "manpower-0.1.0.zip"
    folder = site / name
    folder.mkdir()
    archive = folder / "manpower-0.1.0.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(archive, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/datapackage.json"):
                descriptor = json.loads(data)
                for resource in descriptor["resources"]:
                    if resource["name"] == "claims":
                        resource["path"] = path
                data = json.dumps(descriptor).encode()
            dst.writestr(info, data)
    entry = {
        "name": archive.name,
        "format": "csv",
        "bytes": archive.stat().st_size,
        "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
    }
    index = {
        "name": "manpower",
        "latest": "0.1.0",
        "releases": [{"version": "0.1.0", "date": "2026-01-15", "tag": "v0.1.0", "files": [entry]}],
    }
    (folder / "releases.json").write_text(json.dumps(index))


@pytest.fixture(scope="session")
def escaping_sites(site) -> None:
    _evil_release(site, "escape-dotdot", "../../../../tmp/x/claims.csv")
    _evil_release(site, "escape-absolute", "/etc/passwd")


@pytest.mark.parametrize("case", ["escape-dotdot", "escape-absolute"])
def test_download_refuses_an_archive_whose_paths_leave_it(
    escaping_sites, server, cache, tmp_path, case
):
    dest = tmp_path / "dest"
    dest.mkdir()
    result = CliRunner().invoke(
        cli, ["download", "--dest", str(dest), "--from", f"{server}/{case}/"]
    )
    assert result.exit_code == 1
    path = "/etc/passwd" if case == "escape-absolute" else "../../../../tmp/x/claims.csv"
    why = (
        "is absolute; it must be relative to the package folder"
        if case == "escape-absolute"
        else "leads outside the package folder ('..')"
    )
    assert result.output == (
        f"Error: resource 'claims': path {path!r} {why}; refused, nothing was read\n"
    )
    assert "root:" not in result.output
    assert list(dest.iterdir()) == []
