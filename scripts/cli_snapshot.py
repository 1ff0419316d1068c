"""Record what the CLI prints, so a refactoring can prove it changed nothing.

    .venv/bin/python scripts/cli_snapshot.py /tmp/before        # on the old commit
    .venv/bin/python scripts/cli_snapshot.py /tmp/after         # on the new one
    diff -r /tmp/before /tmp/after

For the repository's own package and for every case of the parity corpus (its tables and schemas
laid over a copy of the real ``data/`` and ``schemas/``, as ``tests/data/test_parity.py`` lays
them over small tables), it runs ``manpower validate`` in every ``--format``, and on the
real package ``manpower show`` in every format and ``manpower --help``. Each run's stdout,
stderr and exit code go into one file named after the case and the command. Nothing here is a
test: the comparison is the ``diff -r``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANPOWER = str(Path(sys.executable).parent / "manpower")
FORMATS = ("text", "json", "github")


def run(args: list[str], cwd: Path) -> str:
    env = {**os.environ, "DVC_NO_ANALYTICS": "1", "NO_COLOR": "1", "COLUMNS": "100"}
    done = subprocess.run(
        [MANPOWER, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    # temporary folders differ between runs: name them by what they are
    out = f"exit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    return out.replace(str(cwd), "<package>")


def overlay(case: Path, work: Path) -> Path:
    """A package folder: the real schemas and data with the case's files laid over them."""
    package = work / case.name
    shutil.copytree(ROOT / "schemas", package / "schemas")
    shutil.copytree(ROOT / "data", package / "data", ignore=shutil.ignore_patterns("derived"))
    for path in case.iterdir():
        folder = "schemas" if path.name.endswith(".schema.json") else "data"
        shutil.copy(path, package / folder / path.name)
    return package


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the outputs into (created)")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    (out / "help.txt").write_text(run(["--help"], ROOT))
    for fmt in FORMATS:
        text = run(["validate", "--format", fmt], ROOT)
        (out / f"real.validate.{fmt}.txt").write_text(text)
    for fmt in ("table", "json", "csv"):
        (out / f"real.show.{fmt}.txt").write_text(run(["show", "--format", fmt], ROOT))

    with tempfile.TemporaryDirectory() as tmp:
        for case in sorted(p for p in (ROOT / "tests" / "parity").iterdir() if p.is_dir()):
            package = overlay(case, Path(tmp))
            for fmt in FORMATS:
                # a case may bring its own schemas (on purpose, as in tests/data/test_parity.py)
                text = run(["validate", "--own-schemas", ".", "--format", fmt], package)
                (out / f"parity.{case.name}.{fmt}.txt").write_text(text)
    print(f"wrote {len(list(out.iterdir()))} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
