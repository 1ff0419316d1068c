"""The SQLite and Parquet exports of a release."""

from __future__ import annotations

import csv
import sqlite3

import pytest

TABLES = {
    "sources": "data/sources.csv",
    "claimants": "data/claimants.csv",
    "metrics": "data/metrics.csv",
    "claims": "data/claims.csv",
    "claims_flat": "data/derived/claims_flat.csv",
}


def csv_rows(path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture
def database(released, tmp_path):
    path = tmp_path / "manpower.sqlite"
    path.write_bytes((released["repo"] / "dist" / "manpower-0.2.0.sqlite").read_bytes())
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    yield con
    con.close()


def test_sqlite_has_the_csv_row_counts(released, database):
    counts = {t: database.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    assert counts == {t: csv_rows(released["repo"] / p) for t, p in TABLES.items()}
    assert counts["claims"] == 2
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sqlite_enforces_foreign_keys(database):
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        database.execute(
            "INSERT INTO claims (claim_id, metric_id, value_kind, period_end, date_precision, "
            "claimant_id, source_id, quote, verification) VALUES ('x-01', 'no_such_metric', "
            "'exact', '2025-01-01', 'day', 'ua-szru', 'paper-2025-01-03', 'q', 'unverified')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        database.execute("DELETE FROM sources")


def test_sqlite_keys_types_and_nulls(database):
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed"):
        database.execute("INSERT INTO metrics SELECT * FROM metrics")
    row = database.execute(
        "SELECT value_low, value, typeof(value_high), period_start, period_end, supersedes "
        "FROM claims WHERE claim_id = 'paper-2025-01-03-02'"
    ).fetchone()
    assert row == (None, 5.0, "null", None, "2024-12-31", None)
    declared = {r[1]: r[2] for r in database.execute("PRAGMA table_info(claims)")}
    assert (declared["value"], declared["period_end"], declared["quote"]) == (
        "REAL",
        "DATE",
        "TEXT",
    )


def test_parquet_has_typed_columns(released):
    import datetime as dt

    import polars as pl

    frame = pl.read_parquet(released["repo"] / "dist" / "manpower-0.2.0-claims.parquet")
    assert frame.height == 2
    assert frame.schema["value"] == pl.Float64
    assert frame.schema["period_end"] == pl.Date
    assert frame.schema["claim_id"] == pl.String
    assert frame["period_end"].to_list() == [dt.date(2024, 11, 30), dt.date(2024, 12, 31)]
    assert frame["value"].to_list() == [None, 5.0]
