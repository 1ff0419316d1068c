"""One chart per metric: who says what, when, with matplotlib (no browser, no network).

Each claim is one mark: a marker at the figure (the middle of a range, the bound of an open
figure), a low-high bar for a range, an arrow for "more than" / "up to", a faint line over the
period for flows. Colour says who claims it, marker shape how far it is verified; interpreted,
forecast and undated figures each have a style of their own, shown in the legend with the very
glyph drawn. A breakdown (categories of one date) is a bar chart, not a time series.

The SVG is post-processed so that it can be inlined in a page many times over: every id gets the
chart's prefix, each claim's marker carries ``class="mark"`` and ``data-claim-id``, and every
artist of a claim carries an SVG ``<title>`` (the browser's tooltip) with the quote and source.
Output is deterministic: fixed hash salt, no dates, no software stamp.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from manpower.views.claims_view import OPEN_DOWN, OPEN_UP, UNIT_LABEL, Claim, Metric, number

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Colour-blind-safe qualitative palette (Okabe-Ito), then tab10 for more claimants.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#9467bd",
    "#2ca02c",
    "#d62728",
)
MARKERS = {
    "official_record": "s",
    "corroborated": "D",
    "unverified": "o",
    "not_independently_verified": "P",
    "disputed": "X",
}
VERIFICATION_LABEL = {
    "official_record": "official record",
    "corroborated": "corroborated",
    "unverified": "unverified",
    "not_independently_verified": "not independently verified",
    "disputed": "disputed",
}
_RC: dict[str, Any] = {
    # text is data (labels, names): drawn as written, never read as mathtext or TeX, so "$5$" or
    # "$\\undefinedcmd$" in a label cannot fail the report
    "text.parse_math": False,
    "text.usetex": False,
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
}
_MARK_GID = re.compile(r"^mark-(\d+)(?:-(\w+))?$")


def style(metric_id: str) -> Any:
    """The charts' matplotlib settings, salted per metric so SVG ids are stable. (Any: the
    stubs type rc keys as a Literal of every setting, which a plain dict cannot satisfy.)"""
    return {**_RC, "svg.hashsalt": f"manpower-{metric_id}"}


@dataclass(frozen=True)
class Chart:
    metric_id: str
    svg: str  # a standalone SVG document
    inline_svg: str  # the same, without the XML prolog, for inlining in HTML
    png: bytes
    claim_ids: tuple[str, ...]  # one mark per claim, in this order
    colours: dict[str, str]  # claimant_id -> colour of its marks


def colours(claims: list[Claim]) -> dict[str, str]:
    """A colour per claimant of one chart, distinct within it, in order of claimant name."""
    names = sorted({(c.claimant_name, c.claimant_id) for c in claims})
    return {cid: PALETTE[i % len(PALETTE)] for i, (_, cid) in enumerate(names)}


def tooltip(c: Claim) -> str:
    lines = [
        f"{c.claimant_name}: {c.as_stated}" + (f" ({c.category})" if c.category else ""),
        f"period: {c.period}; {VERIFICATION_LABEL.get(c.verification, c.verification)}",
        f"“{c.quote}”",
        f"source: {c.source_title or c.source_id} ({c.source})",
    ]
    if c.via:
        lines.append(f"via: {c.via}")
    if c.superseded_by:
        lines.append(f"superseded by {c.superseded_by}")
    return "\n".join(lines)


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# How a figure was stated, each drawn in its own way (legend "how stated").
STATUS_LABEL = {
    "stated": "stated",
    "interpreted": "interpreted (read from words, see notes)",
    "forecast": "forecast",
    "bound": "more than / up to (hollow, arrow)",
    "undated": "undated: at the latest this date",
}
COUNTS = ("cumulative", "flow", "stock")  # a category of these is a part of the total


def statuses(c: Claim) -> list[str]:
    """The styles one claim is drawn with: a bound or a stated/interpreted/forecast figure,
    plus undated when the document gives no date."""
    if c.value_kind in (*OPEN_UP, *OPEN_DOWN):
        kinds = ["bound"]
    elif c.value_kind in ("interpreted", "forecast"):
        kinds = [c.value_kind]
    else:
        kinds = ["stated"]
    return [*kinds, "undated"] if c.undated else kinds


def is_breakdown(claims: list[Claim]) -> bool:
    """Claims that all refer to one date, split by category: nothing to draw over time."""
    ends = {c.period_end for c in claims}
    return len(ends) == 1 and any(c.category for c in claims)


def subset_note(metric: Metric, claims: list[Claim]) -> str:
    """What to say when a part is drawn next to its total (">550 foreign" by ">160,000")."""
    parts = sorted({c.category for c in claims if c.category})
    if metric.counting_basis not in COUNTS or not parts or all(c.category for c in claims):
        return ""
    named = ", ".join(parts)
    return f"{named}: part of the total, not in addition to it"


def caption(metric: Metric, claims: list[Claim]) -> str:
    """What the chart counts, and what it must not be read as."""
    counted = metric.description.rstrip(".")
    if is_breakdown(claims):
        what = "Each bar is one category as stated, labelled with the value as stated."
    else:
        what = "Each mark is one claim, at the date its figure refers to."
    note = subset_note(metric, claims)
    note = f" {note[0].upper()}{note[1:]}." if note else ""
    return (
        f"Counted: {counted}. {what}{note} Claims by different claimants are separate "
        "estimates, not a time series of one quantity."
    )


def _ring(ax: Any, x: float, y: float, colour: str, style: str, gid: str) -> None:
    ring = ax.scatter(
        [x],
        [y],
        s=230,
        facecolors="none",
        edgecolors=colour,
        linewidths=1.3,
        linestyles=style,
        zorder=5,
    )
    ring.set_gid(gid)


def _draw(ax: Any, index: int, c: Claim, colour: str, span: bool, undated_width: float) -> None:
    """Every artist of one claim on a time axis, each with a gid naming the claim's index."""
    import matplotlib.dates as mdates

    x_day = _day(c.period_end)
    y = c.point
    if x_day is None or y is None:
        # Without a date or a figure there is nothing to place; keep the mark countable.
        x_day, y = _day(c.period_start) or dt.date(2022, 2, 24), 0.0
    x = mdates.date2num(x_day)
    marker = MARKERS.get(c.verification, "o")
    kinds = statuses(c)
    hollow = "bound" in kinds or bool(c.superseded_by)
    start = _day(c.period_start)
    if span and start is not None and start < x_day:
        (line,) = ax.plot(
            [mdates.date2num(start), x], [y, y], color=colour, alpha=0.35, linewidth=2, zorder=2
        )
        line.set_gid(f"mark-{index}-period")
    if "undated" in kinds:
        # the figure may be older than its date: a dotted arrow points back in time
        back = ax.annotate(
            "",
            xy=(x - undated_width, y),
            xytext=(x, y),
            arrowprops={"arrowstyle": "-|>", "color": colour, "linestyle": ":", "linewidth": 1.5},
            zorder=3,
        )
        back.arrow_patch.set_gid(f"mark-{index}-undated")
    if c.value_low is not None and c.value_high is not None:
        bar = ax.vlines(x, c.value_low, c.value_high, colors=colour, linewidth=2.5, zorder=3)
        bar.set_gid(f"mark-{index}-range")
        caps = ax.plot(
            [x, x],
            [c.value_low, c.value_high],
            linestyle="none",
            marker="_",
            markersize=10,
            color=colour,
            zorder=3,
        )
        caps[0].set_gid(f"mark-{index}-caps")
    _open_arrow(ax, c, (x, y), colour, length=28, zorder=3, gid=f"mark-{index}-arrow")
    face = "white" if hollow else colour
    (point,) = ax.plot(
        [x],
        [y],
        linestyle="none",
        marker=marker,
        markersize=8,
        markeredgewidth=1.5,
        markeredgecolor=colour,
        markerfacecolor=face,
        alpha=0.45 if "forecast" in kinds else 1.0,
        zorder=4,
    )
    point.set_gid(f"mark-{index}")
    if "interpreted" in kinds:
        _ring(ax, x, y, colour, ":", f"mark-{index}-interpreted")
    if "forecast" in kinds:
        _ring(ax, x, y, colour, "--", f"mark-{index}-forecast")
    if c.category:
        label = ax.annotate(
            c.category,
            xy=(x, y),
            xytext=(9, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="#333333",
        )
        label.set_gid(f"mark-{index}-label")


def _open_arrow(
    ax: Any,
    c: Claim,
    xy: tuple[float, float],
    colour: str,
    *,
    length: float,
    zorder: int,
    gid: str,
) -> int:
    """An arrow from the mark the way an open bound ("at least", "up to") leaves the value open.

    Returns the direction (1 up, -1 down, 0 none) so a label can keep clear of the arrow.
    """
    direction = 1 if c.value_kind in OPEN_UP else -1 if c.value_kind in OPEN_DOWN else 0
    if direction:
        arrow = ax.annotate(
            "",
            xy=xy,
            xytext=(0, length * direction),
            textcoords="offset points",
            arrowprops={"arrowstyle": "<|-", "color": colour, "linewidth": 1.5},
            zorder=zorder,
        )
        arrow.arrow_patch.set_gid(gid)
    return direction


def _bar(ax: Any, index: int, c: Claim, colour: str) -> None:
    """One claim of a breakdown as a bar, labelled with its value as stated."""
    kinds = statuses(c)
    y = c.point if c.point is not None else 0.0
    base = c.value_low if c.value_kind == "range" and c.value_low is not None else y
    hollow = "bound" in kinds or bool(c.superseded_by)
    (bar,) = ax.bar(
        [index],
        [base],
        width=0.6,
        color="white" if hollow else colour,
        alpha=0.45 if "forecast" in kinds else 1.0,
        edgecolor="#222222" if "interpreted" in kinds else colour,
        linewidth=1.5,
        linestyle=":" if "interpreted" in kinds else "--" if "forecast" in kinds else "-",
        hatch="..." if "undated" in kinds else None,
        zorder=3,
    )
    bar.set_gid(f"mark-{index}")
    top = base
    if c.value_kind == "range" and c.value_low is not None and c.value_high is not None:
        rng = ax.vlines(index, c.value_low, c.value_high, colors=colour, linewidth=2.5, zorder=4)
        rng.set_gid(f"mark-{index}-range")
        top = c.value_high
    direction = _open_arrow(
        ax, c, (index, y), colour, length=22, zorder=4, gid=f"mark-{index}-arrow"
    )
    label = ax.annotate(
        c.as_stated,
        xy=(index, top),
        xytext=(0, 25 if direction == 1 else 3),
        textcoords="offset points",
        ha="center",
        va="bottom",
        fontsize=8,
    )
    label.set_gid(f"mark-{index}-label")


class _Glyph:
    """A legend handle drawn by a function, so that each glyph is the mark it explains."""

    def __init__(self, draw: Callable[..., list[Any]]) -> None:
        self.draw = draw


class _GlyphHandler:
    def legend_artist(self, legend: Any, handle: _Glyph, fontsize: float, box: Any) -> Any:
        x0, y0 = box.xdescent, box.ydescent
        w, h = box.width, box.height
        artists = handle.draw(x0 + w / 2, y0 + h / 2, w, h, box.get_transform())
        for artist in artists:
            box.add_artist(artist)
        return artists[0]


def _status_glyph(kind: str, bars: bool) -> _Glyph:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

    grey = "#444444"

    def draw(cx: float, cy: float, w: float, h: float, trans: Any) -> list[Any]:
        out: list[Any] = []
        if bars:
            rect = Rectangle(
                (cx - w * 0.3, cy - h * 0.45),
                w * 0.6,
                h * 0.9,
                facecolor="white" if kind in ("bound", "undated") else grey,
                alpha=0.45 if kind == "forecast" else 1.0,
                edgecolor="#222222" if kind == "interpreted" else grey,
                linewidth=1.5,
                linestyle=":" if kind == "interpreted" else "--" if kind == "forecast" else "-",
                hatch="..." if kind == "undated" else None,
                transform=trans,
            )
            out.append(rect)
        else:
            # an undated mark sits at the right end of its backward arrow; a bound below its arrow
            px = cx + w * 0.3 if kind == "undated" else cx
            py = cy - h * 0.3 if kind == "bound" else cy
            point = Line2D(
                [px],
                [py],
                marker="o",
                markersize=7,
                markeredgewidth=1.5,
                markeredgecolor=grey,
                markerfacecolor="white" if kind == "bound" else grey,
                alpha=0.45 if kind == "forecast" else 1.0,
                linestyle="none",
                transform=trans,
            )
            out.append(point)
            if kind in ("interpreted", "forecast"):
                out.append(
                    Circle(
                        (cx, cy),
                        h * 0.62,
                        fill=False,
                        edgecolor=grey,
                        linewidth=1.2,
                        linestyle=":" if kind == "interpreted" else "--",
                        transform=trans,
                    )
                )
            if kind == "undated":
                out.append(
                    FancyArrowPatch(
                        (px - h * 0.4, cy),
                        (cx - w * 0.5, cy),
                        arrowstyle="-|>",
                        mutation_scale=8,
                        color=grey,
                        linestyle=":",
                        linewidth=1.5,
                        transform=trans,
                    )
                )
        if kind == "bound":
            # the arrow starts at the mark and points up, as drawn on the chart
            out.append(
                FancyArrowPatch(
                    (cx, cy + (h * 0.45 if bars else 0.0)),
                    (cx, cy + h * 1.0),
                    arrowstyle="-|>",
                    mutation_scale=8,
                    color=grey,
                    linewidth=1.3,
                    transform=trans,
                )
            )
        return out

    return _Glyph(draw)


def _legends(ax: Any, claims: list[Claim], palette: dict[str, str], bars: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    names = {c.claimant_id: c.claimant_name for c in claims}
    who: list[Any] = [
        Patch(facecolor=palette[cid], edgecolor=palette[cid], label=textwrap.fill(name, 34))
        if bars
        else Line2D(
            [], [], color=palette[cid], marker="o", linestyle="none", label=textwrap.fill(name, 34)
        )
        for cid, name in sorted(names.items(), key=lambda kv: kv[1])
    ]
    seen = sorted(
        {c.verification for c in claims},
        key=lambda v: list(MARKERS).index(v) if v in MARKERS else len(MARKERS),
    )
    # bars have no marker shape: verification is in each bar's tooltip and the list below
    how: list[Any] = (
        []
        if bars
        else [
            Line2D(
                [],
                [],
                color="#444444",
                marker=MARKERS.get(v, "o"),
                linestyle="none",
                label=VERIFICATION_LABEL.get(v, v),
            )
            for v in seen
        ]
    )
    present = {k for c in claims for k in statuses(c)}
    stated = [k for k in STATUS_LABEL if k in present]
    glyphs = [_status_glyph(k, bars) for k in stated]
    fig = ax.get_figure()
    right = ax.get_position().x1 + 0.01
    # Figure legends, not axes legends: Axes.add_artist would clip the first one to the axes,
    # and the tight bounding box would then cut it off.
    groups = [(who, [h.get_label() for h in who], "claimant", "upper left", ax.get_position().y1)]
    lower = [*how, *glyphs]
    labels = [h.get_label() for h in how] + [STATUS_LABEL[k] for k in stated]
    groups.append(
        (
            lower,
            labels,
            "verification and how stated" if how else "how stated",
            "lower left",
            ax.get_position().y0,
        )
    )
    for handles, texts, title, loc, y in groups:
        fig.legend(
            handles=handles,
            labels=texts,
            title=title,
            loc=loc,
            bbox_to_anchor=(right, y),
            frameon=False,
            fontsize=8,
            title_fontsize=8,
            alignment="left",
            handler_map={_Glyph: _GlyphHandler()},
            handlelength=2.6,
            handleheight=1.3,
        )


def _date_label(value: float, _pos: int = 0) -> str:
    """A tick on 1 January reads as the year; any other carries its month and year."""
    import matplotlib.dates as mdates

    day = mdates.num2date(value).date()
    return str(day.year) if (day.month, day.day) == (1, 1) else day.strftime("%b %Y")


def _time_axis(ax: Any, claims: list[Claim], span_start: bool) -> float:
    """x limits from the first to the last date drawn (no empty years), and the ticks.

    Returns the width of an undated claim's backward arrow, in days.
    """
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    ends = [d for d in (_day(c.period_end) for c in claims) if d is not None]
    # a period is drawn only for flows and rates (span): only then does its start count
    starts = [d for d in (_day(c.period_start) for c in claims) if d is not None and span_start]
    first = min([*ends, *starts], default=dt.date(2022, 2, 24))
    last = max(ends, default=first)
    span = max((last - first).days, 60)
    undated_width = span * 0.08
    if any(c.undated for c in claims):
        first = min(
            first,
            min(_day(c.period_end) or last for c in claims if c.undated)
            - dt.timedelta(days=undated_width),
        )
    pad = dt.timedelta(days=max(span * 0.04, 12))
    ax.set_xlim(mdates.date2num(first - pad), mdates.date2num(last + pad))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(_date_label))
    return undated_width


def _caption_text(fig: Any, metric: Metric, claims: list[Claim]) -> None:
    """The caption under the chart, for the PNG that travels alone (README); the page's SVG
    has it in its figcaption instead."""
    fig.text(
        0.01,
        0.01,
        textwrap.fill(caption(metric, claims), 120),
        fontsize=7.5,
        color="#333333",
        va="bottom",
    )


def _figure(metric: Metric, claims: list[Claim], palette: dict[str, str]) -> Any:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    bars = is_breakdown(claims)
    fig = Figure(figsize=(8.5, 4.3), dpi=100)
    ax = fig.add_subplot()
    if bars:
        # an uncategorised figure next to its parts is their total
        blank = "total" if subset_note(metric, claims) else "(no category)"
        for index, c in enumerate(claims):
            _bar(ax, index, c, palette[c.claimant_id])
        ax.set_xticks(
            range(len(claims)),
            [textwrap.fill((c.category or blank).replace("_", " "), 16) for c in claims],
        )
        ax.set_xlim(-0.6, len(claims) - 0.4)
        ax.grid(axis="x", visible=False)
        ax.set_xlabel(f"category (all figures refer to {claims[0].period})")
    else:
        span = metric.counting_basis in ("flow", "rate")
        undated_width = _time_axis(ax, claims, span)
        for index, c in enumerate(claims):
            _draw(ax, index, c, palette[c.claimant_id], span, undated_width)
        ax.set_xlabel("date the figure refers to (end of period)")
    note = subset_note(metric, claims)
    ax.set_title(metric.label, loc="left", fontsize=11, fontweight="bold", pad=16 if note else 6)
    if note:
        ax.text(0, 1.01, note, transform=ax.transAxes, fontsize=8, color="#8a3b00", va="bottom")
    ax.set_ylabel(UNIT_LABEL.get(metric.unit, metric.unit))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
    low, high = ax.get_ylim()
    # room above the highest mark for the arrow of a "more than" and the bar labels
    headroom = 0.25 if bars or any(c.value_kind in OPEN_UP for c in claims) else 0.08
    ax.set_ylim(bottom=min(0.0, low), top=high + (high - min(0.0, low)) * headroom)
    fig.subplots_adjust(
        left=0.1, right=0.68, top=0.88, bottom=0.3
    )  # room for the caption of the PNG
    _legends(ax, claims, palette, bars)
    return fig


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    """Make every id unique on a page holding many charts, references included."""
    ids = {el.get("id") for el in root.iter() if el.get("id")}

    def fix(value: str) -> str:
        value = re.sub(
            r"url\(#([^)]+)\)",
            lambda m: f"url(#{prefix}{m[1]})" if m[1] in ids else m[0],
            value,
        )
        if value.startswith("#") and value[1:] in ids:
            value = f"#{prefix}{value[1:]}"
        return value

    for el in root.iter():
        for key, value in list(el.attrib.items()):
            if key == "id":
                el.set(key, f"{prefix}{value}")
            elif "#" in value:
                el.set(key, fix(value))
        if el.text and "url(#" in el.text:
            el.text = fix(el.text)


def _annotate(svg: bytes, prefix: str, claims: list[Claim], metric_id: str) -> str:
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg)
    root.set("class", "chart")
    root.set("data-metric-id", metric_id)
    root.set("role", "img")
    root.set("aria-label", f"chart of {len(claims)} claims on {metric_id}")
    for el in root.iter(f"{{{SVG_NS}}}g"):
        match = _MARK_GID.match(el.get("id", ""))
        if not match:
            continue
        claim = claims[int(match[1])]
        title = ET.Element(f"{{{SVG_NS}}}title")
        title.text = tooltip(claim)
        el.insert(0, title)
        if match[2] is None:
            el.set("class", "mark")
            el.set("data-claim-id", claim.claim_id)
            el.set("data-claimant-id", claim.claimant_id)
            el.set("data-verification", claim.verification)
    _prefix_ids(root, prefix)
    return ET.tostring(root, encoding="unicode")


def draw(metric: Metric, claims: list[Claim]) -> Chart:
    """The chart of ``metric`` as SVG and PNG bytes, identical on every run."""
    import matplotlib

    palette = colours(claims)
    prefix = f"c-{metric.metric_id}-"
    with matplotlib.rc_context(style(metric.metric_id)):
        fig = _figure(metric, claims, palette)
        svg_buffer, png_buffer = io.BytesIO(), io.BytesIO()
        # tight: long claimant names in the legend widen the figure instead of being cut off;
        # lay out once first, or the first file's tight box misses the wrapped legend
        fig.draw_without_rendering()
        fig.savefig(svg_buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
        _caption_text(fig, metric, claims)
        fig.savefig(
            png_buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None}
        )
    inline = _annotate(svg_buffer.getvalue(), prefix, claims, metric.metric_id)
    document = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' + inline + "\n"
    return Chart(
        metric_id=metric.metric_id,
        svg=document,
        inline_svg=inline,
        png=png_buffer.getvalue(),
        claim_ids=tuple(c.claim_id for c in claims),
        colours=palette,
    )
