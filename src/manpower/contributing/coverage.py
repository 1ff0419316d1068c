"""Every figure of every archived document is a claim or a listed exclusion: check it.

A figure is accounted for by a claim of the same source whose quote stands in the document
around it and states one of its values (a vague figure such as "thousands", which has no value,
by an ``interpreted`` claim), or by an exclusion of the same source whose excerpt stands around
it and names it. Two claims may quote the same sentence; each accounts only for the figures it
states, so removing either one leaves its figure unaccounted.

The documents are the archived copies named in ``sources.csv`` (``document``), pinned by their
sha256; the folder holding them is configurable (``manpower.config.documents_dir``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from manpower import catalogue
from manpower.config import DATASETS_ENV, DOCUMENTS_ENV, datasets_dir, documents_dir
from manpower.contributing.figures import (
    CONTEXT_CHARS,
    Figure,
    find_figures,
    line_of,
    normalise,
    occurrences,
    same_value,
)
from manpower.errors import ManpowerError, UsageError
from manpower.files import sha256_file
from manpower.limits import MAX_DOCUMENT_BYTES, MAX_SNAPSHOT_BYTES
from manpower.limits import excerpt as shorten
from manpower.paths import data_path
from manpower.schema import read_rows as read_table_rows


@dataclass(frozen=True)
class Gap:
    """One thing coverage found wrong: ``kind`` says what, ``line`` where in the document."""

    source_id: str
    document: str
    kind: str
    line: int | None
    figure: str
    context: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DocumentCoverage:
    """The figures of one document and what accounts for each (claim or exclusion ids)."""

    source_id: str
    document: str
    figures: list[Figure] = field(default_factory=list)
    accounted: dict[int, list[str]] = field(default_factory=dict)
    records: int = 0  # for a dataset snapshot: the mapped figures of its records


@dataclass
class Coverage:
    folder: Path
    documents: list[DocumentCoverage] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.gaps

    @property
    def figures(self) -> int:
        return sum(len(d.figures) + d.records for d in self.documents)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "documents": len(self.documents),
            "figures": self.figures,
            "gaps": [g.to_dict() for g in self.gaps],
        }


def read_rows(path: Path) -> list[dict[str, str]]:
    """A curated table as text rows; an absent optional table has none."""
    return read_table_rows(path) if path.is_file() else []


def claim_values(claim: dict[str, str]) -> list[float]:
    values = []
    for column in ("value_low", "value", "value_high"):
        try:
            values.append(float(claim.get(column) or "nan"))
        except ValueError:
            continue
    return [v for v in values if v == v]


def states_figure(claim: dict[str, str], figure: Figure) -> bool:
    """Whether a claim whose quote holds ``figure`` is the claim of that figure."""
    if not figure.values:
        return claim.get("value_kind") == "interpreted"
    return any(same_value(v, f) for v in claim_values(claim) for f in figure.values)


def account(
    source_id: str,
    document: str,
    text: str,
    claims: list[dict[str, str]],
    exclusions: list[dict[str, str]],
    language: str | None = None,
) -> tuple[DocumentCoverage, list[Gap]]:
    """Match every figure of one document text to its claims and exclusions.

    ``language`` is the source's (``sources.language``): it picks the vocabulary the figures
    are read with. Each quote and excerpt looks only at the figures inside its span, found by
    bisection, so the work grows with the document, not with its square."""
    text = normalise(text)
    result = DocumentCoverage(source_id, document, find_figures(text, language))
    starts = [f.start for f in result.figures]
    gaps: list[Gap] = []
    for claim in claims:
        quote = normalise(claim.get("quote", ""))
        spans = quote_spans(text, claim)
        if not spans:
            gaps.append(
                Gap(
                    source_id,
                    document,
                    catalogue.QUOTE_NOT_FOUND,
                    None,
                    "",
                    shorten(quote, CONTEXT_CHARS),
                    catalogue.message(catalogue.QUOTE_NOT_FOUND, claim_id=claim["claim_id"]),
                )
            )
        for start, end in spans:
            for i in _inside(starts, start, end):
                figure = result.figures[i]
                if figure.end <= end and states_figure(claim, figure):
                    result.accounted.setdefault(i, []).append(claim["claim_id"])
    for i, ids in list(result.accounted.items()):
        if len(set(ids)) < result.figures[i].needs:
            del result.accounted[i]
    for row in exclusions:
        _apply_exclusion(text, row, result, gaps, starts)
    for i, figure in enumerate(result.figures):
        if i not in result.accounted:
            gaps.append(
                Gap(
                    source_id,
                    document,
                    catalogue.UNACCOUNTED,
                    figure.line,
                    shorten(figure.text),
                    line_of(text, figure),
                    catalogue.message(catalogue.UNACCOUNTED, figure=shorten(figure.text)),
                )
            )
    return result, gaps


def _inside(starts: list[int], start: int, end: int) -> range:
    """The indexes of the figures that start within [start, end) (``starts`` is sorted)."""
    return range(bisect.bisect_left(starts, start), bisect.bisect_left(starts, end))


def quote_spans(text: str, claim: dict[str, str]) -> list[tuple[int, int]]:
    """Where a claim's quote stands in a (normalised) document text; none: not found."""
    return occurrences(text, normalise(claim.get("quote", "")))


