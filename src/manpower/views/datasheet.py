"""``manpower report``: a static datasheet site that works offline and hosted on its own.

One ``index.html``: what the package holds and, per topic, each claimant's latest figure; then
every claim in a table that ``datasheet.js`` (a small script of our own, no CDN) makes
searchable, filterable and sortable, each row linkable as ``#claim-ID``; then the charts (inlined
SVG, tooltips as SVG titles), the files, sources, claimants, metrics and changelog. The package's
files (``datapackage.json``, the CSV tables, ``CITATION.cff``) are copied into the site, so its
download links work wherever the folder is served. Every chart is also in
``charts/<metric_id>.svg`` and ``.png`` for the README. The bytes depend only on the package's
files, so a committed site rebuilds identically.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower.files import write_atomic
from manpower.paths import BASE_METADATA, TABLES, read_json
from manpower.views.claims_view import UNIT_LABEL, Claim, Dataset, Metric, load

CHARTS = "charts"
# What this report wrote, so that the next one removes only its own stale files.
MANIFEST = ".manpower-site.json"
# Folders of the site that hold copies of the package's files.
COPY_FOLDERS = ("data", "data/derived", "schemas")
SCRIPT = "datasheet.js"
# The names a manifest may list: a hand-edited one must not make the report delete anything else.
_WRITTEN_NAME = re.compile(
    rf"(?:{CHARTS}/[A-Za-z0-9_.-]+\.(?:svg|png)|(?:data|data/derived)/[A-Za-z0-9_.-]+\.csv"
    r"|schemas/[A-Za-z0-9_.-]+\.json)"
)
MIN_CLAIMS_FOR_CHART = 2


@dataclass(frozen=True)
class Download:
    name: str  # the path in the package, and in the site: the link is relative to the page
    bytes: int
    sha256: str
    rows: int | None

    @property
    def href(self) -> str:
        return self.name


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

    report = validate(root, own_schemas=True)  # the repository's own data
    return {"valid": report.valid, "rows": report.rows, "errors": report.errors}


def _package_files(root: Path) -> tuple[list[Download], dict[str, bytes]]:
    """The package's files with their sha256, and their bytes to copy into the site.

    Copied, not linked as ``../data/x.csv``: a site served on its own (a static host, a zip of
    ``site/``) has no parent folder. The copy keeps the package's layout (tables, the Table
    Schemas the descriptor names, ``datapackage.json``), so the site is itself a complete data
    package whose hashes hold. A folder without a descriptor gets the one the ``package`` stage
    would write.
    """
    from manpower.descriptor import DERIVED, build_descriptor, derived_path, dumps

    package = root / "datapackage.json"
    if package.is_file():
        descriptor_bytes = package.read_bytes()
        descriptor = read_json(package)
    else:
        derived = all(derived_path(root, name).is_file() for name in DERIVED)
        descriptor = build_descriptor(root, derived=derived)
        descriptor_bytes = dumps(descriptor).encode("utf-8")
    resources = descriptor.get("resources", [])
    rows = {r["path"]: r.get("rows") for r in resources}
    schemas = sorted({r["schema"] for r in resources if isinstance(r.get("schema"), str)})
    items, copies = [], {}
    for name in [r["path"] for r in resources] + ["datapackage.json"]:
        path = root / name
        content = descriptor_bytes if name == "datapackage.json" else None
        if content is None:
            if not path.is_file():
                continue
            content = path.read_bytes()
        copies[name] = content
        items.append(
            Download(
                name=name,
                bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                rows=rows.get(name),
            )
        )
    for name in schemas:
        if (root / name).is_file():
            copies[name] = (root / name).read_bytes()
    return items, copies


def _release_host(root: Path) -> str:
    """The published release index (``releases_url`` in the package metadata), or "".

    Read from the metadata, which a release sets before it builds, and not from
    ``releases.json``, which a release writes after its commit (it names that commit): a page
    listing the record would be stale after every release. Without a host the page invents no
    address.
    """
    from manpower.releasing.origin import URL_KEY

    url = read_json(root / BASE_METADATA).get(URL_KEY)
    return str(url) if url else ""


def _latest(data: Dataset) -> list[tuple[str, list[Claim]]]:
    """Per topic, each claimant's latest figure (by the date it refers to), newest first.

    A superseded claim is never the latest: its correction is. Of one claimant's figures for
    the same date, a total comes before a category, then the later document, then the id.
    """
    out = []
    for topic in data.topics:
        metrics = {m.metric_id for m in data.metrics_in(topic)}
        best: dict[str, Claim] = {}
        for c in data.claims:
            if c.metric_id not in metrics or c.superseded_by:
                continue
            key = (c.period_end, not c.category, c.source_date, c.claim_id)
            held = best.get(c.claimant_id)
            if held is None or key > (
                held.period_end,
                not held.category,
                held.source_date,
                held.claim_id,
            ):
                best[c.claimant_id] = c
        if best:
            ordered = sorted(best.values(), key=lambda c: (c.period_end, c.claim_id), reverse=True)
            out.append((topic, ordered))
    return out


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


def _holds(data: Dataset) -> dict[str, Any]:
    """What the package holds, in numbers, for the first screen."""
    used = {c.metric_id for c in data.claims}
    dates = sorted(d for c in data.claims for d in (c.period_start, c.period_end) if d)
    return {
        "claims": len(data.claims),
        "metrics": len(used),
        "topics": len({m.topic for m in data.metrics.values() if m.metric_id in used}),
        "claimants": len({c.claimant_id for c in data.claims}),
        "sources": len({c.source_id for c in data.claims}),
        "first": dates[0] if dates else "",
        "last": dates[-1] if dates else "",
    }


def _filters(data: Dataset, verification_label: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The choices of each filter of the claims table: (value, label), only those with claims."""
    metric_ids = {c.metric_id for c in data.claims}
    claimants = sorted({(c.claimant_name, c.claimant_id) for c in data.claims})
    present = {c.verification for c in data.claims}
    return {
        "topic": [
            (t, topic_title(t))
            for t in data.topics
            if any(m.metric_id in metric_ids for m in data.metrics_in(t))
        ],
        "metric": [
            (m.metric_id, m.label) for m in data.metrics.values() if m.metric_id in metric_ids
        ],
        "claimant": [(cid, name) for name, cid in claimants],
        "verification": [
            (v, verification_label.get(v, v)) for v in data.verifications if v in present
        ],
    }


