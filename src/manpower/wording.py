"""How a quote states a figure: "more than 10,000" is more_than, "up to 180,000" up_to.

One mapping from wording to ``value_kind``, used wherever the package reads it (``manpower
draft`` proposes a value_kind with it).
"""

from __future__ import annotations

import re

from manpower.figures import find_figures, same_value

# The words right before the figure, longest first; matched case-insensitively, whole words.
_BEFORE: tuple[tuple[str, str], ...] = (
    ("more than", "more_than"),
    ("greater than", "more_than"),
    ("in excess of", "more_than"),
    ("upwards of", "more_than"),
    ("just over", "more_than"),
    ("over", "more_than"),
    ("above", "more_than"),
    ("topping", "more_than"),
    ("exceeding", "more_than"),
    ("at least", "at_least"),
    ("no fewer than", "at_least"),
    ("no less than", "at_least"),
    ("up to", "up_to"),
    ("as high as", "up_to"),
    ("as many as", "up_to"),
    ("as much as", "up_to"),
    ("at most", "up_to"),
    ("less than", "less_than"),
    ("fewer than", "less_than"),
    ("under", "less_than"),
    ("below", "less_than"),
    ("approximately", "approximate"),
    ("an estimated", "approximate"),
    ("estimated", "approximate"),
    ("about", "approximate"),
    ("around", "approximate"),
    ("roughly", "approximate"),
    ("nearly", "approximate"),
    ("almost", "approximate"),
    ("close to", "approximate"),
    ("some", "approximate"),
    ("~", "approximate"),
)
_WILL = re.compile(r"\b(?:will|would|is expected to|are expected to|is projected to)\b", re.I)


def _qualifier(before: str) -> str | None:
    tail = re.sub(r"[$€£\s]+$", "", before.lower())
    for words, kind in _BEFORE:
        if re.search(rf"(?:^|[^\w]){re.escape(words)}$", tail):
            return kind
    return None


def kind_from_wording(quote: str, value: float) -> str:
    """The value_kind the quote's wording gives the figure stating ``value``.

    A qualifier right before the figure decides ("more than", "up to", "about", ...); a figure
    stated as two values ("60 to 90", "between 18 and 65") is a range; otherwise a quote that
    speaks of the future ("will") is a forecast, and a plain figure is exact. ``value`` not
    stated in the quote reads as exact.
    """
    for figure in find_figures(quote):
        if not any(same_value(v, value) for v in figure.values):
            continue
        if is_range(figure.text):
            return "range"
        kind = _qualifier(quote[: figure.start])
        if kind:
            return kind
        return "forecast" if _WILL.search(quote) else "exact"
    return "forecast" if _WILL.search(quote) else "exact"


def is_range(text: str) -> bool:
    return bool(
        re.match(r"between\b", text, re.I) or re.search(r"[\d%]\s*[-–—]\s*[$€£]?\d|\s+to\s+", text)
    )