def match_exclusion(
    text: str, figures: list[Figure], row: dict[str, str], starts: list[int] | None = None
) -> tuple[list[int], str | None]:
    """The figures an exclusion accounts for, and what is wrong with it (None: nothing).

    What is wrong is ``"not-found"`` (its excerpt is not in the document), ``"not-a-figure"``
    (its figure is not a figure of the excerpt) or ``"other-needs-notes"``. ``coverage`` and
    ``submit`` both judge an exclusion with this one function.
    """
    if starts is None:
        starts = [f.start for f in figures]
    excerpt, written = normalise(row.get("excerpt", "")), normalise(row.get("figure", ""))
    hits: list[int] = []
    spans = occurrences(text, excerpt)
    for start, _end in spans:
        for offset, offset_end in occurrences(excerpt, written):
            lo, hi = start + offset, start + offset_end
            # a figure overlapping [lo, hi) starts before hi; figures are short, so one that
            # starts far before lo cannot reach it
            hits += [i for i in _inside(starts, max(0, lo - 200), hi) if lo < figures[i].end]
    if row.get("reason") == "other" and not row.get("notes", "").strip():
        return hits, "other-needs-notes"
    if not spans:
        return hits, "not-found"
    if not hits:
        return hits, "not-a-figure"
    return hits, None


def closest_passage(text: str, passage: str) -> str:
    """The passage of ``text`` most like ``passage`` (a quote that is not in it), for a message.

    Bounded: the candidates are the document's lines and sentences; the MAX_PASSAGE_CANDIDATES
    sharing most words with the passage are compared with difflib, and within the best one a
    window of the passage's length anchored on the longest common block is shown.
    """
    from difflib import SequenceMatcher

    from manpower.limits import MAX_PASSAGE_CANDIDATES, excerpt

    passage = normalise(passage).strip()
    if not passage or not text.strip():
        return ""
    pieces = [p.strip() for p in re.split(r"\n|(?<=[.!?])\s+", text) if p.strip()]
    # a cheap first round over every piece (words in common), difflib on the best few only
    words = set(passage.casefold().split())
    pieces.sort(key=lambda p: -len(words & set(p.casefold().split())))
    best, best_score = "", -1.0
    for piece in pieces[:MAX_PASSAGE_CANDIDATES]:
        matcher = SequenceMatcher(None, passage, piece, autojunk=False)
        if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
            continue
        score = matcher.ratio()
        if score > best_score:
            best, best_score = piece, score
    if len(best) > len(passage) + 20:
        matcher = SequenceMatcher(None, passage, best, autojunk=False)
        block = matcher.find_longest_match(0, len(passage), 0, len(best))
        start = max(0, block.b - block.a)
        if start and not best[start - 1].isspace():  # from the next whole word
            start = best.find(" ", start) + 1
        end = best.find(" ", min(len(best), start + len(passage)))
        best = best[start : end if end >= 0 else len(best)]
    return excerpt(_from_first_difference(passage, best))


