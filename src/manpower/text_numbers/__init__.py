"""Reading figures in text, in the document's own language: the one reader of numbers.

``draft``, ``coverage``, the ``quote-states-value`` rule and the ``value-kind-wording`` rule all
read through this module, with the vocabulary of the source's ``language`` (a BCP 47 tag; its
primary subtag picks the file, ``ru-RU`` reads as ``ru``; a language without a vocabulary reads
as English). A vocabulary is a TOML file beside this one (``en.toml``, ``ru.toml``,
``uk.toml``): adding a language is adding a file, the code does not change. A vocabulary gives
the decimal and thousands separators, number words in all their case forms, multipliers
("thousand", "тыс.", "тисяч"), the words that bound a figure ("more than", "более",
"понад"), month names and the words after a year, duration and article words, the
abbreviations a sentence does not end at, and a few marker words that tell the language of a
text.

What a figure is (``find_figures``): digits, with the language's separators ("10,000",
"10 000", "10.000" in Russian and Ukrainian, "3,5" with a decimal comma there), a percent
with or without a space, a multiplier after them ("1 million", "3,5 тыс.", "77 тисяч"),
number words ("six", "двадцать пять", "дві тисячі", "полтора"), special words ("half",
"половина", "вдвічі"), ranges ("60 to 90", "15–20%", "от 15 до 20%", "від 10 до 12 тисяч": one
figure, the multiplier of the high end applying to a bare low end), vague quantities
("thousands", "десятки тысяч", "тисячі", read by an ``interpreted`` claim), and "the same
number" / "столько же". Calendar dates, clock times, years and web addresses are not figures
("December 31", "21 сентября", "8 листопада 2024 року", "11.11.2022", "в октябре 2022 года",
"2025-12-15", "9:57"); nor is anything inside a terminal control sequence (ESC/OSC), which is
masked first.

Edge cases, decided once:

- A multiplier belongs to its number: "77 тисяч" states 77000 and not 77, "1 million" states
  1000000 and not 1.
- A multiplier alone is the number in its singular forms ("тысяча", "тисячу", "миллион": 1000,
  1000000, as "a thousand" is in English); "тысячи"/"тисячі" alone is vague ("thousands"),
  also where it is a genitive singular ("около тысячи"): read it as ``interpreted``.
- "один"/"одна" (one) is not a number word in Russian or Ukrainian: it is mostly "one of".
  Ordinal words are figures in English only; digits with a case ending ("3-й", "5-го") are
  ordinals in every language, and ``draft`` proposes them as exclusions.
- A bare number from 1900 to 2099 is a year, as in English ("в 2023 году").
- "до N" is ``up_to``, unless "от"/"від"/"с"/"з" opens a range before it ("от 15 до 20%" is a
  ``range``); "до N включно"/"включительно" is ``up_to`` too. "не более"/"не більше" (no more
  than) is ``up_to``, "не менее"/"не менше" (no less than) and "как минимум"/"щонайменше"
  ``at_least``, "более"/"свыше"/"понад"/"більше ніж" ``more_than``, "менее"/"менше"
  ``less_than``, "почти"/"около"/"майже"/"близько" and the like ``approximate`` (as "nearly"
  and "about" are in English: the figure named). "N и более"/"N і більше" is ``at_least``.
- A spaced dash between two figures makes a range for coverage and draft; the qualifier
  reading (``kind_from_wording``) needs an unspaced dash or "to", as "a figure – 617,000 –
  in 2023" is a parenthesis.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from manpower.limits import (
    MAX_DIGITS,
    MAX_FIGURE_GROUPS,
    MAX_FIGURE_MULTIPLIERS,
    MAX_FIGURE_WORDS,
)

DEFAULT_LANGUAGE = "en"
KINDS_BEFORE = ("up_to", "at_least", "more_than", "less_than", "approximate")
# Apostrophes Ukrainian writes three ways (п'ять, п’ять, пʼять): read as one, length kept.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})
# Terminal control sequences (CSI, OSC, other ESC and C1 forms): masked before figures are read.
CONTROL_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[P_^X][^\x1b\x9c]*(?:\x1b\\|\x9c)?|\x1b[ -/]*[0-~]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


@dataclass(frozen=True)
class Figure:
    """One figure in a text: where it stands (``start``/``end``, 1-based ``line``) and its values.

    ``values`` is empty for a vague quantity or a reference to a figure stated elsewhere: only a
    claim marked ``interpreted`` reads a value into those. ``needs`` is how many claims it takes.
    ``form`` says what kind of figure it is: ``number``, ``range``, ``ordinal``, ``times``,
    ``vague`` or ``elsewhere`` (``draft`` uses it to propose exclusions).
    """

    start: int
    end: int
    line: int
    text: str
    values: frozenset[float]
    # "similar numbers" stands for several figures stated elsewhere: one claim is not all of them
    needs: int = 1
    form: str = "number"


def _alt(words: list[str] | tuple[str, ...] | dict[str, Any], escape: bool = True) -> str:
    """An alternation of ``words``, longest first (so that a longer form wins)."""
    items = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in items)


@dataclass(frozen=True)
class Vocabulary:
    """One language's words, as its TOML file gives them."""

    language: str
    name: str
    decimal: str
    thousands: tuple[str, ...]
    units: dict[str, float]
    multipliers: dict[str, float]
    special: dict[str, tuple[float, ...]]
    scale_articles: tuple[str, ...]
    bare_multipliers: tuple[str, ...]
    range_words: tuple[str, ...]
    between: tuple[tuple[str, str], ...]
    times: tuple[str, ...]
    ordinal_suffixes: tuple[str, ...]
    ordinals: tuple[str, ...]
    vague: tuple[str, ...]
    elsewhere: tuple[str, ...]
    elsewhere_plural: tuple[str, ...]
    months: tuple[str, ...]
    month_day: bool
    year_words: tuple[str, ...]
    duration_words: tuple[str, ...]
    article_words: tuple[str, ...]
    unit_names: tuple[str, ...]
    age_before: tuple[str, ...]
    idioms: tuple[tuple[str, str, str], ...]
    abbreviations: tuple[str, ...]
    forecast: tuple[str, ...]
    markers: tuple[str, ...]
    before: tuple[tuple[str, tuple[str, ...]], ...]
    after: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_toml(cls, data: dict[str, Any]) -> Vocabulary:
        def words(key: str) -> tuple[str, ...]:
            return tuple(data.get(key, ()))

        return cls(
            language=data["language"],
            name=data["name"],
            decimal=data["decimal"],
            thousands=words("thousands"),
            units={k: float(v) for k, v in data["units"].items()},
            multipliers={k: float(v) for k, v in data["multipliers"].items()},
            special={k: tuple(float(x) for x in v) for k, v in data["special"].items()},
            scale_articles=words("scale_articles"),
            bare_multipliers=words("bare_multipliers"),
            range_words=words("range_words"),
            between=tuple((a, b) for a, b in data.get("between", ())),
            times=words("times"),
            ordinal_suffixes=words("ordinal_suffixes"),
            ordinals=words("ordinals"),
            vague=words("vague"),
            elsewhere=words("elsewhere"),
            elsewhere_plural=words("elsewhere_plural"),
            months=words("months"),
            month_day=bool(data.get("month_day")),
            year_words=words("year_words"),
            duration_words=words("duration_words"),
            article_words=words("article_words"),
            unit_names=words("unit_names"),
            age_before=words("age_before"),
            idioms=tuple((i["pattern"], i["reason"], i["notes"]) for i in data.get("idioms", ())),
            abbreviations=words("abbreviations"),
            forecast=words("forecast"),
            markers=words("markers"),
            before=tuple((kind, tuple(data["before"].get(kind, ()))) for kind in KINDS_BEFORE),
            after=tuple((kind, tuple(v)) for kind, v in data.get("after", {}).items()),
        )


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages with a vocabulary, by their tag."""
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name[:-5] for f in files if f.name.endswith(".toml")))


def language_of(tag: str | None) -> str:
    """The vocabulary a BCP 47 tag reads with: its primary subtag, else English."""
    primary = (tag or "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in languages() else DEFAULT_LANGUAGE


@functools.cache
def vocabulary(tag: str | None = None) -> Vocabulary:
    """The vocabulary of ``tag`` (see :func:`language_of`)."""
    name = language_of(tag)
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return Vocabulary.from_toml(tomllib.loads(text))


def detect_language(text: str) -> str | None:
    """The language of a text, by its script and its marker words; None when unsure."""
    sample = text[:20000].lower()
    cyrillic = sum(1 for c in sample if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in sample if "a" <= c <= "z")
    if not cyrillic and not latin:
        return None
    if latin >= cyrillic:
        return "en" if latin else None
    # the letters only one of the two languages has decide; words where none stands
    uk = sum(sample.count(c) for c in "іїєґ")
    ru = sum(sample.count(c) for c in "ыэъё")
    if uk != ru:
        return "uk" if uk > ru else "ru"
    return None


@functools.cache
def _format_characters() -> dict[int, None]:
    """Every format character (Unicode category Cf: zero-width space and joiners, soft hyphen,
    bidi marks, tags...), mapped to nothing for ``str.translate``."""
    planes = (*range(0x10000), *range(0xE0000, 0xE0080))
    return {c: None for c in planes if unicodedata.category(chr(c)) == "Cf"}


def clean(text: str) -> str:
    """The text as the values are read: format characters draw nothing, so they are deleted
    ("more\u200b than 5,000" says "more than"), then NFKC, lower case, one apostrophe."""
    text = text.translate(_format_characters())
    return unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)


def _end(pattern: str) -> str:
    """``pattern`` as a whole word: no letter (or apostrophe) may continue it."""
    return rf"(?:{pattern})(?![\w'])"


class Grammar:
    """The regular expressions of one vocabulary, compiled once."""

    def __init__(self, v: Vocabulary) -> None:
        self.v = v
        seps = "".join(re.escape(s) for s in v.thousands)
        dec = re.escape(v.decimal)
        self.dec = v.decimal
        self.seps = v.thousands
        # every run of digits, groups and words is bounded (limits.MAX_FIGURE_*), so that no
        # pattern scans an unbounded run from each of its positions: reading stays linear
        groups = rf"\d{{1,3}}(?:[{seps}]\d{{3}}){{1,{MAX_FIGURE_GROUPS - 1}}}"
        whole = rf"\d{{1,{MAX_DIGITS}}}"
        fraction = rf"\d{{1,{MAX_DIGITS}}}"
        self.digits = rf"{groups}(?:{dec}{fraction})?|{whole}(?:{dec}{fraction})?"
        # numbers_in_text: a digit group and its decimals, never digits inside another number
        self.number = re.compile(
            rf"(?<![\w.{dec}])({groups}|{whole})(?:{dec}({fraction}))?(?![\d]|{dec}\d)"
        )
        # a run of digits joined by separators with more digits than a figure has: no number
        # ("1 2 3" are three numbers: a space joins a run only before a group of three digits)
        marks = "".join(sorted({*(s for s in v.thousands if not s.isspace()), v.decimal}))
        spaces = "".join(s for s in v.thousands if s.isspace())
        joined = rf"[{re.escape(marks)}]?\d"
        if spaces:
            joined += rf"|[{re.escape(spaces)}]\d(?=\d\d(?!\d))"
        every = re.escape(marks + spaces)
        self.too_long = rf"(?<!\d)(?<!\d[{every}])\d(?:{joined}){{{MAX_DIGITS},}}+"
        self.too_long_number = re.compile(self.too_long)
        mult = _alt(v.multipliers)
        self.scale_word = re.compile(rf"\s*({_end(mult)})")
        self.scale = rf"(?:\s+{_end(mult)}){{0,{MAX_FIGURE_MULTIPLIERS}}}"
        unit = _end(_alt(v.units))
        self.word = rf"(?<![\w']){unit}(?:[\s-]+{unit}){{0,{MAX_FIGURE_WORDS - 1}}}"
        self.word_token = re.compile(
            rf"(?<![\w']){_end(_alt({**v.units, **v.multipliers, **v.special}))}"
        )
        amount = rf"[$€£]?(?:{self.digits})(?:\s*%)?"
        words = rf"(?:{self.word}){self.scale}"
        times = rf"(?:\s+{_end(_alt(v.times))})?" if v.times else ""
        range_words = "".join(rf"|\s+{re.escape(w)}\s+" for w in v.range_words)
        dash = rf"\s*[-–—]\s*{range_words}"
        either = rf"(?:{amount}{self.scale}|{words})"
        between = "|".join(
            rf"(?<![\w']){re.escape(a)}\s+{either}\s+{re.escape(b)}\s+{either}"
            for a, b in v.between
        )
        ordinal = rf"(?:{'|'.join(v.ordinal_suffixes)})?" if v.ordinal_suffixes else ""
        articles = (
            rf"|(?<![\w'])(?:{_alt(v.scale_articles)})\s+{_end(mult)}" if v.scale_articles else ""
        )
        parts = [
            rf"(?P<between>{between})" if between else None,
            rf"(?P<range>(?<![\w.]){amount}{self.scale}(?:{dash}){amount}{self.scale}(?![\w.]\w))",
            rf"(?P<wrange>(?<![\w']){words}(?:{dash}){words}(?![\w']){times})",
            rf"(?P<amount>(?<![\w.]){amount}(?P<ord>{ordinal}){self.scale}(?P<times>{times})"
            rf"(?![\w]|[.,]\d))",
            rf"(?P<words>(?<![\w']){words}(?![\w'])(?P<wtimes>{times}))",
            rf"(?P<ordinal>(?<![\w']){_end(_alt(v.ordinals))})" if v.ordinals else None,
            rf"(?P<special>(?<![\w']){_end(_alt(v.special))})" if v.special else None,
            rf"(?P<vague>(?<![\w']){_end(_alt(v.vague, escape=False))})" if v.vague else None,
            rf"(?P<plural>(?<![\w']){_end(_alt(v.elsewhere_plural, escape=False))})"
            if v.elsewhere_plural
            else None,
            rf"(?P<elsewhere>(?<![\w']){_end(_alt(v.elsewhere, escape=False))})"
            if v.elsewhere
            else None,
            articles[1:] if articles else None,
            rf"(?P<bare>(?<![\w']){_end(_alt(v.bare_multipliers))})"
            if v.bare_multipliers
            else None,
        ]
        # what a figure can start with: every form needs a non-word character before it; the
        # lookahead lets the engine skip every other position at once (several times faster)
        firsts = {w[0] for w in (*v.units, *v.multipliers, *v.special, *v.ordinals)}
        firsts |= {a[0] for a, _ in v.between} | {w[0] for w in v.scale_articles}
        # a vague pattern may open with a group: any letter in it may start it (a superset)
        firsts |= {c for p in (*v.vague, *v.elsewhere, *v.elsewhere_plural) for c in p}
        firsts = {c for c in firsts if c.isalpha()}
        letters = "".join(sorted({c.lower() for c in firsts} | {c.upper() for c in firsts}))
        start = rf"(?<!\w)(?=[\d$€£{re.escape(letters)}])"
        # longest forms first: a range is one figure, not two
        self.figure = re.compile(
            start + "(?:" + "|".join(p for p in parts if p) + ")", re.IGNORECASE
        )
        joiners = [r"\s*[-–—]\s*", *(rf"\s+{re.escape(w)}\s+" for w in v.range_words)]
        joiners += [rf"\s+{re.escape(b)}\s+" for _, b in v.between]
        self.range_high = re.compile(rf"(?:{'|'.join(joiners)})(?:{self.digits})(?:\s*%)?")
        self.is_range = re.compile(
            rf"^(?:{'|'.join(re.escape(a) for a, _ in v.between)})\b|[\d%]\s*[-–—]\s*[$€£]?\d"
            + "".join(rf"|\s+{re.escape(w)}\s+" for w in v.range_words),
            re.IGNORECASE,
        )
        self.not_figures = re.compile("|".join(self._not_figures()), re.IGNORECASE)
        months = "|".join(v.months)
        self.date_like = re.compile(
            rf"(?<!\w)(?:{months})(?!\w)|^\s*\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}", re.IGNORECASE
        )
        # "two years", and joined by hyphens: "four-year", "two-and-a-half-year"
        self.duration = (
            re.compile(rf"^(?:\s*|-[\w-]*?)(?:{'|'.join(v.duration_words)})(?!\w)", re.I)
            if v.duration_words
            else None
        )
        self.legal_article = (
            re.compile(rf"(?<!\w)(?:{'|'.join(v.article_words)})\s*(?:№\s*)?$", re.IGNORECASE)
            if v.article_words
            else None
        )
        self.unit_name = (
            re.compile(rf"^\s*(?:{'|'.join(v.unit_names)})(?!\w)", re.IGNORECASE)
            if v.unit_names
            else None
        )
        self.age = re.compile("|".join(v.age_before), re.I) if v.age_before else None
        self.idioms = tuple((re.compile(p, re.I), r, n) for p, r, n in v.idioms)
        self.months = [re.compile(rf"(?:{m})(?!\w)", re.IGNORECASE) for m in v.months]
        self.before = tuple(
            (kind, re.compile(rf"(?:^|[^\w])(?:{_alt(words)})\s*(?:\$\s?)?$"))
            for kind, words in v.before
            if words
        )
        self.after = tuple(
            (kind, re.compile(rf"^\s*(?:{_alt(words)})(?![\w'])")) for kind, words in v.after
        )
        self.forecast = re.compile(rf"(?<!\w)(?:{_alt(v.forecast)})(?!\w)", re.IGNORECASE)
        abbreviations = _alt(v.abbreviations)
        self.abbreviation = re.compile(rf"(?:(?<![\w.])(?:{abbreviations})|\b[^\W\d_])\.$", re.I)

    def _not_figures(self) -> list[str]:
        v = self.v
        month = rf"(?:{'|'.join(v.months)})"
        year_words = rf"(?:\s*(?:{'|'.join(v.year_words)})(?!\w))?" if v.year_words else ""
        patterns = [
            CONTROL_SEQUENCE.pattern,
            self.too_long,
            r"\b(?:https?://|www\.)\S+",
            # each from the start of its run only: from every position of a long run, the run
            # would be scanned again to its end (quadratic)
            r"(?<![\w.-])[\w.-]+\.(?:com|org|net|me|co|io|ua|ru)/\S*",
            r"(?<!\S)\S*\.(?:jpe?g|png|gif|webp|svg)\)?",
            r"\b\d{4}-\d{2}-\d{2}\b",
            r"\b\d{1,2}\.\d{1,2}\.(?:19|20)?\d{2}\b",
            r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?",
        ]
        if v.month_day:
            patterns.append(rf"\b{month}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,\s*\d{{4}}\b(?!-\d))?")
        ordinal = rf"(?:{'|'.join(v.ordinal_suffixes)})?" if v.ordinal_suffixes else ""
        day = rf"\d{{1,2}}{ordinal}" if not v.month_day else r"\d{1,2}(?:st|nd|rd|th)?"
        patterns.append(rf"\b{day}\s+{month}(?!\w)(?:\s+\d{{4}}\b{year_words})?")
        patterns.append(r"(?<![\d,.$€£])\b(?:19|20)\d{2}\b(?![%\d]|,\d|\.\d)" + year_words)
        return patterns


@functools.cache
def grammar(tag: str | None = None) -> Grammar:
    return Grammar(vocabulary(tag))


def _value(digits: str, decimals: str | None, g: Grammar) -> float | None:
    """The value of a number as written, or None past MAX_DIGITS digits (no figure)."""
    whole = "".join(c for c in digits if c.isdigit())
    if len(whole) + len(decimals or "") > MAX_DIGITS:
        return None
    return float(f"{whole}.{decimals}" if decimals else whole)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _range_scale(text: str, end: int, g: Grammar) -> float | None:
    """The multiplier of a range's high end, for a bare low end ("10 to 12 thousand")."""
    match = g.range_high.match(text, end)
    if not match:
        return None
    scaled = g.scale_word.match(text, match.end())
    return g.v.multipliers[scaled.group(1)] if scaled else None


