"""Read a CSV file that may be hostile or broken, and say in one line what is wrong with it.

Nothing here trusts the file: size, encoding, byte-order marks, NUL and control characters,
line endings, quoting and the row structure are checked before a cell is used. The csv module
alone would accept an unbalanced quote and silently merge every following line into one cell,
so each record's physical line span is compared with the line structure of the file.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from manpower import catalogue
from manpower.errors import ManpowerError
from manpower.limits import (
    CSV_FIELD_LIMIT,
    MAX_CELL_CHARS,
    MAX_LABEL_SHOWN,
    MAX_LABELS_SHOWN,
    MAX_SUBMIT_FILE_BYTES,
    csv_field_limit,
)
from manpower.paths import TABLES

if TYPE_CHECKING:
    from manpower.schema import TableSchema

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class IntakeError(ManpowerError):
    """A file that cannot be read as a table, with where and why.

    ``rule`` is the catalogue's id (manpower.catalogue); its ``variant`` wording is filled with
    ``params`` for the reason and the fix.
    """

    def __init__(
        self,
        rule: str,
        display: str,
        *,
        row: int | None = None,
        column: str | None = None,
        variant: str | None = None,
        **params: object,
    ) -> None:
        reason = catalogue.message(rule, variant, **params)
        fix = catalogue.fix(rule, variant, **params)
        self.display, self.reason, self.fix = display, reason, fix
        self.row, self.column, self.rule = row, column, rule
        where = [display]
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {reason}; {fix}")


@dataclass
class Parsed:
    """A file's header and records; each record carries the physical line it starts on."""

    display: str
    header: list[str]
    records: list[tuple[int, list[str]]] = field(default_factory=list)

    def rows(self) -> list[tuple[int, dict[str, str]]]:
        return [(line, dict(zip(self.header, cells, strict=True))) for line, cells in self.records]

    def check_header(self, table: str, schema: TableSchema) -> None:
        """Same columns as the schema (in any order): none unknown, missing or duplicated."""
        names = schema.field_names
        seen: dict[str, int] = {}
        for position, name in enumerate(self.header, start=1):
            if name in seen:
                raise IntakeError(
                    catalogue.DUPLICATE_LABEL,  # validate's id for the same concept
                    self.display,
                    row=1,
                    variant="intake",
                    label=shown_label(name),
                    first=seen[name],
                    second=position,
                )
            seen[name] = position
        unknown = [n for n in self.header if n not in names]
        if unknown:
            hint = ""
            stripped = [n for n in unknown if n.strip() in names]
            if stripped:
                hint = " (there are spaces around the name)"
            listed = ", ".join(shown_label(n) for n in unknown[:MAX_LABELS_SHOWN])
            if len(unknown) > MAX_LABELS_SHOWN:
                listed += f" and {len(unknown) - MAX_LABELS_SHOWN:,} more"
            raise IntakeError(
                catalogue.UNKNOWN_COLUMN,
                self.display,
                row=1,
                plural="s" if len(unknown) > 1 else "",
                labels=listed,
                hint=hint,
                table=table,
                fields=", ".join(names),
            )
        missing = [n for n in names if n not in seen]
        if missing:
            raise IntakeError(
                catalogue.MISSING_COLUMN,
                self.display,
                row=1,
                plural="s" if len(missing) > 1 else "",
                columns=", ".join(missing),
                table=table,
            )


def shown_label(label: str) -> str:
    """A header label from the file as a message may quote it: escaped, and only its start.

    The file may not be what the contributor thinks (a .env, a key file), so an unknown label
    is never echoed whole.
    """
    text = repr(label[:MAX_LABEL_SHOWN])
    return text + f"... ({len(label):,} characters)" if len(label) > MAX_LABEL_SHOWN else text


def display_path(path: Path) -> str:
    """A path as messages show it: as typed, with any control character escaped (a file name
    with a line break would otherwise forge lines of output, e.g. GitHub annotations)."""
    text = str(path)
    return text if text.isprintable() else repr(text)[1:-1]


