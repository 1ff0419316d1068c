"""Which ``value_kind`` a quote's own words give a figure: "more than N", "up to N", "X to Y".

One mapping, used by the semantic rule ``value-kind-wording`` and by anything that drafts claims
from text, so the two never disagree. Only explicit wording counts: a bare figure says nothing
(it may be exact, a forecast or a reading), so it gives ``None``.

The conventions it encodes (README, "Conventions"):

- "more than", "over", "above", "topping", "in excess of", "upwards of", "exceeding" N:
  ``more_than``; "at least", "no fewer/less than", "a minimum of", "N or more": ``at_least``;
- "up to", "as high as", "as many as", "as much as", "at most", "no more than", "a maximum
  of": ``up_to``; "less than", "fewer than", "under", "below": ``less_than``;
- "between X and Y", "X to Y", "X-Y", "X–Y" (unspaced dash): ``range`` for both X and Y;
- "about", "approximately", "around", "roughly", "some", "an estimated", "circa", "≈", and
  "nearly" / "almost" N (one rule: the figure named, slightly above the truth): ``approximate``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from manpower.validation.quote_numbers import states

_UNIT_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety"
)
_SCALE = r"(?:dozen|hundred|thousand|million|billion)"
# One figure as a quote writes it, with its span: "$1,600", "10 000", "3.5", "1 million",
# "two dozen", "twenty-five", "a thousand", "half", "twice".
_FIGURE = re.compile(
    r"(?<![\w.,])\$?\s?(?:\d{1,3}(?:[,\u00a0\u202f ]\d{3})+|\d+)(?:\.\d+)?(?![\d])"
    rf"(?:\s+{_SCALE}\b)?(?:\s?%)?"
    rf"|\b(?:{_UNIT_WORDS})(?:-(?:{_UNIT_WORDS}))?(?:\s+{_SCALE})?\b"
    rf"|\ba\s+{_SCALE}\b"
    r"|\b(?:half|twice|double|quarter|third)\b"
)
# Words right before a figure that say how it is bounded; matched at the end of the preceding
# text. Longer phrases come first where one ends another ("no more than" before "more than").
_BEFORE: tuple[tuple[str, str], ...] = (
    ("up_to", r"no more than|up to|as high as|as many as|as much as|at most|a maximum of"),
    ("at_least", r"at least|no fewer than|no less than|a minimum of"),
    (
        "more_than",
        r"more than|greater than|over|above|topping|in excess of|upwards of|exceeding",
    ),
    ("less_than", r"less than|fewer than|under|below"),
    (
        "approximate",
        r"about|approximately|around|roughly|some|an estimated|estimated|circa|nearly|almost"
        r"|close to|≈|~",
    ),
)
_BEFORE_RE = tuple(
    (kind, re.compile(rf"(?:^|[^\w])(?:{words})\s*(?:\$\s?)?$")) for kind, words in _BEFORE
)
# What can start a figure after a qualifying word: a digit, "$", or a number word.
_STARTS_FIGURE = rf"(?:\$\s?)?(?:[0-9]|(?:a|an|half|twice|double|quarter|third|{_UNIT_WORDS})\b)"


@functools.cache
def _nfkc_changes() -> str:
    """A Rust character class of the characters NFKC rewrites (fullwidth letters and digits,
    no-break and other spaces, ligatures, mathematical letters...): a quote holding one may
    read differently once normalised, so the fast filters let it through. CJK and other
    compatibility forms that cannot become a qualifier or a figure are left out.
    """
    planes = [
        *range(0x80, 0xD800),
        *range(0xE000, 0x10000),
        *range(0x1D400, 0x1D800),  # mathematical alphanumerics
        *range(0x1F100, 0x1F200),  # enclosed alphanumerics
        *range(0x1FBF0, 0x1FC00),  # segmented digits
    ]
    changed = [c for c in planes if unicodedata.normalize("NFKC", chr(c)) != chr(c)]
    ranges: list[list[int]] = []
    for c in changed:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return (
        "["
        + "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
        + "]"
    )


def _triggers(kind: str) -> list[str]:
    """Rust regexes, one of which matches wherever a quote's words give some figure a kind other
    than ``kind`` (ASCII word boundaries: faster, and a superset of Python's)."""
    wb = r"(?-u:\b)"
    starts = _STARTS_FIGURE.replace(r"\b", wb).replace("[0-9]", r"\d")
    units = rf"{wb}(?:{_UNIT_WORDS})"
    triggers = [rf"{wb}(?:{words})\s*{starts}" for k, words in _BEFORE if k != kind]
    if kind != "approximate":  # "~" and "≈" are not words: no word boundary before them
        triggers.append(rf"[~≈]\s*{starts}")
    if kind != "range":
        triggers.append(rf"(?:[\d%]|{units})\s+to\s+|\d[-–—]\d|{wb}between{wb}")
    if kind != "at_least":
        triggers.append(rf"[\d%]\s*or\s+(?:more|above|higher){wb}")
    if kind != "up_to":
        triggers.append(rf"[\d%]\s*or\s+(?:fewer|less|below){wb}")
    return triggers


def suspect(kind: str) -> Any:
    """A polars expression, true for every quote whose words could give a figure a kind other
    than ``kind`` (a quote it leaves false agrees with ``kind``). The semantic rule runs
    :func:`kind_from_wording` only where it is true, so it stays fast on large tables.
    """
    import polars as pl

    return pl.col("quote").str.contains(_either(_triggers(kind)))


def maybe_suspect(kind: str) -> Any:
    """A cheaper first pass than :func:`suspect`, true wherever it is (and more often): the
    qualifying words of the other kinds as plain text, which the regex engine finds with a
    literal search. Filtering with it first leaves :func:`suspect` few rows to read."""
    import polars as pl

    words = [re.escape(w) for k, ws in _BEFORE if k != kind for w in ws.split("|")]
    if kind != "range":
        words += [r"\sto\s", "[-–—]", "between"]
    if kind != "at_least":
        words.append(r"or\s+(?:more|above|higher)")
    if kind != "up_to":
        words.append(r"or\s+(?:fewer|less|below)")
    return pl.col("quote").str.contains(_either(words))


def _either(patterns: list[str]) -> str:
    """Any of ``patterns`` in any case, a character NFKC rewrites, or an invisible format
    character (U+200B...: :func:`_clean` deletes them, so "more\u200bthan" may hide a
    qualifier). The class stays outside the case-insensitive group: folded, it would take in
    "k" (Kelvin sign) and "s" (long s)."""
    return f"(?i:{'|'.join(patterns)})|{_nfkc_changes()}|\\p{{Cf}}"


_AFTER = (
    ("at_least", re.compile(r"^\s*(?:or more|or above|or higher)\b")),
    ("up_to", re.compile(r"^\s*(?:or fewer|or less|or below)\b")),
)
# A dash joins a range only unspaced ("2–3"): a spaced dash is a parenthesis ("in 2025 – six").
_RANGE_JOIN = re.compile(r"^(?:[-–—]|\s+to\s+)$")


@functools.cache
def _format_characters() -> dict[int, None]:
    """Every format character (Unicode category Cf: zero-width space and joiners, soft hyphen,
    bidi marks, tags...), mapped to nothing for ``str.translate``."""
    planes = (*range(0x10000), *range(0xE0000, 0xE0080))
    return {c: None for c in planes if unicodedata.category(chr(c)) == "Cf"}


def _clean(text: str) -> str:
    """The quote as a reader sees it: format characters draw nothing, so they are deleted
    before the words are read ("more\u200b than 5,000" says "more than"), then NFKC, lower case."""
    return unicodedata.normalize("NFKC", text.translate(_format_characters())).lower()


def _figures(text: str) -> list[re.Match[str]]:
    return list(_FIGURE.finditer(text))


def _in_range(text: str, figures: list[re.Match[str]], i: int) -> bool:
    """Whether figure ``i`` is one end of "X to Y", "X-Y" or "between X and Y"."""
    for a, b in ((i - 1, i), (i, i + 1)):
        if a < 0 or b >= len(figures):
            continue
        gap = text[figures[a].end() : figures[b].start()]
        if _RANGE_JOIN.match(gap):
            return True
        if gap.strip() == "and" and re.search(r"\bbetween\s*$", text[: figures[a].start()]):
            return True
    return False


def _kind_at(text: str, figures: list[re.Match[str]], i: int) -> str | None:
    if _in_range(text, figures, i):
        return "range"
    before = text[: figures[i].start()]
    for kind, pattern in _BEFORE_RE:
        if pattern.search(before):
            return kind
    after = text[figures[i].end() :]
    for kind, pattern in _AFTER:
        if pattern.match(after):
            return kind
    return None


def kind_from_wording(quote: str, value: float) -> str | None:
    """The value_kind the quote's words give ``value``, or None when they say nothing.

    None also when the quote does not state ``value``, or states it more than once in
    different ways (once bare, once as "more than"): then the words do not decide.
    """
    kind = _read_kind(_clean(quote), value)
    if kind is None and quote != quote.translate(_format_characters()):
        # a format character may stand where a space was ("more\u200bthan"): read it as one too
        spaced = {c: " " for c in _format_characters()}
        kind = _read_kind(unicodedata.normalize("NFKC", quote.translate(spaced)).lower(), value)
    return kind


def _read_kind(text: str, value: float) -> str | None:
    figures = _figures(text)
    kinds = {
        _kind_at(text, figures, i)
        for i, match in enumerate(figures)
        if states(match.group(0).replace("$", ""), value)
    }
    if len(kinds) != 1:
        return None
    return kinds.pop()


def compatible(value_kind: str, wording: str | None) -> bool:
    """Whether a claim's value_kind agrees with what its quote's wording says.

    ``interpreted`` (a reading, explained in notes) and ``forecast`` (a single projected figure,
    whatever its wording) are free; otherwise explicit wording must be the recorded kind.
    """
    if wording is None or value_kind in ("interpreted", "forecast"):
        return True
    return value_kind == wording


_WILL = re.compile(r"\b(?:will|would|is expected to|are expected to|is projected to)\b", re.I)


def draft_kind(quote: str, value: float) -> str:
    """The value_kind ``manpower draft`` proposes: the wording's, else a forecast where the quote
    speaks of the future ("will"), else exact. A proposal for a person to check, unlike
    :func:`kind_from_wording`, which says only what the words make certain."""
    return kind_from_wording(quote, value) or ("forecast" if _WILL.search(quote) else "exact")


def is_range(text: str) -> bool:
    """Whether a figure as written is two values: "between 18 and 65", "60 to 90", "60-90"."""
    return bool(
        re.match(r"between\b", text, re.I) or re.search(r"[\d%]\s*[-–—]\s*[$€£]?\d|\s+to\s+", text)
    )
