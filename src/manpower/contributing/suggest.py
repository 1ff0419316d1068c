"""Suggest the existing identifier a contributor probably meant."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from manpower.limits import MAX_SUGGESTION_CANDIDATES


def nearest(word: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The closest existing ids to ``word``, best first (difflib's ratio, at least 0.6); none
    when there are more than :data:`MAX_SUGGESTION_CANDIDATES` ids to compare with."""
    candidates = set(known)
    if len(candidates) > MAX_SUGGESTION_CANDIDATES:
        return []
    return difflib.get_close_matches(word, sorted(candidates), n=n, cutoff=0.6)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``": did you mean pows_held?"`` (or two or three ids), or nothing when none is close."""
    close = nearest(word, known)
    if not close:
        return ""
    return f": did you mean {' or '.join(close)}?"
