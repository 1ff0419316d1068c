"""The exports read back the same: CSV, Parquet and SQLite in pandas, polars and DuckDB give the
same values with the same types (read as README, Using the data, shows), the SQLite file has a
full-text index and Datasette metadata, and every format says what was stated."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from conftest import ROOT
from manpower.views.claims_view import load as claims_view

TABLE = "claims_flat"
DATES = ["period_start", "period_end", "source_published_date"]
NUMBERS = ["value_low", "value", "value_high"]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    from manpower.releasing.release_files import build_files

    out = tmp_path_factory.mktemp("release")
    build_files(ROOT, "0.1.0", out, ["parquet", "sqlite"])
    return {
        "csv": ROOT / "data" / "derived" / f"{TABLE}.csv",
        "parquet": out / f"manpower-0.1.0-{TABLE}.parquet",
        "sqlite": out / "manpower-0.1.0.sqlite",
        "datasette": out / "manpower-0.1.0-datasette.json",
    }


def kind(values: list[object]) -> str:
    present = [v for v in values if v is not None]
    if all(isinstance(v, dt.date) for v in present):
        return "date"
    if all(isinstance(v, float) for v in present):
        return "number"
    assert all(isinstance(v, str) for v in present), {type(v) for v in present}
    return "text"


def plain(value: object) -> object:
    """One cell as Python sees it: missing is None, a timestamp at midnight is its date."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        assert value.time() == dt.time(0), value
        return value.date()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def columns_of_pandas(frame: pd.DataFrame) -> dict[str, tuple[str, str, list[object]]]:
    out = {}
    for name in frame.columns:
        values = [plain(v) for v in frame[name].astype(object).tolist()]
        out[name] = (frame[name].dtype.kind, kind(values), values)
    return out


def pandas_reads(files: dict[str, Path]) -> dict[str, pd.DataFrame]:
    import manpower

    with sqlite3.connect(files["sqlite"]) as con:
        sql = pd.read_sql_query(f"SELECT * FROM {TABLE}", con, parse_dates=DATES)
    return {
        "csv": manpower.load(ROOT)[TABLE],
        "parquet": pd.read_parquet(files["parquet"], to_pandas_kwargs={"date_as_object": False}),
        "sqlite": sql,
    }


def test_pandas_reads_the_three_formats_alike(files):
    read = {fmt: columns_of_pandas(frame) for fmt, frame in pandas_reads(files).items()}
    assert list(read["csv"]) == list(read["parquet"]) == list(read["sqlite"])
    for name, (dtype, logical, values) in read["csv"].items():
        for fmt in ("parquet", "sqlite"):
            assert read[fmt][name][1] == logical, (fmt, name)
            # pandas strings are object or str dtype; dates datetime64 at any resolution
            same_dtype = read[fmt][name][0] == dtype or {read[fmt][name][0], dtype} <= {"O", "T"}
            assert same_dtype, (fmt, name, read[fmt][name][0], dtype)
            assert read[fmt][name][2] == values, (fmt, name)
    assert read["csv"]["period_end"][0] == "M" and read["csv"]["value"][0] == "f"


def polars_reads(files: dict[str, Path]) -> dict[str, pl.DataFrame]:
    overrides = {c: pl.Float64 for c in NUMBERS} | {c: pl.Date for c in DATES}
    with sqlite3.connect(files["sqlite"]) as con:
        # SQLite stores dates as ISO text: polars is told they are dates
        sql = (
            pl.read_database(f"SELECT * FROM {TABLE}", con, infer_schema_length=None)
            .with_columns(pl.col(DATES).str.to_date(), pl.col(NUMBERS).cast(pl.Float64))
            .with_columns(pl.col(pl.Null).cast(pl.String))
        )  # a column with no value yet is text
    return {
        "csv": pl.read_csv(files["csv"], schema_overrides=overrides),
        "parquet": pl.read_parquet(files["parquet"]),
        "sqlite": sql,
    }


def test_polars_reads_the_three_formats_alike(files):
    read = polars_reads(files)
    csv = read["csv"].with_columns(pl.col(pl.String).replace("", None))
    for fmt in ("parquet", "sqlite"):
        assert read[fmt].schema == csv.schema, fmt
        assert read[fmt].equals(csv), fmt
    assert csv.schema["period_end"] == pl.Date and csv.schema["value_low"] == pl.Float64


def test_duckdb_reads_csv_and_parquet_alike(files):
    # a dataset record's key (locator) looks like a date but is text: DuckDB is told so
    types = {c: "DOUBLE" for c in NUMBERS} | {"locator": "VARCHAR"}
    csv = duckdb.sql(f"SELECT * FROM read_csv('{files['csv']}', types={types})")
    parquet = duckdb.sql(f"SELECT * FROM '{files['parquet']}'")
    assert csv.columns == parquet.columns
    assert csv.dtypes == parquet.dtypes
    assert dict(zip(csv.columns, map(str, csv.dtypes), strict=True))["period_end"] == "DATE"
    assert csv.fetchall() == parquet.fetchall()


def test_every_format_says_what_was_stated(files):
    shown = {c.claim_id: (c.as_stated, c.period) for c in claims_view(ROOT).claims}
    for fmt, frame in pandas_reads(files).items():
        stated = zip(frame["value_as_stated"], frame["period_as_stated"], strict=True)
        got = dict(zip(frame["claim_id"], stated, strict=True))
        assert got == shown, fmt
    assert any(text.startswith("more than ") for text, _ in shown.values())
    assert any("–" in text for text, _ in shown.values())


def test_the_sqlite_file_searches_quotes_and_notes(files):
    with sqlite3.connect(files["sqlite"]) as con:
        for table in ("claims", "claims_flat"):
            hits = con.execute(
                f"SELECT claim_id FROM {table} WHERE rowid IN "
                f"(SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH 'deserters')"
            ).fetchall()
            expected = con.execute(
                f"SELECT claim_id FROM {table} WHERE quote LIKE '%deserters%' "
                "OR notes LIKE '%deserters%'"
            ).fetchall()
            assert hits and sorted(hits) == sorted(expected)


def test_datasette_metadata_names_labels_descriptions_licence_and_search(files):
    meta = json.loads(files["datasette"].read_text(encoding="utf-8"))
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["title"] == descriptor["title"]
    assert meta["license"] == "CC-BY-4.0" and meta["license_url"].startswith("https://")
    tables = meta["databases"]["manpower-0.1.0"]["tables"]
    assert tables["metrics"]["label_column"] == "label"
    assert tables["claimants"]["label_column"] == "name"
    assert tables["sources"]["label_column"] == "source_id"  # every source has one
    assert tables["claims"]["fts_table"] == "claims_fts"
    assert tables["claims_flat"]["fts_table"] == "claims_flat_fts"
    assert tables["claims"]["description"].startswith("One row per figure")
    assert tables["claims"]["columns"]["quote"]
    with sqlite3.connect(files["sqlite"]) as con:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert {t["fts_table"] for t in tables.values() if "fts_table" in t} <= names
