"""``manpower show``: the claims of a topic, metric, claimant or source, or the list of metrics.

The text layout is written here rather than by a table library: every line is fitted to the
terminal at a word boundary, so an identifier is never broken across lines.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import shutil
import textwrap
from dataclasses import dataclass, field
from typing import Any

from manpower.errors import ManpowerError, UsageError
from manpower.views.claims_view import UNIT_LABEL, Claim, Dataset

FORMATS = ("table", "csv", "json")


def dataset(version: str | None = None) -> Dataset:
    """The claims ``show`` reads: ``version`` (a release or a folder, see ``manpower.load``,
    its files checked against their hashes); without one, the working tree of the clone the
    current folder is in, else the release this install carries."""
    from manpower.paths import find_root
    from manpower.releasing.bundle import bundled_folder
    from manpower.views.claims_view import load

    if version is None:
        try:
            return load(find_root())
        except UsageError:
            version = str(bundled_folder() or "")
            if not version:
                raise UsageError(
                    "no manpower repository here and this install carries no release: give "
                    "--version VERSION|FOLDER (a release, a downloaded folder or .zip)"
                ) from None
    from manpower.releasing.loader import opened

    with opened(version) as snapshot:
        return load(snapshot.root)


@dataclass(frozen=True)
class Rows:
    """What to print: a title, column names (machine formats) and headings (the table)."""

    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    table_columns: dict[str, str]
    grouped: bool = False  # claims of several metrics: a heading line per metric
    labels: dict[str, str] = field(default_factory=dict)  # metric_id -> label (unit)
    # long relayed series (manpower.views.series): the table prints each as one summary
    # instead of a claim per day; csv and json keep every claim
    series: list[tuple[str, str]] = field(default_factory=list)  # (metric_id, summary)
    in_series: frozenset[str] = frozenset()


def overview(data: Dataset) -> Rows:
    counts = data.claim_counts()
    rows = [
        {
            "topic": m.topic,
            "metric_id": m.metric_id,
            "label": m.label,
            "unit": m.unit,
            "claims": counts[m.metric_id],
        }
        for m in data.metrics.values()
    ]
    return Rows(
        title=f"{_plural(len(data.claims), 'claim')} on {_plural(len(data.metrics), 'metric')} "
        f"in {_plural(len({m.topic for m in data.metrics.values()}), 'topic')}",
        columns=["topic", "metric_id", "label", "unit", "claims"],
        rows=rows,
        table_columns={
            "topic": "topic",
            "metric_id": "metric",
            "label": "label",
            "unit": "unit",
            "claims": "claims",
        },
    )


@dataclass(frozen=True)
class Target:
    """What a name can point at: a topic, a metric, a claimant or a source."""

    kind: str
    key: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.key}"


def _names(data: Dataset) -> dict[str, list[Target]]:
    """Every name a reader may type (ids, labels, claimant names, source titles, publishers),
    lower-cased, with what each points at. Topics come first: a topic may share its name with
    one of its metrics (prison_population), and it wins, as its claims include the metric's.
    """
    names: dict[str, list[Target]] = {}

    def add(name: str, target: Target) -> None:
        if name and target not in names.setdefault(name.casefold(), []):
            names[name.casefold()].append(target)

    for topic in data.topics:
        add(topic, Target("topic", topic))
    for m in data.metrics.values():
        add(m.metric_id, Target("metric", m.metric_id))
        add(m.label, Target("metric", m.metric_id))
    for c in data.claimants:
        add(c.get("claimant_id", ""), Target("claimant", c.get("claimant_id", "")))
        add(c.get("name", ""), Target("claimant", c.get("claimant_id", "")))
    for src in data.sources:
        target = Target("source", src.get("source_id", ""))
        for key in ("source_id", "title", "publisher"):
            add(src.get(key, ""), target)
        # "publisher 2025-06-09" or "2025-06-09" picks a source by its date
        if src.get("published_date"):
            add(src["published_date"], target)
            if src.get("publisher"):
                add(f"{src['publisher']} {src['published_date']}", target)
    return names


def _starts_a_word(name: str, wanted: str) -> bool:
    """Whether ``wanted`` starts at a word of ``name`` ("moscow times" in "the moscow times")."""
    return any(name.startswith(wanted, m.start()) for m in re.finditer(r"\w+", name))


def resolve(data: Dataset, name: str) -> Target:
    """The topic, metric, claimant or source ``name`` means: its id or name, exactly, in any
    case, or by a prefix of the name or of one of its words that only one of them has.

    ManpowerError (exit 1) when nothing or more than one thing matches, naming the nearest.
    """
    names = _names(data)
    wanted = name.strip().casefold()
    hint = "run 'manpower show' to list them"
    for matches in (
        names.get(wanted, []),
        [t for n, ts in names.items() if n.startswith(wanted) for t in ts],
        [t for n, ts in names.items() if _starts_a_word(n, wanted) for t in ts],
    ):
        if not wanted:
            break
        order = ("topic", "metric", "claimant", "source")
        found = sorted(dict.fromkeys(matches), key=lambda t: order.index(t.kind))
        if len(found) == 1 or (found and matches is names.get(wanted)):
            return found[0]
        if found:
            shown = ", ".join(f"{t.key} ({t.kind})" for t in found[:5])
            more = ", …" if len(found) > 5 else ""
            topics = list(
                dict.fromkeys(data.metrics[t.key].topic for t in found if t.kind == "metric")
            )
            whole = f", show a whole topic ({', '.join(topics)})" if topics else ""
            raise ManpowerError(
                f"{name!r} matches {len(found)} names: {shown}{more}; type more of the name"
                f"{whole}, or {hint}"
            )
    keys = list(dict.fromkeys(t.key for n in _nearest(wanted, names) for t in names[n]))
    suggestion = f" (did you mean {', '.join(keys[:3])}?)" if keys else ""
    raise ManpowerError(f"unknown topic, metric, claimant or source {name!r}{suggestion}; {hint}")


def _nearest(wanted: str, names: dict[str, list[Target]]) -> list[str]:
    """The names closest to ``wanted``, whole or by their start ('powz' -> 'pows_held')."""
    probes: dict[str, list[str]] = {}
    for n in names:
        for probe in (n, n[: len(wanted)]):
            if n not in probes.setdefault(probe, []):
                probes[probe].append(n)
    close = difflib.get_close_matches(wanted, list(probes), n=6, cutoff=0.7)
    return list(dict.fromkeys(n for p in close for n in probes[p]))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def select(data: Dataset, name: str) -> Rows:
    """The claims of the topic, metric, claimant or source ``name`` (see :func:`resolve`)."""
    target = resolve(data, name)
    claims: list[Claim]
    if target.kind == "topic":
        metric_ids = [m.metric_id for m in data.metrics_in(target.key)]
        claims = [c for m in metric_ids for c in data.claims_for(m)]
        title = f"topic {target.key}"
    elif target.kind == "metric":
        metric = data.metrics[target.key]
        claims = data.claims_for(target.key)
        title = f"metric {metric.metric_id} — {metric.label} ({metric.unit})"
    elif target.kind == "claimant":
        claims = [c for c in data.claims if c.claimant_id == target.key]
        who = next(c for c in data.claimants if c.get("claimant_id") == target.key)
        title = f"claimant {target.key} — {who.get('name') or target.key}"
    else:
        claims = [c for c in data.claims if c.source_id == target.key]
        src = next(s for s in data.sources if s.get("source_id") == target.key)
        title = f"source {target.key}" + (f" — {src['title']}" if src.get("title") else "")
    rows = []
    for c in claims:
        verification = c.verification + (
            f", superseded by {c.superseded_by}" if c.superseded_by else ""
        )
        rows.append(
            {
                "claim_id": c.claim_id,
                "metric_id": c.metric_id,
                "category": c.category,
                "claimant": c.claimant_name,
                "via": c.via,
                "period": c.period,
                "value_as_stated": c.as_stated,
                "value_kind": c.value_kind,
                "value_low": c.value_low,
                "value": c.value,
                "value_high": c.value_high,
                "unit": c.unit,
                "verification": verification,
                "source": c.source_label,
                "source_id": c.source_id,
                "url": c.source_url,
                "quote": c.quote,
            }
        )
    from manpower.views.series import split

    long, _rest = split(data, claims)
    return Rows(
        title=f"{title}: {_plural(len(rows), 'claim')}",
        columns=list(rows[0]) if rows else [],
        rows=rows,
        table_columns={},
        series=[(s.metric_id, s.summary()) for s in long],
        in_series=frozenset(cid for s in long for cid in s.claim_ids),
        grouped=target.kind != "metric",
        labels={
            m.metric_id: f"{m.label} ({UNIT_LABEL.get(m.unit, m.unit)})"
            for m in data.metrics.values()
        },
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, cut at a word boundary with an ellipsis.

    A terminal would otherwise wrap it anywhere, even inside an identifier.
    """
    if len(text) <= width:
        return text
    cut = text[: max(width - 1, 0)]
    space = cut.rfind(" ")
    if space > width // 3:  # a word boundary not too far back
        cut = cut[:space]
    return cut.rstrip(" ,;·–-") + "…"


