"""Run the DVC pipeline (validate -> derive -> package -> report) and summarise what it built."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from manpower.errors import ManpowerError


@dataclass(frozen=True)
class BuildSummary:
    version: str
    valid: bool
    rows: dict[str, int]


def run_stage(main: Callable[[], int | None]) -> None:
    """Run a DVC stage script's ``main`` and exit with its code.

    A ManpowerError (bad data it cannot read, a mistyped limit) is said in one line, as the CLI
    says it, rather than as a traceback in the middle of the build's output.
    """
    try:
        code = main()
    except ManpowerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    sys.exit(code or 0)


def dvc_env() -> dict[str, str]:
    # Stage commands say `python`: make that the interpreter running manpower (the venv's).
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, "DVC_NO_ANALYTICS": "1"}


def _dvc(*args: str) -> list[str]:
    import importlib.util

    # DVC runs in a subprocess: without manpower[build] say so here, not in its traceback.
    if importlib.util.find_spec("dvc") is None:
        raise ModuleNotFoundError("No module named 'dvc'", name="dvc")
    return [sys.executable, "-m", "dvc", *args]


def run_pipeline(
    root: Path, echo: Callable[[str], None] = print, force: bool = False
) -> BuildSummary:
    """``dvc repro`` in ``root``, echoing its lines; raises ManpowerError when a stage fails."""
    args = _dvc("repro", *(["--force"] if force else []))
    proc = subprocess.Popen(
        args,
        cwd=root,
        env=dvc_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        echo(line.rstrip("\n"))
    if proc.wait() != 0:
        raise ManpowerError("the build failed (see the stage output above); nothing was published")
    return summarise(root)


def summarise(root: Path) -> BuildSummary:
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    report = json.loads((root / "reports" / "validation.json").read_text(encoding="utf-8"))
    rows = {r["name"]: r.get("rows", 0) for r in package["resources"]}
    return BuildSummary(version=package.get("version", ""), valid=report["valid"], rows=rows)


def pipeline_status(root: Path) -> list[str]:
    """Stages whose recorded inputs or outputs differ from dvc.lock (empty when up to date)."""
    proc = subprocess.run(
        _dvc("status", "--json"),
        cwd=root,
        env=dvc_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise ManpowerError(f"dvc status failed: {proc.stderr.strip() or proc.stdout.strip()}")
    text = proc.stdout.strip()
    start = text.find("{")
    return sorted(json.loads(text[start:]) if start >= 0 else {})
