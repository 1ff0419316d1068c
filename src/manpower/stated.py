"""A claim's figure and period in the words people read: '140,000–180,000', 'more than 10,000',
'undated (by 2025-12-15)'. One wording for ``manpower show``, the datasheet and the exports'
``value_as_stated`` and ``period_as_stated`` columns (``manpower.flat_table``); standard library
only, as ``show`` is light core.
"""

from __future__ import annotations

import math

from manpower import grammar

# How a value_kind reads in words, placed before the figure.
_PREFIX = {
    "approximate": "≈ ",
    "at_least": "at least ",
    "more_than": "more than ",
    "up_to": "up to ",
    "less_than": "less than ",
}
_SUFFIX = {"forecast": " (forecast)", "interpreted": " (interpreted)"}
# Kinds whose figure is a bound: the point of an arrow on a chart, up or down.
OPEN_UP = ("at_least", "more_than")
OPEN_DOWN = ("up_to", "less_than")
_UNIT_AFTER = {
    "percent": " %",
    "usd_per_month": "/month",
    "persons_per_week": "/week",
    "persons_per_day": "/day",
    "persons_per_month": "/month",
    "ratio": "×",
}


def number(x: float) -> str:
    """10000 -> '10,000'; 7.5 -> '7.5'; 0.25 -> '0.25' (no trailing zeros, no float noise)."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _with_unit(text: str, unit: str) -> str:
    return f"{text}{_UNIT_AFTER.get(unit, '')}"


def value_as_stated(
    kind: str, low: float | None, value: float | None, high: float | None, unit: str
) -> str:
    """The figure in the words its claim used: '140,000–180,000', 'more than 10,000', '≈ 7 %'."""

    def fig(x: float) -> str:
        return f"${number(x)}" if unit.startswith("usd") else number(x)

    if kind in OPEN_UP and low is not None:
        core = fig(low)
    elif kind in OPEN_DOWN and high is not None:
        core = fig(high)
    elif low is not None and high is not None and (kind == "range" or value is None):
        core = f"{fig(low)}–{fig(high)}"
    elif value is not None:
        core = fig(value)
    elif low is not None:
        return _with_unit(f"at least {fig(low)}", unit) + _SUFFIX.get(kind, "")
    elif high is not None:
        return _with_unit(f"up to {fig(high)}", unit) + _SUFFIX.get(kind, "")
    else:
        return "(no value)"
    return _PREFIX.get(kind, "") + _with_unit(core, unit) + _SUFFIX.get(kind, "")


def _date(text: str, precision: str) -> str:
    return {"year": text[:4], "month": text[:7]}.get(precision, text)


def period_as_stated(start: str, end: str, precision: str) -> str:
    """'2022-07 – 2024-11' for a period, '2024-11' for a date, at the precision the source gave.

    An undated figure reads 'undated (by 2025-12-15)': period_end is only the latest possible
    date, and a view that printed it bare would date the figure.
    """
    if precision == "undated":
        return f"undated (by {end})" if end else "undated"
    first, last = _date(start, precision), _date(end, precision)
    return f"{first} – {last}" if start and first != last else last


def _float(text: str) -> float | None:
    # the package's grammar, not float()'s: "5_0" or "٥" is no number here, as in manpower.load
    if not grammar.is_number(text):
        return None
    x = float(text)
    return x if math.isfinite(x) else None


def as_written(low: str, value: str, high: str) -> str | None:
    """The value cells as written, when one is not a number of the package's grammar (17
    digits, ``1_000``: ``manpower validate`` refuses them), else None. A view shows such a
    figure as its cells hold it, never another one (a float's rounding) nor none (issue 22
    item 13)."""
    cells = (("value_low", low), ("value", value), ("value_high", high))
    odd = [(name, cell) for name, cell in cells if cell and _float(cell) is None]
    if not odd:
        return None
    from manpower.limits import excerpt

    shown = ", ".join(f"{name} {excerpt(cell)!r}" for name, cell in cells if cell)
    return f"{shown} as written (not a number manpower reads; run manpower validate)"


def as_stated(row: dict[str, str]) -> dict[str, str]:
    """``value_as_stated`` and ``period_as_stated`` of a joined claims row (text cells, the
    metric's unit in ``metric_unit``): the words ``show`` prints, for the flat table."""
    written = as_written(row.get("value_low", ""), row.get("value", ""), row.get("value_high", ""))
    return {
        "value_as_stated": written
        or value_as_stated(
            row.get("value_kind", ""),
            _float(row.get("value_low", "")),
            _float(row.get("value", "")),
            _float(row.get("value_high", "")),
            row.get("metric_unit", ""),
        ),
        "period_as_stated": period_as_stated(
            row.get("period_start", ""), row.get("period_end", ""), row.get("date_precision", "")
        ),
    }
