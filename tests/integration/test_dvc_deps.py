"""The pipeline cannot go stale silently: touching any module a stage really imports (or the
stage's script) makes ``dvc status`` report that stage changed.

The modules come from the real import graph: each stage's script is run in a built copy of the
project and reports ``sys.modules`` as it exits, so the imports inside functions count too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, project_copy

pytestmark = pytest.mark.slow

# Runs a stage script as `python SCRIPT` would, then writes the manpower modules it loaded.
RECORD_IMPORTS = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(
    sorted(n for n in sys.modules if n == "manpower" or n.startswith("manpower.")))))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def stage_scripts() -> dict[str, str]:
    """Each stage of dvc.yaml -> the script its command runs (``python scripts/x.py``)."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    scripts = {}
    for name, stage in stages.items():
        words = stage["cmd"].split()
        assert words[0] == "python" and len(words) == 2, f"{name}: unexpected cmd {stage['cmd']}"
        scripts[name] = words[1]
    return scripts


def module_file(root: Path, name: str) -> Path:
    base = root / "src" / Path(*name.split("."))
    return base / "__init__.py" if (base / "__init__.py").is_file() else base.with_suffix(".py")


def changed_stages(root: Path) -> set[str]:
    """The stages ``dvc status`` reports as changed, in-process (a new Repo each time, so no
    state is kept between calls; about ten times faster than spawning ``dvc status``)."""
    from dvc.repo import Repo

    with Repo(str(root)) as repo:
        status = repo.status()
    return {name.rpartition(":")[2] for name in status}


@pytest.fixture(scope="module")
def built(tmp_path_factory, git_env) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DVC_NO_ANALYTICS", "1")
        yield project_copy(tmp_path_factory.mktemp("pipeline"))


@pytest.fixture(scope="module")
def imported(built) -> dict[str, set[str]]:
    """Each stage -> the manpower modules its script loads when it runs in ``built``."""
    env = {**os.environ, "PYTHONPATH": str(built / "src"), "DVC_NO_ANALYTICS": "1"}
    found = {}
    for stage, script in stage_scripts().items():
        out = built / "tmp" / f"{stage}.json"
        out.parent.mkdir(exist_ok=True)
        subprocess.run(
            [sys.executable, "-c", RECORD_IMPORTS, str(out), script],
            cwd=built,
            env=env,
            check=True,
            capture_output=True,
        )
        found[stage] = set(json.loads(out.read_text()))
    return found


def test_stages_import_the_library_as_expected(imported):
    """The recording works: each stage loads the modules that do its work, lazy ones included."""
    assert {
        "manpower.validation.runner",
        "manpower.validation.columnar",
        "manpower.validation.rules",
    } <= imported["validate"]
    assert "manpower.flat_table" in imported["derive"]
    assert "manpower.descriptor" in imported["package"]
    assert {
        "manpower.views.datasheet",
        "manpower.views.charts",
    } <= imported["report"]


def test_touching_any_imported_module_makes_its_stages_stale(built, imported):
    assert changed_stages(built) == set(), "the built copy must start up to date"
    users: dict[str, set[str]] = {}
    for stage, modules in imported.items():
        for module in modules:
            users.setdefault(module, set()).add(stage)
    missed = {}
    for module, stages in sorted(users.items()):
        path = module_file(built, module)
        original = path.read_bytes()
        try:
            path.write_bytes(original + b"\n# touched\n")
            stale = changed_stages(built)
        finally:
            path.write_bytes(original)
        if not stages <= stale:
            missed[module] = sorted(stages - stale)
    assert not missed, f"editing these modules leaves stages up to date: {missed}"
    assert changed_stages(built) == set()


def test_touching_a_stage_script_makes_that_stage_stale(built):
    for stage, script in stage_scripts().items():
        path = built / script
        original = path.read_bytes()
        try:
            path.write_bytes(original + b"\n# touched\n")
            assert stage in changed_stages(built), script
        finally:
            path.write_bytes(original)


def test_bytecode_caches_do_not_make_the_pipeline_stale(built):
    cache = built / "src" / "manpower" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "stray.cpython-311.pyc").write_bytes(b"not a source")
    assert changed_stages(built) == set()
