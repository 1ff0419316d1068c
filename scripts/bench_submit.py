"""Benchmark `manpower submit --dry-run`: how its time grows with the rows submitted and with
the rows already in data/.

    .venv/bin/python scripts/bench_submit.py                     # the full table (minutes)
    .venv/bin/python scripts/bench_submit.py --new 1000,4000 --existing 10000 --runs 1

Two series, each point a whole `manpower submit --dry-run` process (median wall time of
``--runs`` runs, and its peak memory):

- new rows: N claims, with their sources and claimants, submitted onto a repository whose
  tables are empty (the metrics vocabulary excepted), for N in ``--new``;
- existing rows: 1,000 new claims submitted onto a repository that already holds E claims
  (with proportionate sources and claimants), for E in ``--existing``.

The packages are made by scripts/bench_validate.py's generator (real schemas, realistic text),
with line breaks in cells replaced by spaces because curated tables keep one row per line.
Every run must accept the submission (exit 0). Nothing here is a test: the targets (32k new rows
under 5 s, 1k onto 100k under 3 s, both growing linearly) are read off the table, and the
microseconds per row show whether the growth is linear.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_validate import BIN, generate

TABLES = ("sources", "claimants", "metrics", "claims")


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [[cell.replace("\n", " ") for cell in row] for row in csv.reader(handle)]


def _write(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def new_rows(folder: Path, claims: int) -> tuple[Path, list[Path]]:
    """A repository with empty tables, and update files of ``claims`` claims with their
    sources and claimants."""
    package = folder / "package"
    generate(package, claims)
    repo, update = folder / "repo", folder / "update"
    shutil.copytree(package / "schemas", repo / "schemas")
    files = []
    for table in TABLES:
        rows = _read(package / "data" / f"{table}.csv")
        keep = rows if table == "metrics" else rows[:1]
        _write(repo / "data" / f"{table}.csv", keep)
        if table != "metrics":
            _write(update / f"{table}.csv", rows)
            files.append(update / f"{table}.csv")
    return repo, files


def onto_existing(folder: Path, existing: int, new: int = 1000) -> tuple[Path, list[Path]]:
    """A repository holding ``existing`` claims, and an update of ``new`` more claims (their
    sources and claimants are in the repository already)."""
    package = folder / "package"
    generate(package, existing + new)
    repo, update = folder / "repo", folder / "update"
    shutil.copytree(package / "schemas", repo / "schemas")
    for table in TABLES:
        rows = _read(package / "data" / f"{table}.csv")
        if table == "claims":
            _write(repo / "data" / "claims.csv", rows[: existing + 1])
            _write(update / "claims.csv", [rows[0], *rows[existing + 1 :]])
        else:
            _write(repo / "data" / f"{table}.csv", rows)
    return repo, [update / "claims.csv"]


def measure(repo: Path, files: list[Path], runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds (user + system, all threads) and peak MB of the process.

    CPU time is reported beside wall time because it hardly depends on what else the machine
    is running."""
    cmd = [str(BIN / "manpower"), "submit", *map(str, files), "--dry-run", "--format", "json"]
    wall, cpu, rss = [], [], []
    for _ in range(runs):
        with contextlib.chdir(repo), tempfile.TemporaryFile("w+") as out:
            began = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            wall.append(time.perf_counter() - began)
            out.seek(0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"submit rejected the generated rows:\n{out.read()[:2000]}")
        cpu.append(usage.ru_utime + usage.ru_stime)
        rss.append(usage.ru_maxrss)
    return statistics.median(wall), statistics.median(cpu), max(rss) // 1024


def _sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--new", default="1000,2000,4000,8000,16000,32000", type=_sizes)
    parser.add_argument("--existing", default="10000,25000,50000,100000", type=_sizes)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| series | claims submitted | claims in data/ | wall s | CPU s | CPU µs/row | peak MB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in args.new:
        with tempfile.TemporaryDirectory(prefix="bench-submit-") as tmp:
            repo, files = new_rows(Path(tmp), n)
            wall, cpu, mb = measure(repo, files, args.runs)
        line = f"| new rows | {n:,} | 0 | {wall:.2f} | {cpu:.2f} | {cpu / n * 1e6:.0f} | {mb} |"
        print(line, flush=True)
    for e in args.existing:
        with tempfile.TemporaryDirectory(prefix="bench-submit-") as tmp:
            repo, files = onto_existing(Path(tmp), e)
            wall, cpu, mb = measure(repo, files, args.runs)
        per_row = cpu / (e + 1000) * 1e6
        line = f"| existing rows | 1,000 | {e:,} | {wall:.2f} | {cpu:.2f} | {per_row:.0f} | {mb} |"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
