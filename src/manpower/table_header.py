"""A table's header, capped before any row is read: every reader of a package's tables (validate,
diff, show, the exports, ``manpower.load``) goes through :func:`check_width`, so a header of
200,000 columns is refused in one line rather than read into gigabytes (issue 22 item 16)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from manpower import catalogue, limits
from manpower.errors import ManpowerError


class TooWide(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit


def column_limit(fields: int | None) -> int:
    """The most columns a table of ``fields`` schema fields may have (``None``: schema unknown)."""
    return limits.MAX_TABLE_COLUMNS if fields is None else fields + limits.MAX_EXTRA_COLUMNS


def too_wide_message(fields: int | None) -> str:
    if fields is None:
        return catalogue.message(
            catalogue.TABLE_TOO_WIDE, "no-schema", limit=limits.MAX_TABLE_COLUMNS
        )
    return catalogue.message(
        catalogue.TABLE_TOO_WIDE,
        limit=column_limit(fields),
        fields=fields,
        extra=limits.MAX_EXTRA_COLUMNS,
    )


def read_header(handle: Any, limit: int) -> list[str]:
    """The header's labels, refused (``TooWide``) past ``limit`` labels. The header line is
    scanned in chunks for commas, so a wide one is never read whole; ``handle`` is rewound."""
    with limits.csv_field_limit():  # a label past it is a source-error, whoever imported what
        text = ""
        commas = 0
        while True:
            chunk = handle.read(64 * 1024)
            end = chunk.find("\n")
            commas += chunk.count(",", 0, end if end >= 0 else len(chunk))
            text += chunk
            if commas >= limit:  # n commas, n + 1 labels
                # commas may sit inside quoted labels: count the labels themselves
                labels = next(csv.reader(io.StringIO(text, newline="")), [])
                if len(labels) > limit:
                    raise TooWide(limit)
            if end >= 0 or not chunk or commas >= limit:
                break
        handle.seek(0)
        return next(csv.reader(handle), [])


def check_width(path: Path, fields: int | None) -> None:
    """Refuse, in one line, a table whose header is wider than its schema allows. A file that
    cannot be opened or decoded is left to the reader that follows, which words it."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            read_header(handle, column_limit(fields))
    except TooWide:
        fix = catalogue.fix(catalogue.TABLE_TOO_WIDE)
        raise ManpowerError(
            f"{path.name}: [{catalogue.TABLE_TOO_WIDE}] {too_wide_message(fields)}. Fix: {fix}."
        ) from None
    except (OSError, UnicodeDecodeError, csv.Error):
        return
