"""The chart of a metric with long relayed series: a line per relay, the other claims as marks.

Each relay's standing claims (``manpower.views.series``) are one line, labelled as the
claimant's figure relayed by that dataset; the days on which another source gives a different
figure are ringed in red on it; claims a later snapshot revised are grey crosses at the figure
they gave; every other claim of the metric (an article's figure, another claimant's) is drawn
as on any chart (``charts._draw``), with its tooltip. Same settings as ``charts``, so the same
inputs give the same bytes.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from typing import Any

from manpower.views.charts import (
    PALETTE,
    SVG_NS,
    Chart,
    _annotate,
    _day,
    _draw,
    _time_axis,
    colours,
    style,
)
from manpower.views.claims_view import UNIT_LABEL, Claim, Metric, number
from manpower.views.series import Series

DISAGREE_COLOUR = "#d62728"
REVISED_COLOUR = "#7f7f7f"


def caption(metric: Metric, series: list[Series], others: list[Claim]) -> str:
    counted = metric.description.rstrip(".")
    lines = "; ".join(f"{s.label}: {len(s.claims):,} daily figures" for s in series)
    return (
        f"Counted: {counted}. Each line is one claimant's running total as a dataset relays "
        f"it ({lines}); a red ring marks a day on which another source gives a different "
        "figure, a grey cross a figure a later snapshot of the dataset revised. Other claims "
        f"({len(others)}) are marks, each one claim at the date its figure refers to."
    )


def _series_colours(series: list[Series], used: dict[str, str]) -> list[str]:
    free = [c for c in PALETTE if c not in used.values()] or list(PALETTE)
    return [free[i % len(free)] for i in range(len(series))]


def _figure(metric: Metric, series: list[Series], others: list[Claim]) -> tuple[Any, dict]:
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    palette = colours(others)
    line_colours = _series_colours(series, palette)
    fig = Figure(figsize=(8.5, 4.3), dpi=100)
    ax = fig.add_subplot()
    everything = [c for s in series for c in s.claims] + others
    undated_width = _time_axis(ax, everything, False)
    handles: list[Any] = []
    for i, (s, colour) in enumerate(zip(series, line_colours, strict=True)):
        xs = [mdates.date2num(_day(c.period_end)) for c in s.claims]
        ys = [_y(c) for c in s.claims]
        (line,) = ax.plot(xs, ys, color=colour, linewidth=1.2, zorder=2, label=s.label)
        line.set_gid(f"series-{i}")
        handles.append(line)
        days = set(s.disagreements)
        odd = [(x, y) for x, y, c in zip(xs, ys, s.claims, strict=True) if c.period_end in days]
        if odd:
            rings = ax.scatter(
                [x for x, _ in odd],
                [y for _, y in odd],
                s=60,
                facecolors="none",
                edgecolors=DISAGREE_COLOUR,
                linewidths=1.2,
                zorder=3,
            )
            rings.set_gid(f"series-{i}-disagreements")
        if s.revised:
            crosses = ax.scatter(
                [mdates.date2num(_day(c.period_end)) for c in s.revised],
                [_y(c) for c in s.revised],
                marker="x",
                s=30,
                color=REVISED_COLOUR,
                zorder=3,
            )
            crosses.set_gid(f"series-{i}-revised")
    if any(s.disagreements for s in series):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markerfacecolor="none",
                markeredgecolor=DISAGREE_COLOUR,
                label="another source differs that day",
            )
        )
    if any(s.revised for s in series):
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="x",
                color=REVISED_COLOUR,
                label="revised by a later snapshot",
            )
        )
    for index, c in enumerate(others):
        _draw(ax, index, c, palette[c.claimant_id], False, undated_width)
    names = sorted({(c.claimant_name, c.claimant_id) for c in others})
    for name, cid in names:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                color=palette[cid],
                label=f"{name} (other claims)",
            )
        )
    ax.set_xlabel("date the figure refers to")
    ax.set_title(metric.label, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel(UNIT_LABEL.get(metric.unit, metric.unit))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
    ax.set_ylim(bottom=0)
    ax.legend(handles=handles, loc="upper left", fontsize=7.5, frameon=False)
    fig.subplots_adjust(left=0.12, right=0.97, top=0.9, bottom=0.3)
    return fig, palette


def _y(claim: Claim) -> float:
    """The claim's figure on the y axis; no figure is a gap (NaN), as matplotlib draws None."""
    return claim.point if claim.point is not None else math.nan


def render_series(metric: Metric, series: list[Series], others: list[Claim]) -> Chart:
    """The chart as SVG and PNG bytes, identical on every run."""
    import matplotlib

    prefix = f"c-{metric.metric_id}-"
    with matplotlib.rc_context(style(metric.metric_id)):
        fig, palette = _figure(metric, series, others)
        svg_buffer, png_buffer = io.BytesIO(), io.BytesIO()
        fig.draw_without_rendering()
        fig.savefig(svg_buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        _caption_text_series(fig, metric, series, others)
        fig.savefig(
            png_buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None}
        )
    inline = _annotate(svg_buffer.getvalue(), prefix, others, metric.metric_id)
    inline = _annotate_series(inline, prefix, series)
    document = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + inline + "\n"
    ids = tuple(c.claim_id for c in others) + tuple(cid for s in series for cid in s.claim_ids)
    return Chart(
        metric_id=metric.metric_id,
        svg=document,
        inline_svg=inline,
        png=png_buffer.getvalue(),
        claim_ids=ids,
        colours=palette,
    )


def _caption_text_series(fig: Any, metric: Metric, series: list[Series], others: list) -> None:
    import textwrap

    fig.text(
        0.01,
        0.01,
        textwrap.fill(caption(metric, series, others), 120),
        fontsize=7.5,
        color="#333333",
        va="bottom",
    )


def _annotate_series(svg: str, prefix: str, series: list[Series]) -> str:
    """Each relay's line: a tooltip (its summary) and the ids of the claims it draws."""
    root = ET.fromstring(svg)
    total = sum(len(s.claim_ids) for s in series)
    root.set("aria-label", root.get("aria-label", "") + f" and {total} relayed claims")
    for i, s in enumerate(series):
        for el in root.iter(f"{{{SVG_NS}}}g"):
            if el.get("id") == f"{prefix}series-{i}":
                title = ET.Element(f"{{{SVG_NS}}}title")
                title.text = s.summary()
                el.insert(0, title)
                el.set("class", "series")
                el.set("data-claimant-id", s.claimant_id)
                el.set("data-claim-ids", " ".join(s.claim_ids))
    return ET.tostring(root, encoding="unicode")
