"""The vectorised pre-check of quote-states-value never accepts what numbers_in_text rejects."""

from __future__ import annotations

import random
import re

import polars as pl
import pytest

from manpower.text_numbers import states
from manpower.validation.rules import _stated_fast


def fast(quote: str, value: float) -> bool:
    values = pl.DataFrame(
        {"value_low": [float(value)], "value": [float("nan")], "value_high": [None]},
        schema={f: pl.Float64 for f in ("value_low", "value", "value_high")},
    )
    return bool(_stated_fast(pl.Series([quote]), values)[0])


@pytest.mark.parametrize(
    ("quote", "value", "expected"),
    [
        ("about 12,345 men", 12345, True),
        ('"140,000 to 180,000"', 180000, True),
        ("$3,524 a month", 3524, True),
        ("more than 1000000 troops", 1000000, True),
        ("345 678 men", 345, False),  # one number, 345678, in numbers.py's reading
        ("1,2345", 1, False),
        ("12,345.5 men", 12345, False),
        ("12,345½", 12345, False),  # NFKC turns ½ into 1⁄2: the figure becomes 12,3451
        ("²  345", 345, False),
        ("1 345 men", 345, False),
        ("v2,000", 2000, False),
        ("about 7%", 7, True),
    ],
)
def test_fast_path_examples(quote, value, expected):
    assert fast(quote, value) is expected
    if expected:
        assert states(quote, value)


def test_fast_path_is_sound_on_random_text():
    rng = random.Random(5)
    alphabet = list("0123456789") * 3 + list(",. \u00a0abc$%-½²\"'") + ["1,000", " 345", "12"]
    pairs = []
    for _ in range(5000):
        quote = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        digits = [int(d) for d in re.findall(r"[0-9]+", quote)]
        pairs += [(quote, float(v)) for v in {*(d for d in digits if d < 10**12), 345, 1000}]
    quotes = pl.Series([q for q, _ in pairs])
    values = pl.DataFrame({"value_low": [v for _, v in pairs]}).with_columns(
        value=float("nan"), value_high=float("nan")
    )
    surely = _stated_fast(quotes, values)
    accepted = [pair for pair, ok in zip(pairs, surely, strict=True) if ok]
    assert len(accepted) > 1000
    assert [pair for pair in accepted if not states(*pair)] == []
