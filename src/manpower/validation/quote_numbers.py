"""Find the numbers a piece of text states, so a claim can be checked against its quote.

Quotes write figures many ways: "10,000", "50 554", "$3,524", "7%", "1 million", "six",
"two dozen", "half". The check is deliberately generous about *how* a figure is written and
strict about *which* figure: 10000 must appear as a number in the quote, not merely as digits
inside another number.
"""

from __future__ import annotations

import re
import unicodedata

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_MULTIPLIERS = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
_SPECIAL = {
    "half": (0.5, 50.0),
    "twice": (2.0,),
    "double": (2.0,),
    "quarter": (0.25, 25.0),
    "third": (1 / 3,),
}

# A digit group: 10,000 / 10 000 (also a narrow or no-break space) / 3.5 / 350
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.(\d+))?(?![\d])")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def numbers_in_text(text: str) -> set[float]:
    """Every value the text can be read as stating."""
    text = _clean(text)
    found: set[float] = set()
    for match in _NUMBER.finditer(text):
        whole = re.sub(r"[,\u00a0\u202f ]", "", match.group(1))
        value = float(f"{whole}.{match.group(2)}" if match.group(2) else whole)
        found.add(value)
        rest = text[match.end() :].lstrip()
        for word, factor in _MULTIPLIERS.items():
            if rest.startswith(word):
                found.add(value * factor)
    words = _WORD.findall(text)
    for i, word in enumerate(words):
        parts = word.split("-")
        if all(p in _UNITS for p in parts):
            value = float(sum(_UNITS[p] for p in parts))
            found.add(value)
            if i + 1 < len(words) and words[i + 1] in _MULTIPLIERS:
                found.add(value * _MULTIPLIERS[words[i + 1]])
        elif word in _SPECIAL:
            found.update(_SPECIAL[word])
        elif word in _MULTIPLIERS and (i == 0 or words[i - 1] in ("a", "one")):
            found.add(float(_MULTIPLIERS[word]))
    return found


def states(text: str, value: float) -> bool:
    """Whether ``text`` states ``value`` (up to floating-point noise)."""
    return any(abs(found - value) <= 1e-9 * max(1.0, abs(value)) for found in numbers_in_text(text))