def read_file(
    path: Path, display: str, *, follow_link: bool = False, max_bytes: int = MAX_SUBMIT_FILE_BYTES
) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``max_bytes``.

    FIFOs, devices and folders are refused (a FIFO would block forever, /dev/zero never ends),
    and so is a symbolic link unless ``follow_link`` (a submitted link could point at a
    secret; a link in data/ is the repository's own, and writing through it is confined
    elsewhere). The file is opened without blocking and checked on the open descriptor, so it
    cannot be swapped between the check and the read; at most one byte past the limit is read.
    """
    # O_NOFOLLOW and O_NONBLOCK are POSIX; elsewhere the fstat check below still holds
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_link:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise IntakeError(catalogue.NO_FILE, display) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _not_regular(display, "a symbolic link") from None
        raise IntakeError(catalogue.UNREADABLE_FILE, display, reason=exc.strerror) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(display, _KINDS.get(stat.S_IFMT(info.st_mode), "not a file"))
        if info.st_size > max_bytes:
            raise _too_large(display, info.st_size, max_bytes)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        raise _too_large(display, None, max_bytes)
    return raw


_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def _not_regular(display: str, kind: str) -> IntakeError:
    return IntakeError(catalogue.NOT_A_REGULAR_FILE, display, kind=kind)


def _too_large(display: str, size: int | None, limit: int) -> IntakeError:
    has = f"has {size:,} bytes" if size is not None else "grew while it was read"
    return IntakeError(catalogue.FILE_TOO_LARGE, display, has=has, limit=limit)


def _decode(raw: bytes, display: str, strip_bom: bool, max_bytes: int) -> str:
    if len(raw) > max_bytes:
        raise _too_large(display, len(raw), max_bytes)
    if not raw.strip():
        raise IntakeError(catalogue.EMPTY_FILE, display)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IntakeError(catalogue.ENCODING, display, variant="utf-16-bom")
    if raw.startswith(b"\xef\xbb\xbf") and strip_bom:
        raw = raw[3:]
    elif raw.startswith(b"\xef\xbb\xbf"):
        raise IntakeError(catalogue.BYTE_ORDER_MARK, display)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        utf16 = raw[1::2].count(0) > len(raw) // 4 or raw[0::2].count(0) > len(raw) // 4
        raise IntakeError(
            catalogue.ENCODING, display, variant="utf-16" if utf16 else "nul", line=line
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IntakeError(catalogue.ENCODING, display, byte=raw[exc.start], line=line) from None
    # CRLF is what spreadsheets on Windows write: normalise it. A bare CR is not a line end
    # anyone writes on purpose, and the csv module would treat it as one.
    text = text.replace("\r\n", "\n")
    cr = text.find("\r")
    if cr >= 0:
        raise IntakeError(catalogue.LINE_ENDING, display, line=text[:cr].count("\n") + 1)
    control = _CONTROL.search(text)
    if control:
        line = text[: control.start()].count("\n") + 1
        raise IntakeError(
            catalogue.CONTROL_CHARACTER,
            display,
            variant="intake",
            code=ord(control.group()),
            line=line,
        )
    return text


def _physical_lines(text: str) -> list[str]:
    return text.split("\n")


def _records(text: str, display: str, lines: list[str]) -> list[tuple[int, list[str]]]:
    """The CSV records of ``text`` with the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise IntakeError(
                    catalogue.UNBALANCED_QUOTE, display, row=start, line=start
                ) from None
            if reader.line_num > start:
                raise IntakeError(
                    catalogue.UNBALANCED_QUOTE,
                    display,
                    row=start,
                    variant="still-open",
                    line=start,
                    end=reader.line_num,
                ) from None
            raise IntakeError(
                catalogue.MALFORMED_CSV,
                display,
                row=reader.line_num,
                line=reader.line_num,
                error=exc,
            ) from None
        end = reader.line_num
        if not cells:
            continue  # a blank line
        if end > start:
            _multiline(display, cells, start, end, lines, records)
        records.append((start, cells))
    return records