def numbers_in_text(text: str, language: str | None = None) -> set[float]:
    """Every value the text can be read as stating, in ``language``'s vocabulary.

    A number followed by a multiplier states the product only ("77 тисяч" is 77000).
    """
    g = grammar(language)
    text = g.too_long_number.sub(_blank, clean(text))
    found: set[float] = set()
    for match in g.number.finditer(text):
        value = _value(match.group(1), match.group(2), g)
        if value is None:
            continue
        scaled = g.scale_word.match(text, match.end())
        if scaled:
            factor = g.v.multipliers[scaled.group(1)]
            value *= factor
            rest = scaled.end()
            # "1.5 million" and "2 thousand million" multiply on
            for _ in range(MAX_FIGURE_MULTIPLIERS - 1):
                if (more := g.scale_word.match(text, rest)) is None:
                    break
                value *= g.v.multipliers[more.group(1)]
                rest = more.end()
            found.add(value)
            continue
        range_scale = _range_scale(text, match.end(), g)
        found.add(value * range_scale if range_scale else value)
    _words_in(text, g, found)
    # "5 million million million ...": a product past float64 is no value a text states
    return {value for value in found if math.isfinite(value)}


def _words_in(text: str, g: Grammar, found: set[float]) -> None:
    """The values of number words: a run of unit words and multipliers joined by spaces or
    hyphens is one number ("twenty-five", "две тысячи пятьсот", "two hundred thousand")."""
    v = g.v
    tokens = [(m.start(), m.end(), m.group(0)) for m in g.word_token.finditer(text)]
    i = 0
    while i < len(tokens):
        start, _end_at, word = tokens[i]
        alone = word in v.bare_multipliers or _article_before(text, start, v)
        if word in v.units or (word in v.multipliers and alone):
            total, current, last, j = 0.0, 0.0, None, i
            while j < len(tokens):
                if j > i and not re.fullmatch(r"[\s-]+", text[tokens[j - 1][1] : tokens[j][0]]):
                    break
                token = tokens[j][2]
                if token in v.units:
                    unit = v.units[token]
                    if last is not None and not (
                        unit < last and _magnitude(unit) < _magnitude(last)
                    ):
                        break
                    current += unit
                    last = unit
                elif token in v.multipliers:
                    current = (current or 1.0) * v.multipliers[token]
                    last = None
                    if v.multipliers[token] >= 1000:
                        total, current = total + current, 0.0
                else:
                    break
                j += 1
            found.add(total + current)
            i = j
            continue
        if word in v.special:
            found.update(v.special[word])
        i += 1


