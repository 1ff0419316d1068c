"""One number grammar and one date grammar: both engines, submit, and every reader agree.

A number cell is ``-?digits[.digits][e[+-]digits]`` in ASCII; a date cell is ASCII
``YYYY-MM-DD`` and a real date. frictionless (Python's ``float``/``Decimal``) and polars accept
more (``1_000``, ``５``, ``٥``, ``sNaN``, ``2024-7-1``); the package refuses them everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sqlite3

import pytest

from conftest import SOURCES, assert_rejected, claim, digest, run_submit, write_table
from manpower import grammar, limits
from manpower.validation.runner import validate
from parity.oracle import ENGINES, invoke_validate
from parity.oracle import validate as oracle_validate

TODAY = dt.date(2026, 11, 24)

BAD_NUMBERS = [
    "-5_0",
    "5_0_0_0",
    "1_000_000",
    "\uff15",  # fullwidth 5
    "\u0665",  # Arabic-Indic 5
    "sNaN",
    "nan5",
    "NaN",
    "Infinity",
    "-inf",
    "+5",
    " 5",
    "5 ",
    "1,000",
    ".5",
    "5.",
    "0x10",
    "1e",
    "1\u00a0000",
    # beyond what float64 reads back as written (issue 22 item 13)
    "9007199254740993",
    "1234567890123456",
    "1.234567890123456",
    "1e999",
    "1e309",
    "1e-400",
    "-1e-400",
    "1e100",
]
BAD_DATES = [
    "2024-7-1",
    "2024-11-3",
    "\uff12\uff10\uff12\uff14-11-30",  # fullwidth digits
    "2024-1\u0661-30",  # an Arabic-Indic digit
    "2024-02-30",
    "2023-02-29",
    "2024-11-30 ",
    " 2024-11-30",
    "20241130",
    "2024-11-30T00:00",
    "0000-01-01",
]
# What a contributor reads (plainwords), for the two kinds of cell.
MESSAGE = {
    "number": "{column} is not a number. Fix: write the figure in digits, with a dot for decimals "
    "and without separators, units or words (10000, not 10,000 or 10k).",
    "date": "{column} is not a date. Fix: write a real calendar date as YYYY-MM-DD, e.g. "
    "2025-12-31.",
}


def schema_problems(repo, engine):
    return [
        (p.table, p.row, p.field, p.rule, p.value, p.message)
        for p in oracle_validate(repo, today=TODAY, engine=engine).problems
        if p.layer == "schema"
    ]


@pytest.mark.parametrize("cell", BAD_NUMBERS)
def test_number_outside_the_grammar_is_a_type_error_in_both_engines(make_repo, cell):
    repo = make_repo(claims=[claim(value_low=cell)])
    expected = [
        ("claims", 2, "value_low", "type-error", cell, 'type is "number/default"'),
    ]
    for engine in ENGINES:
        assert schema_problems(repo, engine) == expected, engine


@pytest.mark.parametrize("cell", BAD_DATES)
def test_date_outside_the_grammar_is_a_type_error_in_both_engines(make_repo, cell):
    repo = make_repo(claims=[claim(period_end=cell)])
    expected = [("claims", 2, "period_end", "type-error", cell, 'type is "date/default"')]
    for engine in ENGINES:
        assert schema_problems(repo, engine) == expected, engine


@pytest.mark.parametrize(
    "cell",
    ["140000", "-0", "1.5e5", "1E5", "0140000", "1.0", "2e-3", "123456789012345", "1e99", "-1e-99"],
)
def test_numbers_in_the_grammar_are_numbers(make_repo, cell):
    repo = make_repo(claims=[claim(value_low=cell)])
    for engine in ENGINES:
        assert schema_problems(repo, engine) == [], engine


def test_validate_cli_message_and_exit_code(make_repo):
    repo = make_repo(claims=[claim(value_low="1_000")])
    before = digest(repo / "data")
    for engine in ENGINES:
        result = invoke_validate([str(repo)], engine)
        assert result.exit_code == 1, result.output
        assert result.output.splitlines()[0] == (
            "claims.csv, row 2, column value_low: value '1_000': [type-error] "
            + MESSAGE["number"].format(column="value_low")
        )
    assert digest(repo / "data") == before


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo()
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(
    ("column", "cell"),
    [("value_low", c) for c in ("-5_0", "5_0_0_0", "1_000_000", "\uff15", "\u0665", "sNaN")]
    + [("value_low", "nan5"), ("period_end", "2024-7-1"), ("period_end", "2024-1\u0661-30")],
)
def test_submit_refuses_what_validate_refuses(repo, tmp_path, column, cell):
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id="paper-2025-01-03-02", **{column: cell})])
    before = digest(repo / "data")
    result = run_submit(path)
    kind = "date" if column == "period_end" else "number"
    assert_rejected(
        result,
        path,
        f"{path}, row 2, column {column}: value {cell!r}: [type-error] "
        + MESSAGE[kind].format(column=column),
    )
    assert digest(repo / "data") == before


# --- Property: what validates is read back identically by every reader ------------------------

NUMBER_ALPHABET = list("0123456789") * 4 + list("-+.eE_ ,") + ["\uff15", "\u0665", "nan", "inf"]


def _number_samples(rng: random.Random, n: int) -> list[str]:
    out = ["0", "7", "140000", "1.5", "2e3", "1E-2", "-3", "00012", "123456789012345678901"]
    while len(out) < n:
        out.append("".join(rng.choice(NUMBER_ALPHABET) for _ in range(rng.randint(1, 7))))
    return out


def _date_samples(rng: random.Random, n: int) -> list[str]:
    out = ["2024-02-29", "2023-12-31", "1999-01-01"]
    while len(out) < n:
        y, m, d = rng.randint(1990, 2026), rng.randint(0, 13), rng.randint(0, 32)
        text = rng.choice([f"{y:04d}-{m:02d}-{d:02d}", f"{y}-{m}-{d}", f"{y:04d}-{m:02d}-{d:02d}"])
        if rng.random() < 0.1:
            text = text.replace("1", "\uff11")
        if rng.random() < 0.05:
            text = " " + text
        out.append(text)
    return out


def test_what_validates_is_read_back_identically(make_repo, tmp_path, monkeypatch):
    """Seeded random cells: a row is valid exactly when its cells follow the grammar (and the
    semantic rules), and then load, Parquet, SQLite and show all read the same value."""
    import polars as pl

    from manpower.releasing.export import write_parquet, write_sqlite
    from manpower.releasing.loader import load
    from manpower.releasing.snapshot import open_snapshot
    from manpower.views import show
    from manpower.views.claims_view import load as load_view

    # every bad row must be listed, not only the first MAX_PROBLEMS_PER_RULE of each rule
    monkeypatch.setattr(limits, "MAX_PROBLEMS_PER_RULE", 10_000)
    rng = random.Random(20261126)
    numbers = _number_samples(rng, 150)
    dates = _date_samples(rng, 150)
    claims = [
        claim(
            claim_id=f"paper-2025-01-03-{n:03d}",
            category=f"c{n}",  # each row its own cumulative series
            value_kind="interpreted",
            value_low="",
            value=number,
            value_high="",
            period_start="",
            period_end=date,
            notes="read from a table",
        )
        for n, (number, date) in enumerate(zip(numbers, dates, strict=True))
    ]
    # no publication date: a period may end any day up to today
    sources = [{**SOURCES[0], "published_date": ""}]
    repo = make_repo(claims=claims, sources=sources)
    # every failing row must be listed for the comparison below, not the first 50 of each rule
    monkeypatch.setattr(limits, "MAX_PROBLEMS_PER_RULE", 10_000)
    report = validate(repo, today=TODAY)
    assert not report.unlisted
    bad_rows = {p.row for p in report.problems}
    for n, (number, date) in enumerate(zip(numbers, dates, strict=True)):
        fits = (
            grammar.is_number(number)
            and 0 <= float(number) < math.inf
            and grammar.is_date(date)
            and dt.date.fromisoformat(date) <= TODAY
        )
        assert (n + 2 not in bad_rows) == fits, (number, date, report.problems)
    kept = [c for n, c in enumerate(claims) if n + 2 not in bad_rows]
    assert 20 < len(kept) < len(claims)  # the sample exercises both sides
    repo = make_repo(claims=kept, sources=sources)
    assert validate(repo, today=TODAY).valid
    assert oracle_validate(repo, today=TODAY, engine="frictionless").valid
    expected = {
        c["claim_id"]: (float(c["value"]), dt.date.fromisoformat(c["period_end"])) for c in kept
    }

    loaded = load(repo)["claims"]
    got = {r.claim_id: (r.value, r.period_end.date()) for r in loaded.itertuples(index=False)}
    assert got == expected

    with open_snapshot(str(repo), None) as snapshot:
        [parquet] = [p for p in write_parquet(snapshot, tmp_path, "x-") if "claims" in p.name]
        write_sqlite(snapshot, tmp_path / "x.sqlite")
    frame = pl.read_parquet(parquet)
    assert {
        r["claim_id"]: (r["value"], r["period_end"]) for r in frame.iter_rows(named=True)
    } == expected
    with sqlite3.connect(tmp_path / "x.sqlite") as con:
        rows = con.execute("SELECT claim_id, value, period_end FROM claims").fetchall()
    assert {cid: (v, dt.date.fromisoformat(d)) for cid, v, d in rows} == expected

    monkeypatch.chdir(repo)
    shown = show.select(load_view(repo), "convicts_recruited_cumulative").rows
    assert {r["claim_id"]: r["value"] for r in shown} == {k: v[0] for k, v in expected.items()}


@pytest.mark.parametrize("cell", ["NaN", "Infinity", "-inf", "1_000"])
def test_one_cell_one_message(make_repo, cell):
    """The type error is the only line: no semantic rule reads the cell as another number."""
    repo = make_repo(claims=[claim(value_low=cell)])
    for engine in ENGINES:
        problems = oracle_validate(repo, today=TODAY, engine=engine).problems
        assert [(p.field, p.rule) for p in problems] == [("value_low", "type-error")], engine


def test_numbers_float64_cannot_hold_are_refused_by_validate_and_submit(make_repo, monkeypatch):
    """9007199254740993 > 9007199254740992 compared as float64 are equal (value-bounds passed);
    1e-400 read as 0 (non-negative passed for -1e-400): the grammar stops at 15 digits and a
    two-digit exponent, so every number that validates compares and reads back as written."""
    big = claim(value_low="9007199254740993", value_high="9007199254740992")
    tiny = claim(claim_id="paper-2025-01-03-02", value_low="-1e-400", value_high="1e-400")
    repo = make_repo(claims=[big, tiny])
    found = [(p.row, p.field, p.rule) for p in validate(repo, today=TODAY).problems]
    assert found == [
        (2, "value_low", "type-error"),
        (2, "value_high", "type-error"),
        (3, "value_low", "type-error"),
        (3, "value_high", "type-error"),
    ]
    clean = make_repo()
    monkeypatch.chdir(clean)
    before = digest(clean / "data")
    path = clean / "update.csv"
    write_table(
        path, [claim(claim_id="paper-2025-01-03-02", value_high="9007199254740993")], "claims"
    )
    result = run_submit(path)
    assert result.exit_code == 1
    assert "value '9007199254740993': [type-error]" in result.output
    assert digest(clean / "data") == before


@pytest.mark.parametrize("cell", ["123456789012345", "1.23456789012345", "-0.00000000000001"])
def test_the_largest_numbers_read_back_as_written(cell):
    """Every number of the grammar is a float64 whose shortest repr is the number written."""
    assert grammar.is_number(cell)
    assert float(repr(float(cell))) == float(cell)
    from decimal import Decimal

    assert Decimal(repr(float(cell))) == Decimal(cell)