def _width() -> int:
    return max(shutil.get_terminal_size(fallback=(120, 24)).columns, 40)


def _overview_lines(rows: Rows, width: int) -> list[str]:
    id_width = max((len(r["metric_id"]) for r in rows.rows), default=0)
    count_width = max((len(str(r["claims"])) for r in rows.rows), default=1)
    lines: list[str] = []
    topic = None
    for r in rows.rows:
        if r["topic"] != topic:
            topic = r["topic"]
            lines += ["", topic]
        head = f"  {r['metric_id']:<{id_width}}  {r['claims']:>{count_width}}  "
        label = f"{r['label']} ({UNIT_LABEL.get(r['unit'], r['unit'])})"
        # the label wraps onto lines of its own column, at word boundaries only
        room = max(width - len(head), 12)
        wrapped = textwrap.wrap(label, room, break_long_words=False, break_on_hyphens=False)
        for i, part in enumerate(wrapped or [""]):
            lines.append(((head if i == 0 else " " * len(head)) + fit(part, room)).rstrip())
    return lines


def _joined(first: str, second: str, width: int, indent: str = "    ") -> list[str]:
    """``first · second`` on one line when it fits, else ``second`` on a line of its own."""
    if not second:
        return [fit(indent + first, width)]
    one = f"{indent}{first}{second}"
    if len(one) <= width:
        return [one]
    room = max(width - len(indent), 12)
    rest = textwrap.wrap(second.lstrip(" ·,"), room, break_long_words=False, break_on_hyphens=False)
    # at most two lines for the second part; the second is cut at a word if need be
    tail = [rest[0], " ".join(rest[1:])] if len(rest) > 1 else rest
    return [fit(indent + first.rstrip(" ·,"), width), *(fit(indent + t, width) for t in tail)]


