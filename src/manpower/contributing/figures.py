"""Where the figures of a document stand, for coverage and draft.

The figures themselves (what counts as one, in which language, with which values) are read by
:mod:`manpower.text_numbers`, the package's one reader of numbers; this module adds what
coverage needs around them: the text as the tables store it, the line a figure stands on (with a
bounded context), and where a quote or an excerpt stands in the document.
"""

from __future__ import annotations

import unicodedata

from manpower.text_numbers import Figure, find_figures, same_value

__all__ = ["Figure", "context_around", "find_figures", "line_of", "normalise", "occurrences"]
__all__ += ["same_value"]

# Characters of document text a message repeats around a figure: the README promises at most
# 1,000 characters per message, and the message adds its own words.
CONTEXT_CHARS = 400


def normalise(text: str) -> str:
    """NFC, as the tables store text, so that quotes and excerpts are found where they stand."""
    return unicodedata.normalize("NFC", text)


def context_around(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> str:
    """The line holding text[start:end], stripped, cut to about ``limit`` characters around it
    (with "…" where it was cut): a figure on a very long line never repeats the whole line.
    Reads only the ``limit`` characters either side, so it costs the same on any line."""
    window = max(0, start - limit)
    newline = text.rfind("\n", window, start)
    begin = newline + 1 if newline >= 0 else window
    newline = text.find("\n", end, end + limit)
    finish = newline if newline >= 0 else min(len(text), end + limit)
    lo = max(begin, start - max(0, limit - (end - start)) // 2)
    hi = min(finish, lo + limit)  # a figure longer than the limit is cut too
    lo = max(begin, min(lo, hi - limit))
    cut_left = lo > begin or (begin == window and window > 0 and text[window - 1] != "\n")
    cut_right = hi < finish or (finish == end + limit and finish < len(text))
    return ("…" if cut_left else "") + text[lo:hi].strip() + ("…" if cut_right else "")


def line_of(text: str, figure: Figure) -> str:
    """The line a figure stands on, stripped and bounded, for a report."""
    return context_around(text, figure.start, figure.end)


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``needle`` stands in ``text``."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    at = text.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans
