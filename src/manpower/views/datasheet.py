"""``manpower report``: a static datasheet site that works offline from the file system.

One ``index.html`` with the charts inlined (tooltips as SVG titles), ``style.css``, and every
chart again as ``charts/<metric_id>.svg`` and ``.png`` for the README. No script, no CDN, no
server. The bytes depend only on the package's files, so a committed site rebuilds identically.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower.files import sha256_file, write_atomic
from manpower.paths import BASE_METADATA, TABLES, read_json
from manpower.views.claims_view import UNIT_LABEL, Claim, Dataset, Metric, load

CHARTS = "charts"
# What this report wrote, so that the next one removes only its own stale charts.
MANIFEST = ".manpower-site.json"
_CHART_NAME = re.compile(rf"{CHARTS}/[A-Za-z0-9_.-]+\.(svg|png)")
MIN_CLAIMS_FOR_CHART = 2


@dataclass(frozen=True)
class Download:
    name: str
    href: str
    bytes: int
    sha256: str
    rows: int | None


@dataclass
class TopicSection:
    topic: str
    title: str
    charts: list[dict[str, Any]] = field(default_factory=list)
    singles: list[tuple[Metric, Claim]] = field(default_factory=list)


@dataclass(frozen=True)
class Site:
    files: dict[str, bytes]  # path relative to the output folder -> content
    charted: dict[str, int]  # metric_id -> marks (claims) in its chart


def topic_title(topic: str) -> str:
    return topic.replace("_", " ").capitalize()


def _validation(root: Path) -> dict[str, Any]:
    """The last build's validation summary, or a fresh validation when there is none."""
    path = root / "reports" / "validation.json"
    if path.is_file():
        return read_json(path)
    from manpower.validation.runner import validate

    report = validate(root)
    return {"valid": report.valid, "rows": report.rows, "errors": report.errors}


def _downloads(root: Path, out: Path) -> list[Download]:
    """The package's files with their sha256, linked relative to the page."""
    package = root / "datapackage.json"
    if package.is_file():
        descriptor = read_json(package)
    else:
        from manpower.descriptor import build_descriptor

        descriptor = build_descriptor(root, derived=False)
    items = []
    for resource in descriptor.get("resources", []):
        path = root / resource["path"]
        if not path.is_file():
            continue
        items.append(
            Download(
                name=resource["path"],
                href=Path(os.path.relpath(path, out)).as_posix(),
                bytes=path.stat().st_size,
                sha256=sha256_file(path),
                rows=resource.get("rows"),
            )
        )
    if package.is_file():
        items.append(
            Download(
                name="datapackage.json",
                href=Path(os.path.relpath(package, out)).as_posix(),
                bytes=package.stat().st_size,
                sha256=sha256_file(package),
                rows=None,
            )
        )
    return items


def _changelog(root: Path) -> str:
    path = root / "CHANGELOG.md"
    if not path.is_file():
        return ""
    from markdown_it import MarkdownIt

    # html=False: the changelog is text, never raw markup in the page
    return MarkdownIt("commonmark", {"html": False}).render(path.read_text(encoding="utf-8"))


def _sections(data: Dataset) -> tuple[list[TopicSection], dict[str, Any]]:
    from manpower.views.charts import caption, draw
    from manpower.views.series import split
    from manpower.views.series_chart import caption as series_caption
    from manpower.views.series_chart import render_series

    sections, rendered = [], {}
    for topic in data.topics:
        section = TopicSection(topic=topic, title=topic_title(topic))
        for metric in data.metrics_in(topic):
            claims = data.claims_for(metric.metric_id)
            long, rest = split(data, claims)
            if long:
                # a relayed daily series: a line per relay, the other claims as marks
                chart = render_series(metric, long, rest)
                rendered[metric.metric_id] = chart
                section.charts.append(
                    {
                        "metric": metric,
                        "unit": UNIT_LABEL.get(metric.unit, metric.unit),
                        "svg": chart.inline_svg,
                        "caption": series_caption(metric, long, rest),
                        "claims": rest,
                        "series": long,
                        "colours": chart.colours,
                    }
                )
            elif len(claims) >= MIN_CLAIMS_FOR_CHART:
                chart = draw(metric, claims)
                rendered[metric.metric_id] = chart
                section.charts.append(
                    {
                        "metric": metric,
                        "unit": UNIT_LABEL.get(metric.unit, metric.unit),
                        "svg": chart.inline_svg,
                        "caption": caption(metric, claims),
                        "claims": claims,
                        "colours": chart.colours,
                    }
                )
            elif claims:
                section.singles.append((metric, claims[0]))
        if section.charts or section.singles:
            sections.append(section)
    return sections, rendered


