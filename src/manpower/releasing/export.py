"""Exports for people who do not read CSV: Parquet (one file per table) and one SQLite database.

Types come from the Table Schemas: numbers as floats, integers as integers, dates as dates, empty
cells as nulls. The SQLite database declares primary keys, NOT NULL, UNIQUE and foreign keys
(SQLite enforces foreign keys once a connection runs ``PRAGMA foreign_keys = ON``; DuckDB and
Datasette open the file as is).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from manpower.errors import ManpowerError
from manpower.releasing.snapshot import Snapshot, Table

if TYPE_CHECKING:
    import polars as pl

SQL_TYPES = {
    "string": "TEXT",
    "number": "REAL",
    "integer": "INTEGER",
    "boolean": "INTEGER",
    "date": "DATE",
    "datetime": "DATETIME",
    "year": "INTEGER",
}


def typed_frame(table: Table) -> pl.DataFrame:
    """The table with the column types its schema declares; empty cells are null."""
    import polars as pl

    dtypes: dict[str, Any] = {"number": pl.Float64, "integer": pl.Int64, "year": pl.Int64}
    frame = pl.read_csv(table.path, infer_schema=False, encoding="utf8")
    columns = []
    for field in table.schema["fields"]:
        name, kind = field["name"], field.get("type", "string")
        col = pl.col(name).replace("", None)
        if kind == "date":
            col = col.str.to_date("%Y-%m-%d", strict=True)
        elif kind == "datetime":
            col = col.str.to_datetime(strict=True)
        elif kind == "boolean":
            truthy = col.str.to_lowercase().is_in(["true", "1", "yes"])
            col = pl.when(col.is_null()).then(None).otherwise(truthy)
        elif kind in dtypes:
            col = col.cast(dtypes[kind], strict=True)
        columns.append(col.alias(name))
    try:
        return frame.select(columns)
    except pl.exceptions.PolarsError as exc:
        raise ManpowerError(f"{table.path.name}: a cell does not match its type ({exc})") from None


def write_parquet(snapshot: Snapshot, folder: Path, prefix: str) -> list[Path]:
    """``<prefix><table>.parquet`` per table in ``folder``."""
    out = []
    for name, table in snapshot.tables().items():
        path = folder / f"{prefix}{name}.parquet"
        typed_frame(table).write_parquet(path, compression="zstd", statistics=True)
        out.append(path)
    return out


def _keys(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(name: str, schema: dict[str, Any]) -> str:
    lines = []
    for field in schema["fields"]:
        constraints = field.get("constraints", {})
        line = f"{_quote(field['name'])} {SQL_TYPES.get(field.get('type', 'string'), 'TEXT')}"
        if constraints.get("required"):
            line += " NOT NULL"
        if constraints.get("unique"):
            line += " UNIQUE"
        lines.append(line)
    if schema.get("primaryKey"):
        lines.append(f"PRIMARY KEY ({', '.join(map(_quote, _keys(schema['primaryKey'])))})")
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_quote, _keys(fk['fields'])))}) REFERENCES "
            f"{_quote(ref.get('resource') or name)} "
            f"({', '.join(map(_quote, _keys(ref['fields'])))})"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_quote(name)} (\n  {body}\n)"


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def write_sqlite(snapshot: Snapshot, path: Path) -> dict[str, int]:
    """One database with every table; raises if a foreign key does not resolve."""
    path.unlink(missing_ok=True)
    counts = {}
    con = sqlite3.connect(path)
    try:
        for name, table in snapshot.tables().items():
            con.execute(create_table_sql(name, table.schema))
            frame = typed_frame(table)
            marks = ", ".join("?" * len(frame.columns))
            con.executemany(
                f"INSERT INTO {_quote(name)} VALUES ({marks})",
                ([_cell(v) for v in row] for row in frame.iter_rows()),
            )
            counts[name] = frame.height
        con.commit()
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, rowid, parent, _ = broken[0]
            raise ManpowerError(
                f"SQLite export: {len(broken)} foreign keys do not resolve "
                f"(first: {table} row {rowid} -> {parent})"
            )
        con.execute("VACUUM")
    finally:
        con.close()
    return counts
