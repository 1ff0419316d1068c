"""Find every figure a document states, with where it stands, so none goes unaccounted.

A figure is what a reader would take for a number: digits with or without separators
("10,000", "3.5", "7%", "$3,524", "20th"), digits with a multiplier ("1 million"), number words
("six", "two dozen", "half", "fourth"), multipliers ("six times", "twice"), ranges ("60 to 90",
"60-90", "2–3", "two to four", "between 18 and 65"), vague quantities ("hundreds", "tens of
thousands") and references to a figure stated elsewhere ("the same number", "similar numbers").

Calendar dates and clock times ("December 31", "Jan. 2", "2025-12-15", "9:57 AM", a bare year
such as 2024) and web addresses are not figures: they are what a claim's period and a source's
url record, so they are masked before the search. The values of a figure are read with the
package's own quote grammar (``manpower.validation.quote_numbers.numbers_in_text``), so a figure
and a claim agree on what "1 million" or "half" means.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from manpower.validation.quote_numbers import _MULTIPLIERS, _SPECIAL, _UNITS, numbers_in_text

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# Spans that look numeric but are dates, times or addresses; replaced by spaces before the search.
_NOT_FIGURES = re.compile(
    "|".join(
        [
            r"\b(?:https?://|www\.)\S+",
            r"\b[\w.-]+\.(?:com|org|net|me|co|io|ua|ru)/\S*",
            r"\S*\.(?:jpe?g|png|gif|webp|svg)\)?",
            r"\b\d{4}-\d{2}-\d{2}\b",
            r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?",
            rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,\s*\d{{4}}\b(?!-\d))?",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b(?:\s+\d{{4}}\b)?",
            r"(?<![\d,.$€£])\b(?:19|20)\d{2}\b(?![%\d]|,\d|\.\d)",
        ]
    ),
    re.IGNORECASE,
)

_DIGITS = r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_AMOUNT = rf"[$€£]?(?:{_DIGITS})(?:\s*%)?"
_SCALE = r"(?:\s+(?:dozen|hundred|thousand|million|billion))*"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER_WORD = (
    rf"(?:(?:{_TENS})(?:-(?:{_ONES}))?|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
)
_WORDS = rf"(?:{_NUMBER_WORD}){_SCALE}"
_ORDINALS = (
    "third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    "fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
)
_VAGUE = (
    r"(?:tens|hundreds|dozens)\s+of\s+(?:thousands|millions)|hundreds\s+of\s+thousands|"
    r"dozens|hundreds|thousands|millions|billions|"
    # a share without a number ("the majority of POWs"): only an interpreted claim reads one
    r"majority"
)
_ELSEWHERE = r"the\s+same\s+number|a\s+similar\s+number|similar\s+numbers"
_DASH = r"\s*[-–—]\s*|\s+to\s+"

# Longest forms first: a range is one figure, not two.
_FIGURE = re.compile(
    "|".join(
        [
            rf"(?P<between>between\s+(?:{_AMOUNT}{_SCALE}|{_WORDS})\s+and\s+(?:{_AMOUNT}{_SCALE}|{_WORDS}))",
            rf"(?<![\w.]){_AMOUNT}{_SCALE}(?:{_DASH}){_AMOUNT}{_SCALE}(?![\w.]\w)",
            rf"\b{_WORDS}(?:{_DASH}){_WORDS}\b(?:\s+times\b)?",
            rf"(?<![\w.]){_AMOUNT}(?:st|nd|rd|th)?{_SCALE}(?:\s+times\b)?(?![\w]|\.\d)",
            rf"\b(?:a\s+)?{_WORDS}\b(?:\s+times\b)?",
            rf"\b(?:{_ORDINALS})\b",
            rf"\b(?:{'|'.join(_SPECIAL)})\b",
            rf"\b(?:{_VAGUE})\b",
            rf"\b(?:{_ELSEWHERE})\b",
            r"\ba\s+(?:dozen|hundred|thousand|million|billion)\b",
        ]
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """One figure in a text: where it stands (``start``/``end``, 1-based ``line``) and its values.

    ``values`` is empty for a vague quantity or a reference to a figure stated elsewhere: only a
    claim marked ``interpreted`` reads a value into those. ``needs`` is how many claims it takes.
    """

    start: int
    end: int
    line: int
    text: str
    values: frozenset[float]
    # "similar numbers" stands for several figures stated elsewhere: one claim is not all of them
    needs: int = 1


def normalise(text: str) -> str:
    """NFC, as the tables store text, so that quotes and excerpts are found where they stand."""
    return unicodedata.normalize("NFC", text)


def _mask(text: str) -> str:
    return _NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), text)


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order of position."""
    masked = _mask(text)
    found = []
    for match in _FIGURE.finditer(masked):
        raw = text[match.start() : match.end()]
        if not raw.strip():
            continue
        values = frozenset(numbers_in_text(raw))
        if re.fullmatch(r"a\s+\w+", raw, re.IGNORECASE):
            values = frozenset({float(_MULTIPLIERS[raw.split()[-1].lower()])})
        found.append(
            Figure(
                start=match.start(),
                end=match.end(),
                line=text.count("\n", 0, match.start()) + 1,
                text=raw,
                values=values,
                needs=2
                if re.fullmatch(rf"(?:{_ELSEWHERE})", raw, re.I) and raw.endswith("s")
                else 1,
            )
        )
    return found


def line_of(text: str, figure: Figure) -> str:
    """The line a figure stands on, stripped, for a report."""
    begin = text.rfind("\n", 0, figure.start) + 1
    end = text.find("\n", figure.end)
    return text[begin : end if end >= 0 else len(text)].strip()


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``needle`` stands in ``text``."""
    spans = []
    if not needle:
        return spans
    at = text.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