def _article_before(text: str, start: int, v: Vocabulary) -> bool:
    """Whether a multiplier stands alone as a number: "a thousand", or at the very start."""
    before = text[max(0, start - 20) : start].rstrip()
    if start == 0 or not before:
        # "Thousand ..." opening an English quote; a Russian "тысяч" alone is no number
        return bool(v.scale_articles)
    return before.rsplit(None, 1)[-1] in v.scale_articles


def _magnitude(value: float) -> int:
    return len(str(int(value))) if value >= 1 else 0


def states(text: str, value: float, language: str | None = None) -> bool:
    """Whether ``text`` states ``value`` (up to floating-point noise)."""
    return any(same_value(found, value) for found in numbers_in_text(text, language))


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def mask(text: str, language: str | None = None) -> str:
    """``text`` with dates, times, years, addresses and control sequences blanked (same length)."""
    return grammar(language).not_figures.sub(_blank, text)


def _form(match: re.Match[str]) -> str:
    group = match.lastgroup or "number"
    if group in ("between", "range", "wrange"):
        return "range"
    if group == "amount":
        if match.group("ord"):
            return "ordinal"
        return "times" if match.group("times") else "number"
    if group == "words":
        return "times" if match.group("wtimes") else "number"
    if group == "plural":
        return "elsewhere"
    return {"ordinal": "ordinal", "vague": "vague", "elsewhere": "elsewhere"}.get(group, "number")


