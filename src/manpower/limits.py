"""What the package caps, in one place: table size, problems printed, characters echoed, and
the bounds on untrusted input (a submitted file, a downloaded release index, a release archive).

Every command that reads a curated table (``validate``, ``submit``, ``fmt``)
refuses one larger than :func:`max_table_bytes` (``MANPOWER_MAX_TABLE_BYTES``, else
:data:`MAX_TABLE_BYTES`) before reading it, with the same message, so a table ``validate`` accepts
is one ``submit`` can add rows to. Every message that repeats a
value from a file passes it through :func:`excerpt`.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from manpower import catalogue
from manpower.errors import ManpowerError, UsageError

# Sized by memory, measured with scripts/bench_validate.py and scripts/bench_submit.py (README,
# Performance): the benchmark's 1M real-shaped claims make a claims.csv of about 591 MB, which
# `validate` checks at a peak of about 1.8 GB (about 3x the CSV); `submit`, which holds every row
# as Python text, peaks at about 15x its tables. 1 GiB admits the package's own 1M-claims
# benchmark, at about 3.5 GB to validate and 16 GB to submit, within this project's 24 GB machines.
MAX_TABLE_BYTES = 1024 * 1024 * 1024
# The environment variable that replaces MAX_TABLE_BYTES, for a machine with more or less memory.
MAX_TABLE_BYTES_ENV = "MANPOWER_MAX_TABLE_BYTES"
# The dates a cell of any date field may hold (rule date-range). Every reader of the package must
# read them back: pandas' datetime64[ns] (manpower.load) ends at 1677 and 2262, and the charts
# pad their axes by months on either side of year 1 or 9999. A claim about this war, or a source
# reporting it, has no business outside this range; a date such as 0001-01-02 is a typing slip.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

# Characters of one CSV cell the csv module reads before it refuses the file: its own default,
# which validate's message for an oversized header label quotes.
CSV_FIELD_LIMIT = 131_072

# The most MANPOWER_TIMEOUT may say: a day. Beyond, socket and monotonic-clock arithmetic
# overflows (1e400 is inf), and no download should hang longer.
MAX_TIMEOUT = 86_400.0

# The number grammar (manpower.grammar): at most 15 significant digits (integer and fraction
# together) and a two-digit exponent: every such number is a float64 that reads back as the
# same decimal (15 = DBL_DIG), no integer passes 2^53 (9007199254740993 would compare equal to
# 9007199254740992), and no exponent makes it overflow to infinity or underflow to 0 (1e-400
# is not 0, and -1e-400 is not >= 0).
MAX_DIGITS = 15
MAX_EXPONENT_DIGITS = 2
# Reading figures in a document (manpower.text_numbers): a run of digits joined by separators
# ("1,000,000", "3.5") with more than MAX_DIGITS digits is no figure: no news report states a
# count of 16 digits, and the number grammar could not hold its value exactly (a 20-digit count
# would be drafted rounded). The figure patterns read at most this many digit groups, multiplier
# words and number words in a row, so that no pattern scans an unbounded run from each of its
# positions (a 160,000-character line of 9s took 20 s): figure reading stays linear in the
# document's length. Five groups of three digits are MAX_DIGITS digits; "a thousand million
# million" is three multipliers; "one hundred twenty-five thousand" six words.
MAX_FIGURE_GROUPS = MAX_DIGITS // 3
MAX_FIGURE_MULTIPLIERS = 3
MAX_FIGURE_WORDS = 8

# Bytes of a document `draft` and `coverage` read: the largest archived news report is about
# 10 KB; 1 MiB is a hundred times that, and reading it stays under a second.
MAX_DOCUMENT_BYTES = 1024 * 1024
# Problems printed per rule; the rest are counted (validate and submit, in every format).
MAX_PROBLEMS_PER_RULE = 50
# Characters of a value from a file that a message repeats.
MAX_ECHO_CHARS = 80
# Header labels beyond a table's schema fields reported one by one (extra-label); a wider header
# is refused before any row is read (table-too-wide), since the schema knows the width.
MAX_EXTRA_COLUMNS = 50
# Columns of a table read where its schema is not at hand (manpower.table_header): far above
# any table of the package (the widest schema has a few dozen fields).
MAX_TABLE_COLUMNS = 1_000
# Characters of a whole message: its quoted values are excerpts already; this is a backstop for
# messages a library (frictionless) words with values of its own.
MAX_MESSAGE_CHARS = 1000
# Lines and sentences of a document (those sharing most words with it) compared by difflib with
# a quote that is not in it, to show the closest passage (submit); each comparison costs about
# quote length x sentence length.
MAX_PASSAGE_CANDIDATES = 50

# ---- a submitted file (contributing.intake) --------------------------------------------------
MAX_SUBMIT_FILE_BYTES = 20 * 1024 * 1024
MAX_CELL_CHARS = 10_000  # far above any schema maxLength; a bigger cell is a mistake or an attack
MAX_LABEL_SHOWN = 20  # of an unknown header label: enough to recognise a typo, not a secret
MAX_LABELS_SHOWN = 5
# difflib compares the word with every candidate: past this many (a claims table's ids, not a
# vocabulary) a suggestion per bad cell would make a large submission quadratic, so none is made.
MAX_SUGGESTION_CANDIDATES = 5_000

# ---- a package's paths (safe_paths) ----------------------------------------------------------
MAX_PATH_SHOWN = 80

# ---- a downloaded release index (releasing.release_index, releasing.fetch) -------------------
# Bounds on what a downloaded index may hold: far above any real index, far below harm.
MAX_INDEX_BYTES = 8 << 20
MAX_INDEX_RELEASES = 10_000
MAX_RELEASE_FILES = 100  # files of one release
MAX_RELEASE_FILE_BYTES = 4 << 30
MAX_URL_CHARS = 2048
MAX_INDEX_VALUE_SHOWN = 60
MAX_VERSIONS_LISTED = 10  # the known versions named when a version is not in the index
MAX_REDIRECTS = 10

# ---- a release archive (releasing.archive) ---------------------------------------------------
# Bounds on an untrusted archive, far above any release of the package (a few dozen members,
# four folders deep, CSV compressing some 5-10 times): an archive past one of them is refused.
MAX_ARCHIVE_MEMBERS = 1_000
MAX_MEMBER_NAME_CHARS = 255
MAX_MEMBER_DEPTH = 8
MAX_UNPACK_RATIO = 100  # unpacked bytes per archive byte
MAX_UNPACKED_BYTES = 2 << 30
MAX_MEMBER_NAME_SHOWN = 80

# ---- the changelog and diff (releasing.changelog) --------------------------------------------
# Keys listed per kind of change; the rest are counted ("... and N more").
MAX_CHANGES_LISTED = 50
# A dataset snapshot `manpower import` reads (the relays' files are 0.2 to 0.8 MB), and one record
# of it (a few hundred bytes): a larger file or record is a mistake or an attack.
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024
MAX_RECORD_BYTES = 64 * 1024


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


def document_too_large(path: Path, name: str) -> str | None:
    """The one-line reason the document at ``path`` is refused (over MAX_DOCUMENT_BYTES), or
    None when it is not (or cannot be read: the reader reports that in its own words)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= MAX_DOCUMENT_BYTES:
        return None
    return catalogue.message(
        catalogue.DOCUMENT_TOO_LARGE, name=name, size=size, limit=MAX_DOCUMENT_BYTES
    )


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


@contextmanager
def csv_field_limit(limit: int = CSV_FIELD_LIMIT) -> Iterator[None]:
    """The csv module's field limit set to ``limit`` while reading, then restored. The limit is
    the process's: a library that raises it (frictionless does, on import) or a reader that
    left it raised would otherwise change what the next reader reports."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)
