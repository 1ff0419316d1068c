"""Benchmark `manpower validate` against `frictionless validate` on synthetic packages.

    .venv/bin/python scripts/bench_validate.py                  # real-shaped, 100k and 1M rows
    .venv/bin/python scripts/bench_validate.py --shape synthetic --sizes 10000 --runs 5

Two shapes of data. ``real`` (the default): the curated package's own claims replicated to N
rows with fresh ids (its real quotes and notes, so the file is as long per row as the real one),
each copy citing its own copy of the real sources, next to the real claimants and metrics.
``synthetic``: the real schemas with generated claims plus proportionate sources and claimants
(text with commas, quotes and line breaks).
For each size a copy with 1% of the claims rows broken is made as well, the breaks spread over
every rule a claims row can break (the Table Schema's types, constraints, keys and foreign keys,
and every semantic rule): the per-rule error counts of manpower's report show that each fired.
Both tools run on each as whole processes (manpower three times; frictionless three times below
500k rows and once above: one command gives the whole table); the table gives the median wall
time and CPU time (user + system: on a shared machine the wall time counts the others' work
too), rows per second, the peak memory (max RSS) of each process, the speed-up, and when manpower
printed its first byte (its first error on a broken copy). On the broken copies both engines
must report the same number of Table Schema errors (frictionless is run with an unlimited
--limit-errors). Start-up times of `manpower --help` and `manpower validate --help` close the
table.

The default sizes are 100k and 1M rows, as issue 14 asks. Real-shaped claims take about 580 bytes
a row, so 1M rows (591 MB) are within what a table may have by default (1 GiB,
manpower.limits.MAX_TABLE_BYTES): the benchmark runs under the package's own limit.

Nothing here is a test: the targets (20x at 1M rows, peak memory within 2x the CSV size, time
per row not growing from 100k to 1M) are read off the table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
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

from manpower.limits import MAX_TABLE_BYTES_ENV, max_table_bytes

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 1, 1)
# The table-size limit the benchmark's processes get: room for 1M real-shaped rows (581 MB).

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
    first_output: float  # seconds until the first byte on stdout
    cpu: float  # user + system seconds


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

    Copy k of claim ``x`` becomes ``x-rk`` and cites copy k of its source (``s-rk``, also
    replicated), so that copies never make one breakdown of shares together; its ``supersedes``
    points at copy k of the claim it supersedes, so every copy is as valid as the original (keys,
    cycles, monotonic series, shares).
    """
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    data = folder / "data"
    data.mkdir(parents=True)
    for table in ("claimants", "metrics"):
        shutil.copy(ROOT / "data" / f"{table}.csv", data / f"{table}.csv")

    def read(table: str) -> tuple[list[str], list[dict[str, str]]]:
        with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            return list(reader.fieldnames or []), list(reader)

    names, real = read("claims")
    copies = -(-claims // len(real))
    source_names, sources = read("sources")
    with (data / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, source_names, lineterminator="\n")
        out.writeheader()
        for copy in range(copies):
            for source in sources:
                out.writerow({**source, "source_id": f"{source['source_id']}-r{copy}"})
    with (data / "claims.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, names, lineterminator="\n")
        out.writeheader()
        for n in range(claims):
            row = dict(real[n % len(real)])
            copy = n // len(real)
            row["claim_id"] = f"{row['claim_id']}-r{copy}"
            row["source_id"] = f"{row['source_id']}-r{copy}"
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


Row = dict[str, str]
Context = dict[str, str]


def _exact(row: Row, value: str) -> None:
    row.update(value_kind="exact", value_low="", value=value, value_high="")


def _percent(row: Row, nxt: Row, ctx: Context) -> None:
    row["metric_id"] = ctx["percent"]
    _exact(row, "150")


def _share_sum(row: Row, nxt: Row, ctx: Context) -> None:
    for r, category in ((row, "officer"), (nxt, "private")):
        r.update(metric_id=ctx["percent"], category=category, supersedes="")
        _exact(r, "90")
    for f in ("claimant_id", "source_id", "period_start", "period_end"):
        nxt[f] = row[f]


def _monotonic(row: Row, nxt: Row, ctx: Context) -> None:
    for r, end, value in ((row, "2024-01-01", "900000"), (nxt, "2024-06-01", "1")):
        r.update(
            metric_id=ctx["cumulative"],
            claimant_id=ctx["claimant"],
            category="",
            period_start="",
            period_end=end,
            supersedes="",
        )
        _exact(r, value)


def _cycle(row: Row, nxt: Row, ctx: Context) -> None:
    row["supersedes"], nxt["supersedes"] = nxt["claim_id"], row["claim_id"]


def _wording(row: Row, nxt: Row, ctx: Context) -> None:
    row["quote"] = "more than 4,321 soldiers, officials said"
    _exact(row, "4321")


# One break per rule a claims row can break (the Table Schema's and every semantic rule of
# manpower.validation.rules): the rule ids it must produce, and the edit. An edit gets the row,
# the next row (left unpicked, for the rules that need two rows) and facts about the package.
BREAKS: list[tuple[tuple[str, ...], Any]] = [
    (("type-error",), lambda r, n, c: r.update(value_high="12x")),
    (("constraint-error",), lambda r, n, c: r.update(value_kind="guess")),  # enum
    (("constraint-error",), lambda r, n, c: r.update(claim_id="Not-A-Slug" + r["claim_id"])),
    (("constraint-error",), lambda r, n, c: r.update(date_precision="")),  # required
    (("primary-key", "unique-error"), lambda r, n, c: r.update(claim_id=n["claim_id"])),
    (("foreign-key",), lambda r, n, c: r.update(metric_id="no_such_metric")),
    (("foreign-key",), lambda r, n, c: r.update(claimant_id="nobody")),
    (
        ("value-bounds",),
        lambda r, n, c: r.update(value_kind="range", value_low="200", value="", value_high="100"),
    ),
    (
        ("value-kind-fields",),
        lambda r, n, c: r.update(value_kind="exact", value_low="5", value="", value_high=""),
    ),
    (("percent-range",), _percent),
    (("share-sum",), _share_sum),
    (("non-negative",), lambda r, n, c: _exact(r, "-5")),
    (("finite",), lambda r, n, c: _exact(r, "1e999")),
    (
        ("period-order",),
        lambda r, n, c: r.update(period_start="2025-01-02", period_end="2025-01-01"),
    ),
    (
        ("period-after-publication",),
        lambda r, n, c: r.update(source_id=c["dated_source"], period_end=c["after_publication"]),
    ),
    (("future-date",), lambda r, n, c: r.update(period_end="2099-01-01")),
    (("quote-states-value",), lambda r, n, c: _exact(r, "987654")),
    (("interpreted-needs-note",), lambda r, n, c: r.update(value_kind="interpreted", notes="")),
    (("cumulative-monotonic",), _monotonic),
    (("foreign-key",), lambda r, n, c: r.update(supersedes="no-such-claim")),
    (("supersedes-cycle",), _cycle),
    (
        ("stock-no-start",),
        lambda r, n, c: r.update(
            metric_id=c["stock"], period_start="2024-01-01", period_end="2024-02-01"
        ),
    ),
    (
        ("undated-period-end",),
        lambda r, n, c: r.update(
            source_id=c["dated_source"], date_precision="undated", period_end="2022-03-01"
        ),
    ),
    (("value-kind-wording",), _wording),
    (("spreadsheet-formula",), lambda r, n, c: r.update(via="=HYPERLINK(1)")),
    (("control-character",), lambda r, n, c: r.update(via="Reuters\x07")),
    (("invisible-text",), lambda r, n, c: r.update(quote="\u200b\u200b\u200b")),
]
# A real-date error (a date such as 2024-02-30) is always a type error of the Table Schema on the
# same cell first, which replaces it ("one cell, one message"): it never reaches the output.
SHADOWED = {"real-date": "type-error"}


def _context(folder: Path) -> Context:
    """Ids of the package the breaks need: a percent, a cumulative and a stock metric..."""

    def rows(table: str) -> list[Row]:
        with (folder / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    metrics = rows("metrics")
    sources = [s for s in rows("sources") if s["published_date"][:1].isdigit()]
    published = dt.date.fromisoformat(sources[0]["published_date"])

    def metric(**want: str) -> str:
        return next(m["metric_id"] for m in metrics if all(m[k] == v for k, v in want.items()))

    return {
        "percent": metric(unit="percent", counting_basis="share"),
        "cumulative": metric(counting_basis="cumulative"),
        "stock": metric(counting_basis="stock"),
        "claimant": rows("claimants")[0]["claimant_id"],
        "dated_source": sources[0]["source_id"],
        "after_publication": (published + dt.timedelta(days=1)).isoformat(),
    }


def seed_errors(clean: Path, broken: Path, share: float = 0.01, seed: int = 11) -> int:
    """A copy of ``clean`` with ``share`` of the claims rows broken, spread over every rule."""
    rng = random.Random(seed)
    shutil.rmtree(broken, ignore_errors=True)
    shutil.copytree(clean, broken)
    context = _context(clean)
    path = broken / "data" / "claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        names = list(reader.fieldnames or [])
        rows = list(reader)
    # every other row can be picked, so that the row after a picked one never is
    picked = rng.sample(range(0, len(rows) - 1, 2), max(1, int(len(rows) * share)))
    for n, index in enumerate(sorted(picked)):
        _, edit = BREAKS[n % len(BREAKS)]
        edit(rows[index], rows[index + 1], context)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, names, lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    return len(picked)


def run(cmd: list[str]) -> Run:
    """Run a whole process; its wall time, when its first output came, and its own peak memory
    (getrusage via wait4)."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    first = proc.stdout.read(1)
    first_seconds = time.perf_counter() - began
    out = first + proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss, out.decode("utf-8"), proc.returncode, first_seconds, cpu)


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
    """Table Schema errors, the listed ones and those only counted (manpower.limits)."""
    report = json.loads(stdout)
    schema_rules = {p["rule"] for p in report["problems"] if p["layer"] == "schema"}
    return sum(n for rule, n in report["errors_by_rule"].items() if rule in schema_rules)


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
    """Median wall time, peak memory of the hungriest run, and the last run (with the median
    time to first output in it)."""
    results = [run(cmd) for _ in range(runs)]
    last = results[-1]
    last.first_output = statistics.median(r.first_output for r in results)
    last.cpu = statistics.median(r.cpu for r in results)
    return (statistics.median(r.seconds for r in results), max(r.max_rss_kb for r in results), last)


def rule_counts(stdout: str) -> dict[str, int]:
    """Errors per rule id in manpower's JSON report (listed and only counted)."""
    return dict(json.loads(stdout)["errors_by_rule"])


def unbroken_rules() -> list[str]:
    """The semantic rules of a claims row that no entry of BREAKS breaks (so a rule added to the
    package cannot be left out of the 1% errors unnoticed)."""
    from manpower.validation.rules import table_checks

    wanted = {rule for rules, _ in BREAKS for rule in rules} | set(SHADOWED)
    return sorted({rule.id for rule in table_checks("claims")} - wanted)


def coverage(counts: dict[str, int]) -> list[str]:
    """The rules the broken copy was meant to trigger that the report does not name."""
    wanted = {rule for rules, _ in BREAKS for rule in rules}
    return sorted(wanted - set(counts))


def human(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def generator_key() -> str:
    """A short digest of this script, the curated tables and the schemas: the generated packages
    depend on all three, so a folder made by an older generator or from older data is not
    reused (a stale one gave wrong figures once)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted([*(ROOT / "data").glob("*.csv"), *(ROOT / "schemas").glob("*.json")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shape",
        choices=("real", "synthetic"),
        default="real",
        help="real: the curated claims replicated with fresh ids; synthetic: generated rows",
    )
    parser.add_argument("--sizes", default="100000,1000000", help="claims rows, comma-separated")
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of manpower, and of frictionless below 500k rows"
    )
    parser.add_argument(
        "--runs-large", type=int, default=1, help="runs of frictionless at 500k rows and above"
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "manpower-bench"
    )
    parser.add_argument("--no-frictionless", action="store_true", help="time manpower only")
    args = parser.parse_args()
    if unbroken := unbroken_rules():
        print(
            f"BREAKS breaks no claims row for: {', '.join(unbroken)}; add an entry", file=sys.stderr
        )
        return 1

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.shape} data; "
        "medians of whole-process runs\n"
    )
    header = (
        "| claims rows | data | CSV MB | manpower s (CPU s) | manpower first output s "
        "| frictionless s (CPU s) | speed-up (CPU) | manpower rows/s | manpower peak MB (x CSV) "
        "| frictionless peak MB "
        "| schema errors (manpower / frictionless) |"
    )
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    failed = False
    notes: list[str] = []
    for size in (int(s) for s in args.sizes.split(",")):
        # generated data is kept between runs, under a name that changes with what it is made from
        clean = args.workdir / f"{args.shape}-{size}-{generator_key()}"
        if not (clean / "datapackage.json").is_file():
            (generate_real if args.shape == "real" else generate)(clean, size)
        broken = clean.with_name(clean.name + "-errors")
        seeded = seed_errors(clean, broken)
        # frictionless takes a minute or more on a large table: fewer runs of it
        fr_runs = args.runs_large if size >= 500_000 else args.runs
        for label, folder in (("valid", clean), ("1% errors", broken)):
            rows, size_mb = rows_of(folder), csv_bytes(folder) / 1e6
            if (folder / "data" / "claims.csv").stat().st_size > max_table_bytes():
                print(f"warning: {folder}'s claims are over {MAX_TABLE_BYTES_ENV}", file=sys.stderr)
            mp_s, mp_kb, mp_run = measure(manpower_cmd(folder), args.runs)
            counts = rule_counts(mp_run.stdout)
            mp_errors = schema_errors_manpower(mp_run.stdout)
            if args.no_frictionless:
                fr_s, fr_kb, fr_errors, fr_cpu = float("nan"), 0, -1, float("nan")
            else:
                fr_s, fr_kb, fr_run = measure(frictionless_cmd(folder), fr_runs)
                fr_errors = schema_errors_frictionless(fr_run.stdout)
                fr_cpu = fr_run.cpu
            if label == "valid" and sum(counts.values()):
                print(f"warning: the valid package has errors: {counts}", file=sys.stderr)
            if not args.no_frictionless and mp_errors != fr_errors:
                failed = True
            print(
                f"| {human(size)} | {label} | {size_mb:.0f} | {mp_s:.2f} ({mp_run.cpu:.2f}) "
                f"| {mp_run.first_output:.2f} | {fr_s:.2f} ({fr_cpu:.2f}) "
                f"| {fr_s / mp_s:.1f}x ({fr_cpu / mp_run.cpu:.1f}x) "
                f"| {rows / mp_s:,.0f} "
                f"| {mp_kb / 1024:.0f} ({mp_kb * 1024 / 1e6 / size_mb:.1f}x) | {fr_kb / 1024:.0f} "
                f"| {mp_errors} / {fr_errors} |",
                flush=True,
            )
            if label != "valid":
                listed = ", ".join(f"{rule} {n}" for rule, n in counts.items())
                notes.append(f"{human(size)}, {seeded} rows broken: errors by rule: {listed}")
                missing = coverage(counts)
                if missing:
                    failed = True
                    notes.append(f"{human(size)}: no error for {', '.join(missing)}")
    for note in notes:
        print(f"\n{note}", end="")
    shadowed = "; ".join(f"{rule} is reported as {by}" for rule, by in SHADOWED.items())
    print(f"\n(every semantic rule of a claims row is broken; {shadowed} on the same cell)")
    for argv in (["--help"], ["validate", "--help"]):
        seconds, _, _ = measure([str(BIN / "manpower"), *argv], 7)
        print(f"\n`manpower {' '.join(argv)}`: {seconds:.3f} s", end="")
    print()
    if failed:
        print(
            "\nthe engines disagree on the number of errors, or a rule went unbroken",
            file=sys.stderr,
        )
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