def find_figures(text: str, language: str | None = None, masked: bool = True) -> list[Figure]:
    """Every figure in ``text``, in order of position (in linear time)."""
    g = grammar(language)
    # the reading text: apostrophes unified (same length); dates and the like blanked
    reading = text.translate(_APOSTROPHES)
    if masked:
        reading = mask(reading, language)
    else:  # a run of digits too long for a figure is never read, masked or not
        reading = g.too_long_number.sub(_blank, reading)
    found = []
    line, counted = 1, 0
    for match in g.figure.finditer(reading):
        raw = text[match.start() : match.end()]
        if not raw.strip():
            continue
        form = _form(match)
        values = (
            frozenset(numbers_in_text(raw, language)) if form not in ("vague",) else frozenset()
        )
        if form == "elsewhere":
            values = frozenset()
        if form == "number" and match.lastgroup == "amount" and not values:
            continue
        line += text.count("\n", counted, match.start())
        counted = match.start()
        found.append(
            Figure(
                start=match.start(),
                end=match.end(),
                line=line,
                text=raw,
                values=values,
                needs=2 if match.lastgroup == "plural" else 1,
                form=form,
            )
        )
    return found


def is_range(text: str, language: str | None = None) -> bool:
    """Whether a figure as written is two values: "between 18 and 65", "60 to 90", "от 15 до 20"."""
    return bool(grammar(language).is_range.search(text))


