"""What a text cell may hold, and how text is made safe for a terminal.

Three rules, each as a Python pattern (for a single cell) and a Rust pattern (for polars, whose
``\\s`` lacks the ASCII separators ``\\x1c-\\x1f`` that Python's includes):

- a cell must not start like a spreadsheet formula (OWASP's CSV-injection rule): its first
  character that is not a space is ``= + - @``, a tab or a CR, or a fullwidth ``＝ ＋ － ＠``.
  There is no exception: ``-A1``, ``-SUM(1)`` and ``-cmd|' /C calc'!A0`` all start with "-" and a
  letter, so a quote starting that way cannot be told from a formula; a leading dash or bullet
  is not part of a figure, so it is left out of the quote;
- no control characters: C0 and C1 controls (line breaks included, in every field: ``fmt`` and
  ``submit`` keep each cell on one line, so ``validate`` refuses what they would), DEL, the
  bidirectional overrides and isolates U+202A-U+202E and U+2066-U+2069, and the line and
  paragraph separators U+2028/U+2029;
- a text that is not empty has a visible character, required or optional: whitespace, format
  characters (U+200B...), combining marks alone and the blank "letters" (U+3164 HANGUL FILLER,
  U+2800 BRAILLE PATTERN BLANK...) do not fill it.

The rules apply to every string field of every table, as the Table Schemas list them.
"""

from __future__ import annotations

import re
import unicodedata

# leading whitespace other than tab and CR (those start a formula themselves), then the start
FORMULA = re.compile(r"^[^\S\t\r]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")
FORMULA_RUST = r"^[\s\x1c-\x1f&&[^\t\r]]*[=+\-@\t\r\x{ff1d}\x{ff0b}\x{ff0d}\x{ff20}]"

_CONTROLS = r"\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[\n{_CONTROLS}]")
_CONTROLS_RUST = r"\x00-\x09\x0b-\x1f\x7f-\x{9f}\x{2028}\x{2029}\x{202a}-\x{202e}\x{2066}-\x{2069}"
CONTROL_RUST = rf"[\n{_CONTROLS_RUST}]"
# Characters that draw nothing but are letters or symbols by category.
BLANK_LETTERS = "\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
# A visible character: not whitespace, not a control, format or combining character, not a
# blank letter. Rust's classes are Unicode-aware, so polars checks it as is.
VISIBLE_RUST = (
    r"[^\s\p{Cc}\p{Cf}\p{Mn}\p{Me}\p{Zs}\p{Zl}\p{Zp}"
    r"\x{115f}\x{1160}\x{17b4}\x{17b5}\x{2800}\x{3164}\x{ffa0}]"
)
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"}


def starts_like_formula(text: str) -> bool:
    return FORMULA.match(text) is not None


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def has_visible(text: str) -> bool:
    return any(
        not c.isspace()
        and c not in BLANK_LETTERS
        and unicodedata.category(c) not in _INVISIBLE_CATEGORIES
        for c in text
    )


def terminal_safe(text: str) -> str:
    """``text`` with every control, bidi or separator character a terminal would act on written
    as ``\\uXXXX`` (also a valid escape inside JSON strings); line breaks and tabs stay."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