def _from_first_difference(passage: str, found: str) -> str:
    """``found``, starting a few words before where it first differs from ``passage`` when a
    message could not show that far (a typo near the end of a long quote)."""
    from difflib import SequenceMatcher

    from manpower.limits import MAX_ECHO_CHARS

    if len(found) <= MAX_ECHO_CHARS:
        return found
    ops = SequenceMatcher(None, passage, found, autojunk=False).get_opcodes()
    first = next((j1 for tag, _i1, _i2, j1, _j2 in ops if tag != "equal"), 0)
    if first < MAX_ECHO_CHARS - 20:
        return found
    start = found.rfind(" ", 0, max(0, first - 30)) + 1
    return "..." + found[start:]


def _apply_exclusion(
    text: str, row: dict[str, str], result: DocumentCoverage, gaps: list[Gap], starts: list[int]
) -> None:
    ident, written = row.get("exclusion_id", ""), normalise(row.get("figure", ""))
    hits, wrong = match_exclusion(text, result.figures, row, starts)
    for i in hits:
        result.accounted.setdefault(i, []).append(ident)
    if wrong is None:
        return
    variant = None if wrong == "not-found" else wrong
    message = catalogue.message(catalogue.EXCLUSION_NOT_FOUND, variant, id=ident, figure=written)
    gaps.append(
        Gap(
            result.source_id,
            result.document,
            catalogue.EXCLUSION_NOT_FOUND,
            None,
            written,
            shorten(normalise(row.get("excerpt", "")), CONTEXT_CHARS),
            message,
        )
    )


@dataclass(frozen=True)
class DocumentIssue:
    """Why a source's pinned document cannot be trusted: a catalogue rule and its parameters."""

    rule: str
    params: dict[str, Any]


