"""The wheel carries its release: installed alone into an empty venv, with no clone and no
release host, ``manpower.load()`` and ``manpower show`` answer from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

# Local wheel folders (os.pathsep-separated) pip installs the dependencies from, with no index
# and no network, e.g. MANPOWER_TEST_WHEELS=/opt/pypi/files (about 3 minutes here). Unset, the
# dependencies come from this interpreter's site-packages and only the wheel is installed
# (seconds): manpower itself is still the wheel's, in an empty folder with no host.
WHEELHOUSES = os.environ.get("MANPOWER_TEST_WHEELS", "")
PACKAGE = ("pyproject.toml", "README.md", "LICENSE", "LICENSE-DATA", "datapackage.json")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built as ``manpower release`` builds it, from a copy of the project."""
    from manpower.releasing.release import build_wheel

    # a folder name pip would read as a requirement with extras, and polars as a glob (issue 22,
    # item 5: a release from such a clone failed at the wheel)
    copy = tmp_path_factory.mktemp("project") / "rel*?[1]"
    copy.mkdir()
    for name in PACKAGE:
        shutil.copy2(ROOT / name, copy / name)
    for folder in ("src", "data", "schemas"):
        shutil.copytree(
            ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
        )
    out = tmp_path_factory.mktemp("dist")
    built = build_wheel(copy, out)
    assert built is not None
    assert not (copy / "src" / "manpower" / "bundled").exists()  # built from a copy
    return built


@pytest.mark.slow
def test_the_wheel_holds_the_release_and_its_hashes(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    bundled = {n.removeprefix("manpower/bundled/") for n in names if "/bundled/" in n}
    assert {"datapackage.json", "data/claims.csv", "data/derived/claims_flat.csv"} <= bundled
    assert "schemas/claims.schema.json" in bundled


@pytest.mark.slow
def test_installed_alone_it_loads_and_shows_its_release(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    houses = [h for h in WHEELHOUSES.split(os.pathsep) if h and Path(h).is_dir()]
    venv.create(env_dir, with_pip=bool(houses))
    python = env_dir / "bin" / "python"
    if houses:
        # the light core as a user gets it: the wheel and its dependencies, nothing else
        links = [arg for h in houses for arg in ("--find-links", h)]
        cmd = [str(python), "-m", "pip", "install", "-q", "--no-index", *links, str(wheel)]
    else:
        # no local wheels: the dependencies come from this interpreter's site-packages
        purelib = sysconfig.get_paths(vars={"base": str(env_dir), "platbase": str(env_dir)})
        site = Path(purelib["purelib"])
        site.mkdir(parents=True, exist_ok=True)
        (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        cmd = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
               "--no-deps", "--no-index", str(wheel)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "MANPOWER_CACHE": str(tmp_path / "cache"),
        "MANPOWER_RELEASES_URL": "http://127.0.0.1:9/no-host/",  # any fetch would fail
    }
    code = "import manpower; print(manpower.__file__); print(len(manpower.load()['claims']))"
    loaded = subprocess.run(
        [str(python), "-c", code], cwd=empty, env=env, capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stderr
    where, count = loaded.stdout.split()
    assert Path(where).is_relative_to(env_dir)  # the installed wheel, not this clone
    claims = (ROOT / "data" / "claims.csv").read_text(encoding="utf-8").strip().splitlines()
    assert int(count) == len(claims) - 1
    shown = subprocess.run(
        [str(env_dir / "bin" / "manpower"), "show", "desertion"],
        cwd=empty, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("topic desertion: ")
    other = subprocess.run(
        [str(env_dir / "bin" / "manpower"), "download", "9.9.9"],
        cwd=empty, env={**env, "MANPOWER_TIMEOUT": "2"}, capture_output=True, text=True,
    )  # fmt: skip
    assert other.returncode == 1 and other.stderr.count("\n") == 1, other.stderr
    assert not any(empty.iterdir())
