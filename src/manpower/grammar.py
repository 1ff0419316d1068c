"""The one number grammar and the one date grammar of the package.

A number cell is the JSON / Table Schema lexical form: an optional ``-``, ASCII digits, an
optional fraction and an optional exponent (``-12``, ``3.5``, ``1e6``), with at most
:data:`manpower.limits.MAX_DIGITS` digits and a two-digit exponent (float64 holds every such
number exactly enough to read it back as written). Nothing else: no ``+``,
no spaces, no group separators (``1_000``, ``1,000``), no digits of other scripts (``５``, ``٥``),
no ``NaN`` or ``Infinity`` (they are not JSON numbers and no reader of the exports agrees on
them). A date cell is ``YYYY-MM-DD`` in ASCII digits and a real calendar date.

The validation engine, ``submit`` and the semantic layer use these definitions, so a value
that validates is one that ``manpower.load``, the Parquet and SQLite exports and ``show`` read
back as the same number or date. Python's ``float()`` and ``decimal.Decimal`` (which frictionless
uses) are more lenient; ``validate`` adds this check on top of them.
"""

from __future__ import annotations

import datetime as dt
import re

from manpower.limits import MAX_DIGITS, MAX_EXPONENT_DIGITS

# [0-9], not \d: \d matches every Unicode digit in Python's re. The digit budget is spelled out
# as alternatives (the Rust regex of polars has no look-ahead).
_MANTISSA = "|".join(
    [f"[0-9]{{1,{MAX_DIGITS}}}"]
    + [f"[0-9]{{{k}}}\\.[0-9]{{1,{MAX_DIGITS - k}}}" for k in range(1, MAX_DIGITS)]
)
NUMBER = rf"^-?(?:{_MANTISSA})(?:[eE][+-]?[0-9]{{1,{MAX_EXPONENT_DIGITS}}})?$"
INTEGER = rf"^-?[0-9]{{1,{MAX_DIGITS}}}$"
DATE = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$"
_NUMBER = re.compile(NUMBER)
_DATE = re.compile(DATE)
# The Table Schema types whose default format this module defines.
TYPES = ("number", "integer", "date")


def is_number(text: str) -> bool:
    # fullmatch: re.match with "$" alone would also accept a trailing newline
    return _NUMBER.fullmatch(text) is not None


def parse_date(text: str) -> dt.date | None:
    """The date ``text`` writes, or None (``2025-02-30``, ``2025-7-1``, ``２０２５-…``)."""
    if _DATE.fullmatch(text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def is_date(text: str) -> bool:
    return parse_date(text) is not None
