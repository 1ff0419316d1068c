"""Benchmark parsing a release index (`releases.json`) as it grows.

    .venv/bin/python scripts/bench_index.py                     # 750 to 6,000 releases
    .venv/bin/python scripts/bench_index.py --sizes 10000 --runs 5

Each index lists N releases of seven files (a zip, five Parquet files, a SQLite database), as
`manpower release` writes them. The table gives the index size, the median time to parse and
check it, and the time per release, which stays flat when parsing is linear (before issue 9 it
grew with N: each release rescanned the list, 40,000 releases took 32 s). An index may list at
most 10,000 releases in at most 8 MiB; 6,000 releases of seven files come close to the latter.

Nothing here is a test: the target (time per release flat across sizes) is read off the table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from manpower.releasing.release_index import parse_index


def index_text(n: int) -> bytes:
    releases = []
    for i in range(n):
        version = f"{i // 100}.{i % 100}.0"
        files = [{"name": f"manpower-{version}.zip", "format": "csv"}]
        files += [
            {"name": f"manpower-{version}-{t}.parquet", "format": "parquet", "table": t}
            for t in ("sources", "claimants", "metrics", "claims", "claims_flat")
        ]
        files.append({"name": f"manpower-{version}.sqlite", "format": "sqlite"})
        for f in files:
            f.update(bytes=40_000 + i, sha256=f"{i:064x}")
        releases.append(
            {"version": version, "date": "2026-01-15", "tag": f"v{version}", "files": files}
        )
    return json.dumps({"name": "manpower", "releases": releases[::-1]}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[750, 1500, 3000, 6000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| releases | index bytes | parse (median) | per release |")
    print("|---:|---:|---:|---:|")
    for n in args.sizes:
        text = index_text(n)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            index = parse_index(text)
            times.append(time.perf_counter() - started)
        assert len(index.releases) == n
        median = statistics.median(times)
        print(f"| {n:,} | {len(text):,} | {median:.3f} s | {median / n * 1e6:.1f} µs |")


if __name__ == "__main__":
    main()
