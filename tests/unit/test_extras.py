"""The light core: load, download and show work without the validate and build extras, and a
command that needs a missing extra says which one to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from manpower.extras import EXTRAS

RUNNER = """
import sys
for module in {blocked!r}:
    sys.modules[module] = None  # as if not installed: importing it raises ModuleNotFoundError
if sys.argv[1] == "load":
    import manpower
    print(sorted(manpower.load(sys.argv[2])["claims"]["claim_id"]))
else:
    from manpower.cli import main
    sys.argv = ["manpower", *sys.argv[1:]]
    main()
"""


def without(extras: tuple[str, ...], *args: str, cwd: Path, env: dict[str, str] | None = None):
    blocked = [m for extra in extras for m in EXTRAS[extra]]
    code = RUNNER.format(blocked=blocked)
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize(
    ("args", "extra", "module"),
    [
        (["validate"], "validate", "polars"),
        (["build"], "build", "dvc"),
        (["report"], "build", "jinja2"),
    ],
)
def test_missing_extra_is_one_line(args, extra, module, released):
    result = without((extra,), *args, cwd=released["repo"])
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: manpower {args[0]} needs the {extra} extra: pip install 'manpower[{extra}]' "
        f"(module {module} is not installed)\n"
    )


def test_core_downloads_loads_and_shows(released, server, tmp_path, monkeypatch):
    import os

    env = {**os.environ, "MANPOWER_CACHE": str(tmp_path / "cache")}
    env["MANPOWER_RELEASES_URL"] = f"{server}/good/"
    core = ("validate", "build")
    got = without(core, "download", "0.2.0", "--dest", str(tmp_path / "d"), cwd=tmp_path, env=env)
    assert got.returncode == 0, got.stderr
    assert got.stdout == f"manpower 0.2.0 (csv): {tmp_path / 'd' / 'manpower-0.2.0'}\n"
    loaded = without(core, "load", "0.2.0", cwd=tmp_path, env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout == "['paper-2025-01-03-01', 'paper-2025-01-03-02']\n"
    shown = without(core, "show", "--format", "csv", cwd=released["repo"], env=env)
    assert shown.returncode == 0, shown.stderr
    assert "convicts_recruited_cumulative" in shown.stdout
    # a tampered file is still refused without the validators: the sha256 is checked
    tampered = tmp_path / "site"
    import shutil

    shutil.copytree(released["repo"] / "dist", tampered)
    data = bytearray((tampered / "manpower-0.1.0.zip").read_bytes())  # same size, other bytes
    data[len(data) // 2] ^= 0xFF
    (tampered / "manpower-0.1.0.zip").write_bytes(bytes(data))
    bad = without(
        core,
        "download",
        "0.1.0",
        "--dest",
        str(tmp_path / "e"),
        "--from",
        str(tampered),
        cwd=tmp_path,
        env=env,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("Error: manpower-0.1.0.zip: refused, its sha256 does not match")
    assert not (tmp_path / "e").exists()