def _claim_lines(rows: Rows, width: int, bold: Any) -> list[str]:
    lines: list[str] = []
    metric = None
    summaries: dict[str, list[str]] = {}
    for metric_id, text in rows.series:
        summaries.setdefault(metric_id, []).append(text)
    for r in rows.rows:
        if rows.grouped and r["metric_id"] != metric:
            metric = r["metric_id"]
            lines += ["", fit(f"{metric}: {rows.labels.get(metric, '')}", width)]
        if r["claim_id"] in rows.in_series:
            for text in summaries.pop(r["metric_id"], []):
                wrapped = textwrap.wrap(text, max(width - 4, 20), break_long_words=False)
                lines += [bold(f"  {wrapped[0]}"), *(f"    {w}" for w in wrapped[1:])]
            continue
        category = f" ({r['category']})" if r["category"] else ""
        value = f"  {r['value_as_stated']}{category} · {r['period']} · {r['verification']}"
        lines.append(bold(fit(value, width)))
        lines += _joined(r["claimant"], f", via {r['via']}" if r["via"] else "", width)
        lines.append(fit(f"    “{r['quote']}”", width))
        lines += _joined(r["claim_id"], f" · {r['source']}", width)
    return lines


class _Bold(str):
    """A line to print in bold: styled after the text is made terminal-safe, so that the
    data's escape sequences are written out and show's own styling is not (issue 22)."""


def render_rows(rows: Rows, fmt: str, color: bool = False) -> str:
    """The rows as text lines fitted to the terminal ($COLUMNS), CSV or JSON; every control
    character of the data written as ``\\uXXXX`` (:func:`terminal_safe`), only show's own bold
    left as an escape sequence (with ``color``)."""
    from manpower.validation.text_rules import terminal_safe

    if fmt == "json":
        return terminal_safe(json.dumps(rows.rows, indent=2, ensure_ascii=False))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=rows.columns, lineterminator="\n")
        writer.writeheader()
        for row in rows.rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return terminal_safe(buffer.getvalue().rstrip("\n"))
    if fmt != "table":
        raise ManpowerError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

    def bold(text: str) -> str:
        return _Bold(text)

    width = _width()
    body = (
        _overview_lines(rows, width)
        if rows.table_columns
        else ["", *_claim_lines(rows, width, bold)[int(rows.grouped) :]]
    )
    # the count after the last ": " always shows; the name before it is cut if need be
    name, sep, count = rows.title.rpartition(": ")
    title = fit(name, width - len(sep + count)) + sep + count if sep else fit(count, width)
    return "\n".join(
        f"\x1b[1m{terminal_safe(line)}\x1b[0m"
        if color and isinstance(line, _Bold)
        else terminal_safe(line)
        for line in [title, *body]
    )
