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
from manpower.releasing.snapshot import Snapshot, TableFile

if TYPE_CHECKING:
    import polars as pl

    from manpower.schema import TableSchema

SQL_TYPES = {
    "string": "TEXT",
    "number": "REAL",
    "integer": "INTEGER",
    "boolean": "INTEGER",
    "date": "DATE",
    "datetime": "DATETIME",
    "year": "INTEGER",
}


def typed_table(table: TableFile) -> pl.DataFrame:
    """The table's schema fields with the types the schema declares; empty cells are null."""
    from manpower.schema import read_text, typed_frame

    model = table.model
    text = read_text(table.path)
    missing = [name for name in model.field_names if name not in text.columns]
    if missing:
        columns = ", ".join(missing)
        raise ManpowerError(f"{table.path.name}: no column {columns} (the schema has it)")
    try:
        return typed_frame(text, model).select(model.field_names)
    except ManpowerError as exc:
        raise ManpowerError(f"{table.path.name}: a cell does not match its type ({exc})") from None


def write_parquet(snapshot: Snapshot, folder: Path, prefix: str) -> list[Path]:
    """``<prefix><table>.parquet`` per table in ``folder``."""
    out = []
    for name, table in snapshot.tables().items():
        path = folder / f"{prefix}{name}.parquet"
        typed_table(table).write_parquet(path, compression="zstd", statistics=True)
        out.append(path)
    return out


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: TableSchema) -> str:
    lines = []
    for field in table.fields:
        line = f"{_quote(field.name)} {SQL_TYPES.get(field.type, 'TEXT')}"
        if field.required:
            line += " NOT NULL"
        if field.unique:
            line += " UNIQUE"
        lines.append(line)
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
    for fk in table.foreign_keys:
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_quote, fk.fields))}) REFERENCES {_quote(fk.table)} "
            f"({', '.join(map(_quote, fk.reference))})"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_quote(table.name)} (\n  {body}\n)"


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def write_sqlite(snapshot: Snapshot, path: Path) -> dict[str, int]:
    """One database with every table; raises if a foreign key does not resolve."""
    path.unlink(missing_ok=True)
    counts = {}
    con = sqlite3.connect(path)
    try:
        for name, table in snapshot.tables().items():
            con.execute(create_table_sql(table.model))
            frame = typed_table(table)
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