# "A figure – 617,000 – in 2023": a spaced dash is a parenthesis for the qualifier reading.
_SPACED_DASH = re.compile(r"\d%?\s+[-–—]\s+\S")


def kind_from_wording(quote: str, value: float, language: str | None = None) -> str | None:
    """The value_kind the quote's words give ``value``, or None when they say nothing.

    None also when the quote does not state ``value``, or states it more than once in
    different ways (once bare, once as "more than"): then the words do not decide.
    """
    kind = _read_kind(clean(quote), value, language)
    if kind is None and quote != quote.translate(_format_characters()):
        # a format character may stand where a space was ("more\u200bthan"): read it as one too
        spaced = {c: " " for c in _format_characters()}
        kind = _read_kind(clean(quote.translate(spaced)), value, language)
    return kind


def _read_kind(text: str, value: float, language: str | None) -> str | None:
    g = grammar(language)
    kinds = set()
    for figure in find_figures(text, language, masked=False):
        if not any(same_value(f, value) for f in figure.values):
            continue
        kinds.add(_kind_at(text, figure, g))
    if len(kinds) != 1:
        return None
    return kinds.pop()


def _kind_at(text: str, figure: Figure, g: Grammar) -> str | None:
    if figure.form == "range" and not _SPACED_DASH.search(figure.text):
        return "range"
    before = text[max(0, figure.start - 80) : figure.start]
    if re.search(r"[~≈]\s*(?:\$\s?)?$", before):
        return "approximate"
    for kind, pattern in g.before:
        if pattern.search(before):
            return kind
    after = text[figure.end : figure.end + 80]
    for kind, pattern in g.after:
        if pattern.match(after):
            return kind
    return None