def build_site(root: Path, out: Path) -> Site:
    """Every file of the site in memory; nothing is written."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    from manpower.views.charts import VERIFICATION_LABEL
    from manpower.views.citation import CFF, from_metadata
    from manpower.views.compare import compare, stated

    meta = read_json(root / BASE_METADATA)
    data = load(root)
    sections, charts = _sections(data)
    env = Environment(
        loader=PackageLoader("manpower.views", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    counts = data.claim_counts()
    html = env.get_template("report.html.j2").render(
        meta=meta,
        cite=from_metadata(meta),
        cff=CFF if (root / CFF).is_file() else "",
        cff_href=Path(os.path.relpath(root / CFF, out)).as_posix(),
        validation=_validation(root),
        tables=TABLES,
        downloads=_downloads(root, out),
        sections=sections,
        data=data,
        counts=counts,
        units=UNIT_LABEL,
        verification_label=VERIFICATION_LABEL,
        changelog=Markup(_changelog(root)),
        markup=Markup,
        charts_dir=CHARTS,
        sources_by_id={s["source_id"]: s for s in data.sources},
        disagreements=[g for g in compare(root) if not g.agree],
        stated=stated,
    )
    files: dict[str, bytes] = {"index.html": html.encode("utf-8")}
    files["style.css"] = (Path(__file__).parent / "templates" / "style.css").read_bytes()
    for metric_id, chart in charts.items():
        files[f"{CHARTS}/{metric_id}.svg"] = chart.svg.encode("utf-8")
        files[f"{CHARTS}/{metric_id}.png"] = chart.png
    return Site(files=files, charted={m: len(c.claim_ids) for m, c in charts.items()})


def _previously_written(out: Path) -> set[str]:
    """The charts an earlier report wrote into ``out``, from its manifest (none without one).

    Only names of the form ``charts/<name>.svg|png`` count: the manifest lives in a folder a
    user owns, and a hand-edited one must not make the report delete anything else.
    """
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("charts", [])
    except (OSError, ValueError, AttributeError):
        return set()
    if not isinstance(listed, list):
        return set()
    return {
        name
        for name in listed
        if isinstance(name, str) and _CHART_NAME.fullmatch(name) and ".." not in name
    }


def write_site(site: Site, out: Path) -> None:
    """Write the site, and remove the charts an earlier report wrote that this one does not.

    A file in ``out`` that no report wrote (a user's ``mine.png``, ``logo.svg``) is never
    removed: what to remove comes from the manifest of the previous report, not from the folder.
    """
    earlier = _previously_written(out)
    for name, content in sorted(site.files.items()):
        path = out / name
        if not path.is_file() or path.read_bytes() != content:
            write_atomic(path, content)
    charts = sorted(name for name in site.files if name.startswith(f"{CHARTS}/"))
    manifest = json.dumps({"charts": charts}, indent=2) + "\n"
    if not (out / MANIFEST).is_file() or (out / MANIFEST).read_text(encoding="utf-8") != manifest:
        write_atomic(out / MANIFEST, manifest)
    for name in sorted(earlier - set(site.files)):
        (out / name).unlink(missing_ok=True)


def report(root: Path, out: Path | None = None) -> tuple[Path, Site]:
    """Build the site of the package at ``root`` into ``out`` (default ``root/site``)."""
    out = (out or root / "site").resolve()
    site = build_site(root, out)
    write_site(site, out)
    return out, site


def summary(out: Path, site: Site) -> str:
    marks = sum(site.charted.values())
    return (
        f"{out / 'index.html'}: {len(site.charted)} charts ({marks} claims), "
        f"{len(site.files)} files"
    )
