"""Time whole `manpower` commands on a copy of the repository: medians of several runs.

    python scripts/bench_commands.py [--runs 5] [--commands validate,show,compare,submit,build]

Each run is a fresh process (start-up and imports included), timed in wall seconds and in CPU
seconds (user + system of the process and its children, from ``getrusage``), on a copy of the
repository in a temporary folder so that ``submit`` and ``build`` change nothing here. ``submit``
adds one new claim (a fresh copy of data/ each run); ``build`` runs the pipeline once with
nothing changed; ``build-force`` re-runs every stage. The machine's load average is printed
too: on a shared machine the wall times are noisy, the CPU times less so.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANPOWER = str(Path(sys.executable).with_name("manpower"))
COMMANDS = {
    "validate": ["validate"],
    "show": ["show", "personnel_losses_cumulative"],
    "compare": ["compare"],
    "submit": ["submit", "{claims}"],
    "build": ["build"],
    "build-force": ["build", "--force"],
}


def _claim_file(folder: Path) -> Path:
    """One new claim citing the first source, in a claims.csv of its own."""
    with (ROOT / "data" / "claims.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        fields = reader.fieldnames or []
    row = dict(next(r for r in rows if not r.get("locator")))
    source = row["source_id"]
    taken = {r["claim_id"] for r in rows}
    n = 1
    while f"{source}-{n:02d}" in taken:
        n += 1
    row.update(claim_id=f"{source}-{n:02d}", category="bench", supersedes="")
    path = folder / "claims.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerow(row)
    return path


def _copy(dest: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", ".git", "tmp", "dist", ".dvc-storage", "__pycache__")
    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "bench"],
        cwd=dest,
        check=True,
    )
    return dest


def _run(args: list[str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([MANPOWER, *args], cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"manpower {' '.join(args)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--commands", default="validate,show,compare,submit,build")
    args = parser.parse_args()
    os.environ.setdefault("DVC_NO_ANALYTICS", "1")
    with tempfile.TemporaryDirectory(prefix="manpower-bench-") as tmp:
        repo = _copy(Path(tmp) / "repo")
        claims = _claim_file(Path(tmp))
        data = Path(tmp) / "data-orig"
        shutil.copytree(repo / "data", data)
        rows = sum(1 for _ in (repo / "data" / "claims.csv").open(encoding="utf-8")) - 1
        print(f"claims: {rows}; load average {os.getloadavg()[0]:.1f}; runs {args.runs}")
        for name in args.commands.split(","):
            command = [a.replace("{claims}", str(claims)) for a in COMMANDS[name]]
            walls, cpus = [], []
            for _ in range(args.runs):
                if name == "submit":
                    shutil.rmtree(repo / "data")
                    shutil.copytree(data, repo / "data")
                wall, cpu = _run(command, repo)
                walls.append(wall)
                cpus.append(cpu)
            print(
                f"{name:12} median {statistics.median(walls):6.2f} s wall, "
                f"{statistics.median(cpus):6.2f} s CPU (min {min(walls):.2f} s wall)"
            )


if __name__ == "__main__":
    main()