def compatible(value_kind: str, wording: str | None) -> bool:
    """Whether a claim's value_kind agrees with what its quote's wording says.

    ``interpreted`` (a reading, explained in notes) and ``forecast`` (a single projected figure,
    whatever its wording) are free; otherwise explicit wording must be the recorded kind.
    """
    if wording is None or value_kind in ("interpreted", "forecast"):
        return True
    return value_kind == wording


def draft_kind(quote: str, value: float, language: str | None = None) -> str:
    """The value_kind ``manpower draft`` proposes: the wording's, else a forecast where the quote
    speaks of the future ("will", "будет"), else exact. A proposal for a person to check, unlike
    :func:`kind_from_wording`, which says only what the words make certain."""
    kind = kind_from_wording(quote, value, language)
    if kind:
        return kind
    return "forecast" if grammar(language).forecast.search(quote) else "exact"


def ends_with_abbreviation(before: str, language: str | None = None) -> bool:
    """Whether ``before`` (the text up to a full stop) ends with an abbreviation, not a sentence."""
    return bool(grammar(language).abbreviation.search(before[-12:]))


# ---- the polars pre-filters of value-kind-wording (every language at once) -----------------


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


def _all() -> list[Vocabulary]:
    return [vocabulary(tag) for tag in languages()]


