"""Benchmark `manpower validate` against `frictionless validate` on synthetic packages.

    .venv/bin/python scripts/bench_validate.py                  # real-shaped, 100k and 1M rows
    .venv/bin/python scripts/bench_validate.py --shape synthetic --sizes 10000 --runs 5

Two shapes of data. ``real`` (the default): the curated package's own claims replicated to N
rows with fresh ids (its real quotes and notes, so the file is as long per row as the real one),
next to its real sources, claimants and metrics. ``synthetic``: the real schemas with generated
claims plus proportionate sources and claimants (text with commas, quotes and line breaks).
For each size a copy with 1% of the claims rows broken in one cell each is made as well.
Both tools run on each as whole processes (three times below 1M rows, once at 1M: one command
gives the whole table); the table gives the median wall time, rows per second (all tables), the
peak memory (max RSS) of each process and the speed-up. On the broken copies both engines must
report the same number of Table Schema errors (frictionless is run with an unlimited
--limit-errors). Start-up times of `manpower --help` and `manpower validate --help` close the
table.

Nothing here is a test: the targets (20x at 1M rows, peak memory within 2x the CSV size, time
per row not growing from 100k to 1M) are read off the table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 1, 1)

METRICS = [
    # metric_id, topic, unit, counting_basis
    ("convicts_recruited_cumulative", "recruitment", "persons", "cumulative"),
    ("contract_enlistees_cumulative", "recruitment", "persons", "cumulative"),
    ("mobilised_men_flow", "recruitment", "persons", "flow"),
    ("pows_taken_total", "captivity", "persons", "stock"),
    ("pows_exchanged_flow", "exchanges", "persons", "flow"),
    ("desertion_cases_flow", "desertion", "persons", "flow"),
    ("casualties_killed_cumulative", "casualties", "persons", "cumulative"),
    ("casualties_wounded_flow", "casualties", "persons", "flow"),
    ("force_strength_stock", "force_strength", "persons", "stock"),
    ("signing_bonus_amount", "compensation", "usd", "amount"),
    ("monthly_pay_amount", "compensation", "usd_per_month", "amount"),
    ("foreign_fighters_countries", "foreign_fighters", "countries", "stock"),
    ("pow_share_by_rank", "captivity", "percent", "share"),
    ("prison_population_stock", "prison_population", "persons", "stock"),
]
CLAIMANT_TYPES = ["government_agency", "intelligence_service", "military", "media", "osint_group"]
VERIFICATION = ["unverified", "not_independently_verified", "corroborated", "disputed"]
WORDS = (
    "the ministry said in a statement that figures could not be verified independently while "
    "officials in the region reported new recruitment drives across several districts"
).split()


@dataclass
class Run:
    seconds: float
    max_rss_kb: int
    stdout: str
    returncode: int


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _fmt(n: int) -> str:
    return f"{n:,}"


def _fields(table: str) -> list[str]:
    schema = json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text(encoding="utf-8"))
    return [f["name"] for f in schema["fields"]]


def generate(folder: Path, claims: int, seed: int = 7) -> None:
    """A repository-shaped package (schemas/, data/, datapackage.json) with ``claims`` rows."""
    rng = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    data = folder / "data"
    data.mkdir(parents=True)
    n_sources = max(claims // 10, 10)
    n_claimants = max(claims // 1000, 20)
    start = dt.date(2022, 3, 1)

    def writer(name: str) -> tuple[Any, Any]:
        handle = (data / f"{name}.csv").open("w", encoding="utf-8", newline="")
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(_fields(name))
        return handle, out

    handle, out = writer("metrics")
    for metric_id, topic, unit, basis in METRICS:
        label = metric_id.replace("_", " ").capitalize()
        out.writerow(
            [metric_id, topic, label, f'What "{label}" counts, and what not.', unit, basis]
        )
    handle.close()

    handle, out = writer("claimants")
    for i in range(n_claimants):
        kind = CLAIMANT_TYPES[i % len(CLAIMANT_TYPES)]
        out.writerow([f"claimant-{i}", f"Claimant {i}, {kind}", kind, "UA", _sentence(rng, 8)])
    handle.close()

    published: list[dt.date] = []
    handle, out = writer("sources")
    for i in range(n_sources):
        day = start + dt.timedelta(days=60 + i * 1200 // n_sources)
        published.append(day)
        title = f'"{_sentence(rng, 3).capitalize()}", officials say, as {_sentence(rng, 4)}'
        note = f"Date as printed; {_sentence(rng, 6)},\nsecond line of the note."
        out.writerow(
            [
                f"source-{i}",
                title,
                "The Paper",
                "A. Writer, B. Writer",
                day.isoformat(),
                f"https://example.org/{day:%Y/%m/%d}/article-{i}?a=1&b=2",
                "en",
                f"source-{i}.txt",
                note,
            ]
        )
    handle.close()

    handle, out = writer("claims")
    seq: dict[int, int] = {}
    for i in range(claims):
        source = i % n_sources
        seq[source] = seq.get(source, 0) + 1
        metric_id, _, unit, basis = METRICS[i % len(METRICS)]
        end = published[source] - dt.timedelta(days=rng.randint(0, 30))
        begin = end - dt.timedelta(days=rng.randint(30, 300))
        # cumulative figures grow with the date, so no claimant's figure falls over time
        value = 1000 + (end - start).days * 37 if basis == "cumulative" else rng.randint(1, 90000)
        category = ""
        if unit == "percent":
            value = rng.randint(1, 9)
            category = rng.choice(["officer", "nco", "rank_and_file"])
        kind = rng.choice(["exact", "more_than", "range", "approximate"])
        low, val, high = "", "", ""
        if kind in ("exact", "approximate"):
            val = str(value)
            # "about" only for approximate: the wording must agree with value_kind
            about = "about " if kind == "approximate" else ""
            quote = f'Officials said "{about}{_fmt(value)}" {_sentence(rng, 4)}, citing records'
        elif kind == "more_than":
            low = str(value)
            quote = f"More than {_fmt(value)} {_sentence(rng, 5)}, the report said"
        else:
            low, high = str(value), str(value + 10)
            quote = f'"{_fmt(value)} to {_fmt(value + 10)}", according to {_sentence(rng, 3)}'
        out.writerow(
            [
                f"source-{source}-{seq[source]:02d}",
                metric_id,
                category,
                kind,
                low,
                val,
                high,
                begin.isoformat(),
                end.isoformat(),
                "day",
                f"claimant-{i % n_claimants}",
                f"source-{source}",
                "Reuters > The Paper" if i % 3 == 0 else "",
                quote,
                rng.choice(VERIFICATION),
                "",
                f"Read from the article; {_sentence(rng, 10)}." if i % 2 else "",
            ]
        )
    handle.close()
    write_descriptor(folder)


def generate_real(folder: Path, claims: int) -> None:
    """The curated package with its claims replicated to ``claims`` rows under fresh ids.

    Copy k of claim ``x`` becomes ``x-rk``; its ``supersedes`` points at copy k of the claim it
    supersedes, so every copy is as valid as the original (keys, cycles, monotonic series).
    """
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    data = folder / "data"
    data.mkdir(parents=True)
    for table in ("sources", "claimants", "metrics"):
        shutil.copy(ROOT / "data" / f"{table}.csv", data / f"{table}.csv")
    with (ROOT / "data" / "claims.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names = list(reader.fieldnames or [])
        real = list(reader)
    with (data / "claims.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, names, lineterminator="\n")
        out.writeheader()
        for n in range(claims):
            row = dict(real[n % len(real)])
            copy = n // len(real)
            row["claim_id"] = f"{row['claim_id']}-r{copy}"
            if row.get("supersedes"):
                row["supersedes"] = f"{row['supersedes']}-r{copy}"
            out.writerow(row)
    write_descriptor(folder)


def write_descriptor(folder: Path) -> None:
    """datapackage.json for `frictionless validate` (manpower reads the schemas/ folder)."""
    resources = [
        {
            "name": t,
            "type": "table",
            "path": f"data/{t}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": f"schemas/{t}.schema.json",
        }
        for t in ("sources", "claimants", "metrics", "claims")
    ]
    descriptor = {"name": "manpower-bench", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2) + "\n")


def seed_errors(clean: Path, broken: Path, share: float = 0.01, seed: int = 11) -> int:
    """A copy of ``clean`` with ``share`` of the claims rows broken in one cell each."""
    rng = random.Random(seed)
    shutil.rmtree(broken, ignore_errors=True)
    shutil.copytree(clean, broken)
    path = broken / "data" / "claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    names = rows[0]
    col = {n: i for i, n in enumerate(names)}
    breaks = [
        ("value_kind", "guess"),  # enum
        ("period_end", "2024-02-30"),  # not a calendar date
        ("metric_id", "no_such_metric"),  # foreign key
        ("claim_id", "Not A Slug"),  # pattern
        ("date_precision", ""),  # required
        ("claimant_id", "nobody"),  # foreign key
    ]
    picked = rng.sample(range(1, len(rows)), max(1, int((len(rows) - 1) * share)))
    for n, index in enumerate(picked):
        field, bad = breaks[n % len(breaks)]
        rows[index][col[field]] = bad
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return len(picked)


def run(cmd: list[str]) -> Run:
    """Run a whole process; its wall time and its own peak memory (getrusage via wait4)."""
    with tempfile.TemporaryFile("w+") as out:
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return Run(seconds, usage.ru_maxrss, out.read(), proc.returncode)


def manpower_cmd(folder: Path) -> list[str]:
    return [str(BIN / "manpower"), "validate", str(folder), "--format", "json"]


def frictionless_cmd(folder: Path) -> list[str]:
    return [
        str(BIN / "frictionless"),
        "validate",
        str(folder / "datapackage.json"),
        "--json",
        "--limit-errors",
        "1000000000",
    ]


def schema_errors_manpower(stdout: str) -> int:
    return sum(1 for p in json.loads(stdout)["problems"] if p["layer"] == "schema")


def schema_errors_frictionless(stdout: str) -> int:
    report = json.loads(stdout)
    return len(report.get("errors", [])) + sum(len(t["errors"]) for t in report["tasks"])


def rows_of(folder: Path) -> int:
    total = 0
    for path in (folder / "data").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            total += sum(1 for _ in csv.reader(handle)) - 1
    return total


def csv_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / "data").glob("*.csv"))


def measure(cmd: list[str], runs: int) -> tuple[float, int, Run]:
    results = [run(cmd) for _ in range(runs)]
    return (
        statistics.median(r.seconds for r in results),
        max(r.max_rss_kb for r in results),
        results[-1],
    )


def human(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shape",
        choices=("real", "synthetic"),
        default="real",
        help="real: the curated claims replicated with fresh ids; synthetic: generated rows",
    )
    parser.add_argument("--sizes", default="100000,1000000", help="claims rows, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool below 1M rows")
    parser.add_argument("--runs-1m", type=int, default=1, help="runs per tool at 1M rows and above")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "manpower-bench"
    )
    parser.add_argument("--no-frictionless", action="store_true", help="time manpower only")
    args = parser.parse_args()

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.shape} data; "
        "medians of whole-process runs\n"
    )
    header = (
        "| claims rows | data | CSV MB | manpower s | frictionless s | speed-up | manpower rows/s "
        "| frictionless rows/s | manpower peak MB (x CSV) | frictionless peak MB | schema errors "
        "(manpower / frictionless) |"
    )
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    failed = False
    for size in (int(s) for s in args.sizes.split(",")):
        clean = args.workdir / f"{args.shape}-{size}"
        if not (clean / "datapackage.json").is_file():
            (generate_real if args.shape == "real" else generate)(clean, size)
        broken = args.workdir / f"{args.shape}-{size}-errors"
        seeded = seed_errors(clean, broken)
        runs = args.runs_1m if size >= 1_000_000 else args.runs
        for label, folder in (("valid", clean), ("1% errors", broken)):
            rows, size_mb = rows_of(folder), csv_bytes(folder) / 1e6
            mp_s, mp_kb, mp_run = measure(manpower_cmd(folder), runs)
            mp_errors = schema_errors_manpower(mp_run.stdout)
            if args.no_frictionless:
                fr_s, fr_kb, fr_errors = float("nan"), 0, -1
            else:
                fr_s, fr_kb, fr_run = measure(frictionless_cmd(folder), runs)
                fr_errors = schema_errors_frictionless(fr_run.stdout)
            if label == "valid" and mp_errors:
                print(f"warning: the valid package has {mp_errors} schema errors", file=sys.stderr)
            if not args.no_frictionless and mp_errors != fr_errors:
                failed = True
            print(
                f"| {human(size)} | {label} | {size_mb:.0f} | {mp_s:.2f} | {fr_s:.2f} "
                f"| {fr_s / mp_s:.1f}x | {rows / mp_s:,.0f} | {rows / fr_s:,.0f} "
                f"| {mp_kb / 1024:.0f} ({mp_kb * 1024 / 1e6 / size_mb:.1f}x) | {fr_kb / 1024:.0f} "
                f"| {mp_errors} / {fr_errors} |",
                flush=True,
            )
        del seeded
    for argv in (["--help"], ["validate", "--help"]):
        seconds, _, _ = measure([str(BIN / "manpower"), *argv], 7)
        print(f"\n`manpower {' '.join(argv)}`: {seconds:.3f} s", end="")
    print()
    if failed:
        print("\nthe engines disagree on the number of errors", file=sys.stderr)
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
