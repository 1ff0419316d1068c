"""Time figure reading on hostile one-line documents at two sizes: linear, or exit 1.

    python scripts/bench_figures.py [--size 100000] [--runs 3]

Each shape (a run of nines, of ``,000`` groups, a long fraction, ``9.`` and ``a.`` runs, one
long word, and a realistic line of many figures) is read by ``manpower.text_numbers.find_figures``
at ``--size`` characters and at twice that; the median time of ``--runs`` runs is printed for
both. Reading is linear when doubling the input at most about doubles the time: a ratio above
:data:`MAX_RATIO` (quadratic reading gives about 4) fails. Issue 22 item 15: 100,000 nines took
about 10 s and 1 MB of ``,000`` groups minutes, each run of digits scanned again from every
position. Not a test: wall times belong here, not in the suite (tests/unit/test_draft_safety.py
checks what is read from the same shapes).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

# Doubling a linear input doubles its time; noise and caches allow some slack, a square does not.
MAX_RATIO = 3.0


def shapes(size: int) -> dict[str, str]:
    realistic = " ".join(
        f"Officials said {n},{n % 1000:03d} soldiers left, and more." for n in range(size // 45)
    )
    return {
        "nines": "9" * size,
        "thousands": "1" + ",000" * (size // 4),
        "decimals": "1." + "9" * size,
        "dotted": "9." * (size // 2),
        "domain-like": "a." * (size // 2),
        "no spaces": "x" * size,
        "many figures": realistic[:size],
    }


def median_seconds(read: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    from manpower.text_numbers import find_figures

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="characters (default 100000)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    small, large = shapes(args.size), shapes(2 * args.size)
    failed = []
    print(f"{'shape':<14} {args.size:>10,} ch {2 * args.size:>10,} ch  ratio")
    for name in small:
        one = median_seconds(
            lambda n=name: find_figures(f"Russia recruited {small[n]}."), args.runs
        )
        two = median_seconds(
            lambda n=name: find_figures(f"Russia recruited {large[n]}."), args.runs
        )
        # below a millisecond the ratio is noise
        ratio = two / one if one > 0.001 else 1.0
        print(f"{name:<14} {one:>11.3f} s {two:>11.3f} s  {ratio:5.2f}")
        if ratio > MAX_RATIO:
            failed.append(name)
    if failed:
        print(f"not linear: {', '.join(failed)} (time ratio above {MAX_RATIO} for twice the input)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