def _triggers(kind: str) -> list[str]:
    """Rust regexes, one of which matches wherever a quote's words could give some figure a kind
    other than ``kind``: a superset of :func:`kind_from_wording`'s reading, so that the rule reads
    only the rows they match. ASCII words take ASCII word boundaries (faster)."""
    triggers: list[str] = []
    for v in _all():
        ascii_words = all(w.isascii() for w in v.units)
        wb = r"(?-u:\b)" if ascii_words else r"\b"
        openers = [re.escape(w) for w in (*v.scale_articles, *v.special, *v.units)]
        if ascii_words:
            openers.append("an")
        starts = rf"(?:\$\s?)?(?:\d|(?:{'|'.join(sorted(openers, key=len, reverse=True))}){wb})"
        units = rf"{wb}(?:{_alt(v.units)})"
        for k, words in v.before:
            if k != kind and words:
                triggers.append(rf"{wb}(?:{_alt(words)})\s*{starts}")
        for k, words in v.after:
            if k != kind and words:
                triggers.append(rf"(?:[\d%]|{units})\s*(?:{_alt(words)}){wb}")
        if kind != "range":
            for w in v.range_words:
                triggers.append(rf"(?:[\d%]|{units})\s+{re.escape(w)}\s+")
            for a, _b in v.between:
                triggers.append(rf"{wb}{re.escape(a)}\s+{starts}")
    if kind != "approximate":  # "~" and "≈" are not words: no word boundary before them
        triggers.append(r"[~≈]\s*(?:\$\s?)?\d")
    if kind != "range":
        triggers.append(r"\d[-–—]\d")
    return triggers


