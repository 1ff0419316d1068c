"""Under MANPOWER_NO_SKIP=1 (what .ci/run sets) a skipped test fails the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# each test runs pytest in a subprocess (about 10 s)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, no_skip: str | None) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_gate.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.skipif(True, reason='no browser')\n"
        "def test_marked():\n    pass\n\n"
        "def test_inline():\n    pytest.skip('no documents')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MANPOWER_NO_SKIP"}
    if no_skip is not None:
        env["MANPOWER_NO_SKIP"] = no_skip
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_skips_pass_outside_ci(tmp_path):
    result = _run(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "2 skipped" in result.stdout


def test_skips_fail_under_no_skip(tmp_path):
    result = _run(tmp_path, "1")
    assert result.returncode == 1, result.stdout
    assert "no browser" in result.stdout and "no documents" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]
