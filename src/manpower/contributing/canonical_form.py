"""The canonical form of a curated table, shared by ``manpower fmt`` and ``manpower submit``.

Canonical means: UTF-8 without byte-order mark, LF line endings, columns in schema order, rows
sorted by primary key, minimal quoting, cells trimmed and in Unicode NFC. One table has exactly
one canonical text, so a diff shows only real changes and ``fmt --check`` is a plain comparison.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from manpower import catalogue
from manpower.paths import present_tables
from manpower.safe_paths import data_file
from manpower.schema import load_schemas

if TYPE_CHECKING:
    from manpower.schema import TableSchema

Row = dict[str, str]


def canonical_cell(value: str) -> str:
    """Trimmed, NFC, and with every line break as LF (a bare CR would end the row when read)."""
    if value.isascii() and "\r" not in value:  # most cells: ASCII is NFC already
        return value.strip()
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def canonical_row(row: Row, fields: Sequence[str]) -> Row:
    return {name: canonical_cell(row.get(name, "")) for name in fields}


def primary_key(schema: TableSchema) -> list[str]:
    """The columns that order and identify rows: the schema's primary key, or, for a table
    without one, its first column (one table must have exactly one canonical text, so rows are
    always sorted by something)."""
    return list(schema.primary_key or schema.field_names[:1])


def sort_key(row: Row, key: Sequence[str]) -> tuple[str, ...]:
    return tuple(row.get(name, "") for name in key)


def render_table(rows: Iterable[Row], schema: TableSchema) -> str:
    """The canonical text of a table: rows are canonicalised, then sorted by primary key."""
    fields = schema.field_names
    return render_canonical_rows((canonical_row(r, fields) for r in rows), schema)


def render_canonical_rows(rows: Iterable[Row], schema: TableSchema) -> str:
    """:func:`render_table` of rows that are canonical already (each cell canonical_cell'd)."""
    fields = schema.field_names
    key = primary_key(schema)
    ordered = sorted(rows, key=lambda r: sort_key(r, key))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(fields)
    writer.writerows([row[name] for name in fields] for row in ordered)
    return buffer.getvalue()


@dataclass(frozen=True)
class FormatResult:
    """One curated table: its path, current bytes, canonical bytes, and why they differ."""

    table: str
    path: Path
    current: bytes
    canonical: bytes
    reasons: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.current != self.canonical


def reasons_not_canonical(
    raw: bytes, rows: list[Row], header: list[str], schema: TableSchema
) -> list[str]:
    """Plain-words reasons why ``raw`` is not canonical (best effort; the bytes decide)."""

    def reason(variant: str, **params: str) -> str:
        return catalogue.message(catalogue.NOT_CANONICAL, variant, **params)

    reasons = []
    if raw.startswith(b"\xef\xbb\xbf"):
        reasons.append(reason("bom"))
    if b"\r" in raw:
        reasons.append(reason("crlf"))
    if tuple(header) != schema.field_names:
        reasons.append(reason("columns"))
    key = primary_key(schema)
    keys = [sort_key(r, key) for r in rows]
    if keys != sorted(keys):
        reasons.append(reason("rows", key=", ".join(key)))
    if any(v != v.strip() for r in rows for v in r.values()):
        reasons.append(reason("spaces"))
    if any(v != unicodedata.normalize("NFC", v) for r in rows for v in r.values()):
        reasons.append(reason("nfc"))
    return reasons


def format_table(root: Path, table: str) -> FormatResult:
    """Read one curated table strictly and compute its canonical bytes (nothing is written)."""
    from manpower.contributing.intake import read_csv, read_file
    from manpower.limits import check_table_size, max_table_bytes

    schema = load_schemas(root)[table]
    path = data_file(root, table)
    display = f"data/{table}.csv"
    check_table_size(path, display)
    limit = max_table_bytes()
    raw = read_file(path, display, follow_link=True, max_bytes=limit)
    parsed = read_csv(raw, display, require_rows=False, strip_bom=True, max_bytes=limit)
    parsed.check_header(table, schema)
    rows = [row for _, row in parsed.rows()]
    canonical = render_table(rows, schema).encode("utf-8")
    reasons: tuple[str, ...] = ()
    if canonical != raw:
        found = reasons_not_canonical(raw, rows, parsed.header, schema)
        reasons = tuple(found or [catalogue.message(catalogue.NOT_CANONICAL)])
    return FormatResult(table, path, raw, canonical, reasons)


def format_tables(root: Path) -> list[FormatResult]:
    return [format_table(root, table) for table in present_tables(root)]


def format_repository(
    root: Path, *, check: bool, notify: Callable[[str], None] | None = None
) -> list[FormatResult]:
    """Compute the canonical form of every curated table; unless ``check``, write it.

    All tables are read and checked before any is written, and they are replaced together.
    ``notify`` is told, in one line, about an interrupted earlier write recovered first.
    """
    from manpower.contributing.transaction import locked, replace_all

    if check:
        return format_tables(root)
    with locked(root, notify):
        results = format_tables(root)
        replace_all(root, {r.path: r.canonical for r in results if r.changed}, notify)
    return results
