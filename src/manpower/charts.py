"""One chart per metric: who says what, when, with matplotlib (no browser, no network).

Each claim is one mark: a marker at the figure (the middle of a range, the bound of an open
figure), a low-high bar for a range, an arrow for "more than" / "up to", a faint line over the
period for flows. Colour says who claims it, marker shape how far it is verified.

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
from dataclasses import dataclass
from typing import Any

from manpower.claims_view import OPEN_DOWN, OPEN_UP, UNIT_LABEL, Claim, Metric, number

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
_RC = {
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


def _draw(ax: Any, index: int, c: Claim, colour: str, span: bool) -> None:
    """Every artist of one claim, each with a gid naming the claim's index."""
    import matplotlib.dates as mdates

    x_day = _day(c.period_end)
    y = c.point
    if x_day is None or y is None:
        # Without a date or a figure there is nothing to place; keep the mark countable.
        x_day, y = _day(c.period_start) or dt.date(2022, 2, 24), 0.0
    x = mdates.date2num(x_day)
    marker = MARKERS.get(c.verification, "o")
    hollow = c.value_kind in (*OPEN_UP, *OPEN_DOWN) or bool(c.superseded_by)
    start = _day(c.period_start)
    if span and start is not None and start < x_day:
        (line,) = ax.plot(
            [mdates.date2num(start), x], [y, y], color=colour, alpha=0.35, linewidth=2, zorder=2
        )
        line.set_gid(f"mark-{index}-period")
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
    direction = 1 if c.value_kind in OPEN_UP else -1 if c.value_kind in OPEN_DOWN else 0
    if direction:
        arrow = ax.annotate(
            "",
            xy=(x, y),
            xytext=(0, 28 * direction),
            textcoords="offset points",
            arrowprops={"arrowstyle": "<|-", "color": colour, "linewidth": 1.5},
            zorder=3,
        )
        arrow.arrow_patch.set_gid(f"mark-{index}-arrow")
    (point,) = ax.plot(
        [x],
        [y],
        linestyle="none",
        marker=marker,
        markersize=8,
        markeredgewidth=1.5,
        markeredgecolor=colour,
        markerfacecolor="white" if hollow else colour,
        zorder=4,
    )
    point.set_gid(f"mark-{index}")
    if c.category:
        label = ax.annotate(
            c.category,
            xy=(x, y),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="#333333",
        )
        label.set_gid(f"mark-{index}-label")


def _legends(ax: Any, claims: list[Claim], palette: dict[str, str]) -> None:
    from matplotlib.lines import Line2D

    names = {c.claimant_id: c.claimant_name for c in claims}
    who = [
        Line2D(
            [], [], color=palette[cid], marker="o", linestyle="none", label=textwrap.fill(name, 34)
        )
        for cid, name in sorted(names.items(), key=lambda kv: kv[1])
    ]
    seen = sorted(
        {c.verification for c in claims},
        key=lambda v: list(MARKERS).index(v) if v in MARKERS else len(MARKERS),
    )
    how = [
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
    kinds = {c.value_kind for c in claims}
    if kinds & set(OPEN_UP) or kinds & set(OPEN_DOWN):
        how.append(
            Line2D(
                [],
                [],
                color="#444444",
                marker="^",
                markerfacecolor="white",
                linestyle="none",
                label="hollow + arrow: more than / up to",
            )
        )
    # Figure legends, not axes legends: Axes.add_artist would clip the first one to the axes,
    # and the tight bounding box would then cut it off.
    fig = ax.get_figure()
    right = ax.get_position().x1 + 0.01
    for handles, title, loc, y in (
        (who, "claimant", "upper left", ax.get_position().y1),
        (how, "verification", "lower left", ax.get_position().y0),
    ):
        fig.legend(
            handles=handles,
            title=title,
            loc=loc,
            bbox_to_anchor=(right, y),
            frameon=False,
            fontsize=8,
            title_fontsize=8,
            alignment="left",
        )


def _figure(metric: Metric, claims: list[Claim], palette: dict[str, str]) -> Any:
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(8.5, 3.8), dpi=100)
    ax = fig.add_subplot()
    span = metric.counting_basis in ("flow", "rate")
    for index, c in enumerate(claims):
        _draw(ax, index, c, palette[c.claimant_id], span)
    ax.set_title(metric.label, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel(UNIT_LABEL.get(metric.unit, metric.unit))
    ax.set_xlabel("date the figure refers to (end of period)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    low, high = ax.get_ylim()
    # room above the highest mark for the arrow of a "more than"
    headroom = 0.2 if any(c.value_kind in OPEN_UP for c in claims) else 0.08
    ax.set_ylim(bottom=min(0.0, low), top=high + (high - min(0.0, low)) * headroom)
    xlow, xhigh = ax.get_xlim()
    pad = max((xhigh - xlow) * 0.06, 20)
    ax.set_xlim(xlow - pad, xhigh + pad)
    fig.subplots_adjust(left=0.1, right=0.72, top=0.9, bottom=0.16)
    _legends(ax, claims, palette)
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


def render(metric: Metric, claims: list[Claim]) -> Chart:
    """The chart of ``metric`` as SVG and PNG bytes, identical on every run."""
    import matplotlib

    palette = colours(claims)
    prefix = f"c-{metric.metric_id}-"
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"manpower-{metric.metric_id}"}):
        fig = _figure(metric, claims, palette)
        svg_buffer, png_buffer = io.BytesIO(), io.BytesIO()
        # tight: long claimant names in the legend widen the figure instead of being cut off;
        # lay out once first, or the first file's tight box misses the wrapped legend
        fig.draw_without_rendering()
        fig.savefig(svg_buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
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
