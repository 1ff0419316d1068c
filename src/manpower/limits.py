"""What the package caps, in one place: table size, problems printed, characters echoed.

Every command that reads a curated table (``validate``, ``submit``, ``fmt``)
refuses one larger than :func:`max_table_bytes` (``MANPOWER_MAX_TABLE_BYTES``, else
:data:`MAX_TABLE_BYTES`) before reading it, with the same message, so a table ``validate`` accepts
is one ``submit`` can add rows to. Every message that repeats a
value from a file passes it through :func:`excerpt`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol, TypeVar

from manpower import problems as catalogue
from manpower.errors import ManpowerError, UsageError

# Sized by memory, measured with scripts/bench_validate.py and scripts/bench_submit.py: 1M
# claims make a claims.csv of about 280 MB; `validate` peaks at about 5x the table size and
# `submit` (which holds every row as Python text) at about 15x. 512 MiB is room for 1.8M such
# claims, at about 8 GB of memory for a submit.
MAX_TABLE_BYTES = 512 * 1024 * 1024
# The environment variable that replaces MAX_TABLE_BYTES, for a machine with more memory (and for
# the benchmark's 1M real-shaped rows, about 581 MB).
MAX_TABLE_BYTES_ENV = "MANPOWER_MAX_TABLE_BYTES"
# Problems printed per rule; the rest are counted (validate and submit, in every format).
MAX_PROBLEMS_PER_RULE = 50
# Characters of a value from a file that a message repeats.
MAX_ECHO_CHARS = 80
# Header labels beyond a table's schema fields reported one by one (extra-label); a wider header
# is refused before any row is read (table-too-wide), since the schema knows the width.
MAX_EXTRA_COLUMNS = 50
# Characters of a whole message: its quoted values are excerpts already; this is a backstop for
# messages a library (frictionless) words with values of its own.
MAX_MESSAGE_CHARS = 1000


class _HasRule(Protocol):
    @property
    def rule(self) -> str: ...


P = TypeVar("P", bound=_HasRule)


class TableTooLarge(ManpowerError):
    """A curated table larger than :func:`max_table_bytes`."""


def max_table_bytes() -> int:
    """The bytes a curated table may have: ``$MANPOWER_MAX_TABLE_BYTES``, else the default.

    Read at each check rather than at import, so a test or a shell can change it. A value that
    is not a whole number of bytes is a usage error (exit 2) rather than a silent default: a
    mistyped limit would otherwise refuse, or accept, tables the caller did not mean to.
    """
    given = os.environ.get(MAX_TABLE_BYTES_ENV)
    if given is None:
        return MAX_TABLE_BYTES
    if not re.fullmatch(r"[0-9]+", given.strip()):
        raise UsageError(
            f"{MAX_TABLE_BYTES_ENV} must be a whole number of bytes, not {excerpt(given)!r}"
        )
    return int(given.strip())


TOO_LARGE_FIX = catalogue.fix(catalogue.TABLE_TOO_LARGE)


def table_too_large(display: str, size: int) -> str | None:
    """The one-line reason a table of ``size`` bytes is refused, or None when it is not."""
    limit = max_table_bytes()
    if size <= limit:
        return None
    return catalogue.message(catalogue.TABLE_TOO_LARGE, display=display, size=size, limit=limit)


def check_table_size(path: Path, display: str) -> None:
    """Refuse a curated table over the limit before anything reads it."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader reports a missing or unreadable file in its own words
    reason = table_too_large(display, size)
    if reason:
        raise TableTooLarge(f"{reason}; {TOO_LARGE_FIX}")


def excerpt(value: str, limit: int = MAX_ECHO_CHARS) -> str:
    """``value`` as a message may repeat it: at most ``limit`` characters, then the length."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}... ({len(value):,} characters)"


def cap_problems(problems: list[P], unlisted: dict[str, int]) -> list[P]:
    """The first :data:`MAX_PROBLEMS_PER_RULE` problems of each rule, in order; the others are
    added to ``unlisted`` (rule -> count), which may already count problems never built."""
    kept: list[P] = []
    per_rule: dict[str, int] = {}
    for problem in problems:
        rule = problem.rule
        if per_rule.get(rule, 0) < MAX_PROBLEMS_PER_RULE:
            per_rule[rule] = per_rule.get(rule, 0) + 1
            kept.append(problem)
        else:
            unlisted[rule] = unlisted.get(rule, 0) + 1
    return kept