def _other_words(kind: str) -> list[str]:
    """The qualifying phrases of kinds other than ``kind`` in every language, as literals."""
    words: list[str] = []
    for v in _all():
        for k, phrases in (*v.before, *v.after):
            if k != kind:
                words += [re.escape(w) for w in phrases]
        if kind != "range":
            words += [rf"\s{re.escape(w)}\s" for w in v.range_words]
            words += [re.escape(a) for a, _ in v.between]
    if kind != "range":
        words.append("[-–—]")
    if kind != "approximate":
        words.append("[~≈]")
    return sorted(set(words), key=len, reverse=True)


def suspect(kind: str) -> Any:
    """A polars expression, true for every quote whose words could give a figure a kind other
    than ``kind`` (a quote it leaves false agrees with ``kind``). The semantic rule runs
    :func:`kind_from_wording` only where it is true, so it stays fast on large tables.
    """
    import polars as pl

    return pl.col("quote").str.contains(_either(_triggers(kind)))


def maybe_suspect(kind: str) -> Any:
    """A cheaper first pass than :func:`suspect`, true wherever it is: the qualifying words of
    the other kinds as plain text, which the regex engine finds with a literal search."""
    import polars as pl

    return pl.col("quote").str.contains(_either(_other_words(kind)))


def _either(patterns: list[str]) -> str:
    """Any of ``patterns`` in any case, a character NFKC rewrites, or an invisible format
    character (:func:`clean` deletes them, so "more\u200bthan" may hide a qualifier). The class
    stays outside the case-insensitive group: folded, it would take in "k" (Kelvin sign) and "s"
    (long s)."""
    return f"(?i:{'|'.join(patterns)})|{_nfkc_changes()}|\\p{{Cf}}"


# ---- dates a document states (for draft's published_date) ---------------------------------


def _month_number(word: str, g: Grammar) -> int | None:
    for number, pattern in enumerate(g.months, start=1):
        if pattern.fullmatch(word):
            return number
    return None


def first_date(text: str, language: str | None = None) -> str | None:
    """The first full date (day, month and year) ``text`` states, as ISO 8601, or None.

    Reads "2025-12-15", "11.11.2022", "January 3, 2025", "3 January 2025", "21 сентября 2023",
    "8 листопада 2024 року"; a month or a year alone is not a date of publication.
    """
    import datetime as dt

    g = grammar(language)
    month = rf"(?P<month>{'|'.join(g.v.months)})"
    suffix = r"(?:st|nd|rd|th|-?го|-?е)?"
    patterns = [
        r"(?<!\d)(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?!\d)",
        r"(?<![\d.])(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})(?!\d)",
        rf"(?<!\d)(?P<day>\d{{1,2}}){suffix}\s+{month}(?!\w)\.?,?\s+(?P<year>\d{{4}})(?!\d)",
        rf"(?<!\w){month}(?!\w)\.?\s+(?P<day>\d{{1,2}}){suffix},?\s+(?P<year>\d{{4}})(?!\d)",
    ]
    best: tuple[int, str] | None = None
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            parts = match.groupdict()
            number = int(parts["mon"]) if parts.get("mon") else None
            if parts.get("month"):
                number = _month_number(parts["month"], g)
            try:
                day = dt.date(int(parts["year"]), number or 0, int(parts["day"]))
            except ValueError:
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), day.isoformat())
            break
    return best[1] if best else None