def read_document(
    folder: Path, source: dict[str, str], *, dataset: bool = False
) -> tuple[str | None, DocumentIssue | None]:
    """The text of a source's archived document, and what is wrong with it (None: nothing).

    The text is None when the document is not in ``folder`` (or is over its size limit); a
    document whose sha256 differs from the one ``sources.csv`` pins is returned with a
    ``document-changed`` issue. A dataset snapshot (``dataset``) has its own folder variable and
    size limit.
    """
    env = DATASETS_ENV if dataset else DOCUMENTS_ENV
    limit = MAX_SNAPSHOT_BYTES if dataset else MAX_DOCUMENT_BYTES
    name = source.get("document", "")
    path = folder / name
    # an article is a file name; a dataset snapshot sits in its dataset's folder
    plain = Path(name).name == name or (
        dataset and not Path(name).is_absolute() and ".." not in Path(name).parts
    )
    if not name or not plain or not path.is_file():
        return None, DocumentIssue(
            catalogue.DOCUMENT_MISSING, {"name": name, "folder": folder, "env": env}
        )
    size = path.stat().st_size
    if size > limit:
        return None, DocumentIssue(
            catalogue.DOCUMENT_TOO_LARGE, {"name": name, "size": size, "limit": limit}
        )
    raw = path.read_bytes()
    try:
        text = normalise(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ManpowerError(
            f"{path}: the archived document of source {source.get('source_id')!r} is not UTF-8 "
            f"text (byte {exc.start:,}); save it as UTF-8 and update its sha256 in sources.csv"
        ) from None
    digest = sha256_file(path)
    if source.get("sha256") != digest:
        pinned = source.get("sha256") or "none"
        return text, DocumentIssue(
            catalogue.DOCUMENT_CHANGED, {"name": name, "digest": digest, "pinned": pinned}
        )
    return text, None


def withdrawn(root: Path) -> set[str]:
    """The claim and exclusion ids that a retraction (data/retractions.csv) withdraws."""
    return {
        ident
        for row in read_rows(data_path(root, "retractions"))
        for ident in (row.get("claim_id", ""), row.get("exclusion_id", ""))
        if ident
    }


def check(
    root: Path,
    source_ids: list[str] | None = None,
    folder: Path | None = None,
    datasets: Path | None = None,
) -> Coverage:
    """Coverage of the archived documents of ``source_ids`` (default: every source with one).

    A dataset snapshot (``kind`` dataset) is read from ``datasets`` (default
    ``manpower.config.datasets_dir``) through its mapping: see :func:`account_dataset`.
    """
    folder = folder or documents_dir(root)
    if not folder.is_dir():
        raise ManpowerError(
            f"no documents folder at {folder}: set {DOCUMENTS_ENV} to the folder holding the "
            "archived documents named in sources.csv"
        )
    sources = read_rows(data_path(root, "sources"))
    known = {s["source_id"]: s for s in sources}
    unknown = [s for s in source_ids or [] if s not in known]
    if unknown:
        from manpower.contributing.suggest import did_you_mean

        raise UsageError(f"unknown source_id {unknown[0]!r}{did_you_mean(unknown[0], known)}")
    # a withdrawn row (data/retractions.csv) stays in its table but accounts for nothing
    gone = withdrawn(root)
    claims = [c for c in read_rows(data_path(root, "claims")) if c["claim_id"] not in gone]
    exclusions = [
        x for x in read_rows(data_path(root, "exclusions")) if x["exclusion_id"] not in gone
    ]
    coverage = Coverage(folder)
    for source in sources:
        if source_ids and source["source_id"] not in source_ids:
            continue
        if not source.get("document"):
            continue
        sid, name = source["source_id"], source["document"]
        dataset = source.get("kind") == "dataset"
        base = (datasets or datasets_dir(root)) if dataset else folder
        text, issue = read_document(base, source, dataset=dataset)
        if issue is not None:
            coverage.gaps.append(
                Gap(
                    sid,
                    name,
                    issue.rule,
                    None,
                    "",
                    "",
                    catalogue.message(issue.rule, **issue.params),
                )
            )
        if text is None:
            continue
        if dataset:
            doc, gaps = account_dataset(
                root,
                source,
                base / name,
                [c for c in claims if c.get("source_id") == sid],
                claims,
                exclusions,
            )
            coverage.documents.append(doc)
            coverage.gaps.extend(gaps)
            continue
        doc, gaps = account(
            sid,
            name,
            text,
            [c for c in claims if c.get("source_id") == sid],
            [x for x in exclusions if x.get("source_id") == sid],
            source.get("language"),
        )
        coverage.documents.append(doc)
        coverage.gaps.extend(gaps)
    return coverage


def account_dataset(
    root: Path,
    source: dict[str, str],
    path: Path,
    own: list[dict[str, str]],
    claims: list[dict[str, str]],
    exclusions: list[dict[str, str]],
) -> tuple[DocumentCoverage, list[Gap]]:
    """Every mapped field of every record of one imported snapshot is a claim or an exclusion.

    The claim may be one of an earlier snapshot of the same dataset: an unchanged record keeps
    the claim of the snapshot that first stated it (``contributing.dataset_import``). Each claim
    of the snapshot must quote its record as written, on one line (``datasets.one_line``).
    """
    from manpower.contributing.datasets import (
        Rejected,
        mappings,
        one_line,
        read_records,
        read_snapshot,
        uncovered,
    )

    sid, name = source["source_id"], source["document"]
    doc = DocumentCoverage(sid, name)

    def gap(kind: str, locator: str | None, figure: str, context: str, text: str) -> Gap:
        return Gap(sid, name, kind, None, figure, context, text)

    found = [(m, s) for m in mappings(root) for s in m.snapshots if m.source_id(s) == sid]
    if not found:
        variant = "no-mapping"
        text = catalogue.message(catalogue.DATASET_NOT_COVERED, variant)
        return doc, [gap(catalogue.DATASET_NOT_COVERED, None, "", "", text)]
    mapping, snapshot = found[0]
    try:
        _digest, records = read_snapshot(path, name)
        readings, problems = read_records(mapping, records, name)
    except Rejected as exc:
        problems, readings = exc.problems, []
    gaps = [gap(p.rule, None, "", "", p.message) for p in problems]
    text = one_line(path.read_text(encoding="utf-8"))
    for claim in own:
        if one_line(claim.get("quote", "")) not in text:
            message = catalogue.message(catalogue.QUOTE_NOT_FOUND, claim_id=claim["claim_id"])
            gaps.append(gap(catalogue.QUOTE_NOT_FOUND, None, "", claim.get("quote", ""), message))
    doc.records = len(readings)
    for r in uncovered(mapping, snapshot, readings, claims, exclusions):
        message = catalogue.message(
            catalogue.DATASET_NOT_COVERED, locator=r.locator, field=r.figure.field, figure=r.number
        )
        gaps.append(gap(catalogue.DATASET_NOT_COVERED, r.locator, r.number, r.quote, message))
    return doc, gaps