def build_site(root: Path, out: Path) -> Site:
    """Every file of the site in memory; nothing is written.

    ``out`` is kept for callers: no byte depends on it, every link is relative to the page and
    inside the site, so the same site can be written or hosted anywhere.
    """
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
    downloads, copies = _package_files(root)
    if (root / CFF).is_file():
        copies[CFF] = (root / CFF).read_bytes()
    html = env.get_template("report.html.j2").render(
        meta=meta,
        cite=from_metadata(meta),
        cff=CFF if (root / CFF).is_file() else "",
        validation=_validation(root),
        tables=TABLES,
        downloads=downloads,
        flat=next((d for d in downloads if d.name.endswith("claims_flat.csv")), None),
        release_host=_release_host(root),
        sections=sections,
        latest=_latest(data),
        holds=_holds(data),
        filters=_filters(data, VERIFICATION_LABEL),
        topic_of={m.metric_id: m.topic for m in data.metrics.values()},
        topic_title=topic_title,
        data=data,
        counts=counts,
        units=UNIT_LABEL,
        verification_label=VERIFICATION_LABEL,
        changelog=Markup(_changelog(root)),
        markup=Markup,
        charts_dir=CHARTS,
        script=SCRIPT,
        sources_by_id={s["source_id"]: s for s in data.sources},
        disagreements=[g for g in compare(root) if not g.agree],
        stated=stated,
    )
    templates = Path(__file__).parent / "templates"
    files: dict[str, bytes] = {"index.html": html.encode("utf-8")}
    files["style.css"] = (templates / "style.css").read_bytes()
    files[SCRIPT] = (templates / SCRIPT).read_bytes()
    files.update(copies)
    for metric_id, chart in charts.items():
        files[f"{CHARTS}/{metric_id}.svg"] = chart.svg.encode("utf-8")
        files[f"{CHARTS}/{metric_id}.png"] = chart.png
    return Site(files=files, charted={m: len(c.claim_ids) for m, c in charts.items()})


def _previously_written(out: Path) -> set[str]:
    """The files an earlier report wrote into ``out``, from its manifest (none without one)."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return set()
    if not isinstance(listed, list):
        return set()
    return {
        name
        for name in listed
        if isinstance(name, str) and _WRITTEN_NAME.fullmatch(name) and ".." not in name
    }


def write_site(site: Site, out: Path, root: Path | None = None) -> None:
    """Write the site, and remove the files an earlier report wrote that this one does not.

    A file in ``out`` that no report wrote (a user's ``mine.png``, ``logo.svg``) is never
    removed: what to remove comes from the manifest of the previous report, not from the folder.
    Copies are never removed from a folder that is the package's own (a site written into the
    repository itself must not delete curated files).
    """
    earlier = _previously_written(out)
    for name, content in sorted(site.files.items()):
        path = out / name
        if not path.is_file() or path.read_bytes() != content:
            write_atomic(path, content)
    written = sorted(name for name in site.files if _WRITTEN_NAME.fullmatch(name))
    manifest = json.dumps({"files": written}, indent=2) + "\n"
    if not (out / MANIFEST).is_file() or (out / MANIFEST).read_text(encoding="utf-8") != manifest:
        write_atomic(out / MANIFEST, manifest)
    own = {
        name
        for name in COPY_FOLDERS
        if root is not None and (out / name).resolve() == (root / name).resolve()
    }
    for name in sorted(earlier - set(site.files)):
        if name.rpartition("/")[0] not in own:
            (out / name).unlink(missing_ok=True)


def report(root: Path, out: Path | None = None) -> tuple[Path, Site]:
    """Build the site of the package at ``root`` into ``out`` (default ``root/site``)."""
    out = (out or root / "site").resolve()
    site = build_site(root, out)
    write_site(site, out, root)
    return out, site


def summary(out: Path, site: Site) -> str:
    marks = sum(site.charted.values())
    return (
        f"{out / 'index.html'}: {len(site.charted)} charts ({marks} claims), "
        f"{len(site.files)} files"
    )