def read_csv(
    raw: bytes,
    display: str,
    *,
    require_rows: bool = True,
    strip_bom: bool = False,
    max_bytes: int | None = None,
) -> Parsed:
    """Parse ``raw`` as a one-record-per-line UTF-8 CSV, or raise :class:`IntakeError`.

    ``strip_bom`` is for ``fmt`` on the curated tables, where removing a BOM is the fix.
    ``max_bytes`` defaults to the limit of an update file; the curated tables have their own
    (:func:`manpower.limits.max_table_bytes`, checked by the caller before reading).
    """
    text = _decode(raw, display, strip_bom, max_bytes or MAX_SUBMIT_FILE_BYTES)
    lines = _physical_lines(text)
    with csv_field_limit(max(len(text) + 1, CSV_FIELD_LIMIT)):
        records = _records(text, display, lines)
    if not records:
        raise IntakeError(catalogue.EMPTY_FILE, display)
    header, body = records[0][1], records[1:]
    if not body and require_rows:
        raise IntakeError(catalogue.NO_ROWS, display)
    width = len(header)
    for line, cells in body:
        if len(cells) != width:
            raise IntakeError(
                # validate's ids for the same concepts: one id per concept across the layers
                catalogue.EXTRA_CELL if len(cells) > width else catalogue.MISSING_CELL,
                display,
                row=line,
                variant="intake",
                cells=len(cells),
                width=width,
            )
        if not any(c.strip() for c in cells):
            raise IntakeError(catalogue.BLANK_ROW, display, row=line, variant="intake")
        if max(map(len, cells), default=0) <= MAX_CELL_CHARS:
            continue  # the common case, checked without a Python loop over the cells
        for name, cell in zip(header, cells, strict=True):
            if len(cell) > MAX_CELL_CHARS:
                raise IntakeError(
                    catalogue.CELL_TOO_LARGE,
                    display,
                    row=line,
                    column=name,
                    size=len(cell),
                    limit=MAX_CELL_CHARS,
                )
    return Parsed(display, header, body)


def _multiline(
    display: str,
    cells: list[str],
    start: int,
    end: int,
    lines: list[str],
    records: list[tuple[int, list[str]]],
) -> None:
    """A record spanning several lines: an unbalanced quote, or a line break inside a cell.

    Curated tables keep one row per line, so both are rejected; the message says which it
    looks like, because the first silently swallows rows.
    """
    header = records[0][1] if records else cells
    column_index = next((i for i, c in enumerate(cells) if "\n" in c), 0)
    column = header[column_index] if column_index < len(header) else None
    swallowed = [ln for ln in lines[start:end] if ln.count(",") >= max(len(header) // 2, 1)]
    if swallowed:
        raise IntakeError(
            catalogue.UNBALANCED_QUOTE,
            display,
            row=start,
            column=column,
            variant="closed-later",
            line=start,
            end=end,
            lines=_lines(start + 1, end),
        )
    raise IntakeError(
        catalogue.LINE_BREAK_IN_CELL, display, row=start, column=column, start=start, end=end
    )


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"


def identify_table(path: Path, header: Sequence[str], schemas: dict[str, TableSchema]) -> str:
    """The table a submitted file is for: by file name, else by a header matching one table.

    The table name is only ever one of TABLES, so nothing in the file name decides where data
    is written.
    """
    if path.stem in TABLES and path.suffix.lower() == ".csv":
        return path.stem
    matches = [t for t in TABLES if set(schemas[t].field_names) == set(header)]
    if len(matches) == 1:
        return matches[0]
    raise IntakeError(
        catalogue.UNKNOWN_TABLE,
        display_path(path),
        tables=", ".join(t + ".csv" for t in TABLES),
    )
