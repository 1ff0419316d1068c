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

# The text people search: a full-text index (SQLite FTS5, ``<table>_fts``) per table, which
# Datasette offers as a search box (``datasette_metadata``).
SEARCHED: dict[str, tuple[str, ...]] = {
    "claims": ("quote", "notes"),
    "claims_flat": ("quote", "notes"),
}
# What Datasette shows for a row a foreign key points at, instead of its id. Sources show their
# id: a source may have no title, and an empty label column reads "None".
LABELS = {"metrics": "label", "claimants": "name", "sources": "source_id"}

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
    text = read_text(table.path, len(model.fields))
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
        if says_what_was_stated(snapshot):
            _full_text(con, snapshot)
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


def says_what_was_stated(snapshot: Snapshot) -> bool:
    """Whether the package's flat table carries ``value_as_stated``: packages made since the
    exports say what was stated. A release is rebuilt from its commit and must give the bytes
    its record holds, so the SQLite file of an older package is built as it was then (no
    full-text index)."""
    for resource in snapshot.descriptor.get("resources", []):
        schema = resource.get("schema")
        if resource.get("name") == "claims_flat" and isinstance(schema, dict):
            return any(f.get("name") == "value_as_stated" for f in schema.get("fields", []))
    return False


def _full_text(con: sqlite3.Connection, snapshot: Snapshot) -> None:
    tables = snapshot.tables()
    for name, columns in SEARCHED.items():
        if name not in tables or any(c not in tables[name].model.field_names for c in columns):
            continue
        listed = ", ".join(map(_quote, columns))
        con.execute(
            f"CREATE VIRTUAL TABLE {_quote(name + '_fts')} USING fts5({listed}, "
            f"content={_quote(name)})"
        )
        con.execute(
            f"INSERT INTO {_quote(name + '_fts')} (rowid, {listed}) "
            f"SELECT rowid, {listed} FROM {_quote(name)}"
        )


def datasette_metadata(snapshot: Snapshot, database: str) -> dict[str, Any]:
    """Datasette's ``metadata.json`` for the SQLite file whose name (without .sqlite) is
    ``database``: the package's title, description and licence; per table its title,
    description, column descriptions, the column naming a row (``label_column``) and the
    full-text index (``fts_table``)."""
    descriptor = snapshot.descriptor
    licences = [lic for lic in descriptor.get("licenses", []) if isinstance(lic, dict)]
    data_licence = licences[0] if licences else {}
    searched = says_what_was_stated(snapshot)
    tables: dict[str, Any] = {}
    for name, table in snapshot.tables().items():
        resource = next(r for r in descriptor["resources"] if r.get("name") == name)
        entry: dict[str, Any] = {
            "title": resource.get("title") or table.schema.get("title") or name,
            "description": resource.get("description") or table.schema.get("description") or "",
            "columns": {
                f.name: f.data.get("description") or f.data.get("title") or ""
                for f in table.model.fields
            },
        }
        if name in LABELS:
            entry["label_column"] = LABELS[name]
        if searched and name in SEARCHED:
            entry["fts_table"] = f"{name}_fts"
        tables[name] = entry
    about = {
        "title": descriptor.get("title") or descriptor.get("name") or database,
        "description": descriptor.get("description") or "",
        "license": data_licence.get("name") or "",
        "license_url": data_licence.get("path") or "",
    }
    homepage = descriptor.get("homepage")
    if homepage:
        about["source_url"] = homepage
    return {**about, "databases": {database: {**about, "tables": tables}}}
