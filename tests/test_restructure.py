"""scripts/restructure.py (issue 13's one-shot migration): what it rewrites, that it is
idempotent, that it leaves unknown modules in place, and that the real tree still imports.

Delete this file together with the script once the tree is restructured.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SPEC = importlib.util.spec_from_file_location("restructure", ROOT / "scripts" / "restructure.py")
assert SPEC and SPEC.loader
restructure = importlib.util.module_from_spec(SPEC)
sys.modules["restructure"] = restructure  # dataclasses look their module up there
SPEC.loader.exec_module(restructure)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo, env=env, check=True, capture_output=True, text=True,
    ).stdout


def run(repo: Path, capsys) -> str:
    assert restructure.main(["--root", str(repo), "--no-ruff"]) == 0
    return capsys.readouterr().out


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small repository using the forms of reference the script must rewrite."""
    files = {
        "src/manpower/__init__.py": "def f():\n    from manpower.loader import load\n",
        "src/manpower/loader.py": "from .project import data_path\nfrom . import config\n",
        "src/manpower/project.py": "def data_path():\n    pass\n",
        "src/manpower/config.py": "",
        "src/manpower/report.py": (
            "from pathlib import Path\n\nfrom jinja2 import PackageLoader\n\n"
            'LOADER = PackageLoader("manpower", "templates")\n'
            'CSS = Path(__file__).parent / "templates" / "style.css"\n'
        ),
        "src/manpower/templates/style.css": "body {}\n",
        "src/manpower/brandnew.py": "from manpower.project import data_path\n",
        "src/manpower/cli.py": (
            "def show():\n    from manpower import report as view, config\n"
            "    from manpower import loader\n"
        ),
        "tests/test_x.py": (
            "import manpower.report\nfrom manpower import loader as ld\n\n\n"
            "def test(monkeypatch):\n"
            '    monkeypatch.setattr("manpower.loader.load", None)\n'
            '    mock.patch("manpower.report.CSS")\n'
            '    importlib.import_module("manpower.project")\n'
            '    ROOT / "src" / "manpower" / "loader.py"\n'
            '    "manpower.loaders"  # another name, not a module of the map\n'
            '    ".manpower.lock"\n'
            '\n\nCHILD = """\nimport sys\n\nfrom manpower import loader, config as c\n"""\n'
        ),
        "dvc.yaml": "deps:\n  - src/manpower/report.py\n  - src/manpower/templates\n",
        "pyproject.toml": (
            '[tool.setuptools.package-data]\nmanpower = ["templates/*", "other.txt"]\n\n'
            "[tool.ruff]\nline-length = 100\n"
        ),
        "README.md": "See `src/manpower/loader.py` and `manpower.project.data_path`.\n",
        ".github/workflows/ci.yml": "run: python -m manpower.report\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "flat")
    return tmp_path


@pytest.fixture
def small_map(monkeypatch):
    monkeypatch.setattr(restructure, "MODULES", {
        "manpower.project": "manpower.paths",
        "manpower.loader": "manpower.releasing.loader",
        "manpower.report": "manpower.publishing.datasheet",
        "manpower.absent": "manpower.releasing.absent",
    })
    monkeypatch.setattr(restructure, "FILES", {"templates": "publishing/templates"})
    monkeypatch.setattr(restructure, "KEEP", {"manpower", "manpower.cli", "manpower.config"})


def test_rewrites_every_form_of_reference(tree, small_map, capsys):
    out = run(tree, capsys)
    read = lambda name: (tree / name).read_text()  # noqa: E731
    assert not (tree / "src/manpower/loader.py").exists()
    assert read("src/manpower/releasing/loader.py") == (
        "from manpower.paths import data_path\nfrom manpower import config\n"
    )
    assert "from manpower.releasing.loader import load" in read("src/manpower/__init__.py")
    assert read("src/manpower/cli.py") == (
        "def show():\n"
        "    from manpower.publishing import datasheet as view\n"
        "    from manpower import config\n"
        "    from manpower.releasing import loader\n"
    )
    report = read("src/manpower/publishing/datasheet.py")
    assert 'PackageLoader("manpower.publishing", "templates")' in report
    assert (tree / "src/manpower/publishing/templates/style.css").is_file()
    test = read("tests/test_x.py")
    for expected in (
        "import manpower.publishing.datasheet\n",
        "from manpower.releasing import loader as ld\n",
        '"manpower.releasing.loader.load"',
        '"manpower.publishing.datasheet.CSS"',
        '"manpower.paths"',
        '"src" / "manpower" / "releasing" / "loader.py"',
        '"manpower.loaders"',
        '".manpower.lock"',
        # a child process's source in a string: the AST does not see an import there
        "\nfrom manpower.releasing import loader\nfrom manpower import config as c\n",
    ):
        assert expected in test
    assert read("dvc.yaml") == (
        "deps:\n  - src/manpower/publishing/datasheet.py\n  - src/manpower/publishing/templates\n"
    )
    assert read("pyproject.toml").startswith(
        '[tool.setuptools.package-data]\nmanpower = ["other.txt"]\n'
        '"manpower.publishing" = ["templates/*"]\n\n[tool.ruff]'
    )
    assert read("README.md") == (
        "See `src/manpower/releasing/loader.py` and `manpower.paths.data_path`.\n"
    )
    assert read("src/manpower/releasing/__init__.py").startswith('"""Releasing')
    # the unknown module stays where it is, is listed, and its imports are rewritten
    assert "NOT IN THE MAP, left in place" in out and "  manpower.brandnew" in out
    assert read("src/manpower/brandnew.py") == "from manpower.paths import data_path\n"
    assert "not in this tree (skipped): manpower.absent" in out
    assert "datasheet.py:6: uses __file__" in out
    # outside the folders it edits, it lists what still names an old module and edits nothing
    assert ".github/workflows/ci.yml: names an old module or path (not edited" in out
    assert read(".github/workflows/ci.yml") == "run: python -m manpower.report\n"


def test_second_run_changes_nothing(tree, small_map, capsys):
    run(tree, capsys)
    git(tree, "add", "-A")
    git(tree, "commit", "-qm", "restructured")
    out = run(tree, capsys)
    assert "nothing to do: the tree is already restructured" in out
    assert git(tree, "status", "--porcelain") == ""


def test_long_docstring_and_comment_lines_are_wrapped():
    source = (
        'def f():\n    """Check ``x`` against the rules of manpower.validation.columnar, '
        'the columnar engine here."""\n'
        "    # manpower.validation.columnar is the engine this comment names, long enough to wrap\n"
        "    return 1\n"
    )
    wrapped = restructure.wrap_long_lines(source, ["manpower.validation.columnar"], limit=80)
    assert wrapped == (
        'def f():\n    """Check ``x`` against the rules of manpower.validation.columnar, the\n'
        '    columnar engine here."""\n'
        "    # manpower.validation.columnar is the engine this comment names, long enough\n"
        "    # to wrap\n"
        "    return 1\n"
    )


def test_a_name_both_old_and_new_is_refused(tree, monkeypatch):
    monkeypatch.setattr(restructure, "MODULES", {"manpower.a": "manpower.b", "manpower.b": "x.b"})
    with pytest.raises(SystemExit, match="not idempotent"):
        restructure.main(["--root", str(tree)])


@pytest.mark.slow
def test_the_real_tree_restructures_and_imports(tmp_path, capsys):
    """The map applied to this repository: every module imports from its new place, nothing
    names an old module any more, and a second run has nothing to do."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file() and name.startswith(("src/", "tests/", "scripts/")):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    for name in restructure.ROOT_FILES:
        if (ROOT / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tmp_path / name)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "flat")
    out = run(tmp_path, capsys)
    assert "NOT IN THE MAP" not in out, out
    assert "still names an old module" not in out, out
    for old, new in restructure.MODULES.items():
        if (ROOT / restructure.module_path(old)).exists():
            assert (tmp_path / restructure.module_path(new)).is_file(), new
            assert not (tmp_path / restructure.module_path(old)).exists(), old
    modules = sorted(
        restructure.dotted_of(p.relative_to(tmp_path))
        for p in (tmp_path / "src" / "manpower").rglob("*.py")
        if p.name != "__main__.py"
    )
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", code, *modules], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "restructured")  # may be a no-op
    assert "nothing to do" in run(tmp_path, capsys)
    assert git(tmp_path, "status", "--porcelain") == ""
