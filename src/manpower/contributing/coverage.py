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

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from manpower import problems as catalogue
from manpower.config import DOCUMENTS_ENV, documents_dir
from manpower.contributing.figures import (
    Figure,
    find_figures,
    line_of,
    normalise,
    occurrences,
    same_value,
)
from manpower.errors import ManpowerError, UsageError
from manpower.fsutil import sha256_file
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
        return sum(len(d.figures) for d in self.documents)

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
) -> tuple[DocumentCoverage, list[Gap]]:
    """Match every figure of one document text to its claims and exclusions."""
    text = normalise(text)
    result = DocumentCoverage(source_id, document, find_figures(text))
    gaps: list[Gap] = []
    for claim in claims:
        quote = normalise(claim.get("quote", ""))
        spans = occurrences(text, quote)
        if not spans:
            gaps.append(
                Gap(
                    source_id,
                    document,
                    catalogue.QUOTE_NOT_FOUND,
                    None,
                    "",
                    quote,
                    catalogue.message(catalogue.QUOTE_NOT_FOUND, claim_id=claim["claim_id"]),
                )
            )
        for start, end in spans:
            for i, figure in enumerate(result.figures):
                if start <= figure.start and figure.end <= end and states_figure(claim, figure):
                    result.accounted.setdefault(i, []).append(claim["claim_id"])
    for i, ids in list(result.accounted.items()):
        if len(set(ids)) < result.figures[i].needs:
            del result.accounted[i]
    for row in exclusions:
        _apply_exclusion(text, row, result, gaps)
    for i, figure in enumerate(result.figures):
        if i not in result.accounted:
            gaps.append(
                Gap(
                    source_id,
                    document,
                    catalogue.UNACCOUNTED,
                    figure.line,
                    figure.text,
                    line_of(text, figure),
                    catalogue.message(catalogue.UNACCOUNTED, figure=figure.text),
                )
            )
    return result, gaps


def _apply_exclusion(
    text: str, row: dict[str, str], result: DocumentCoverage, gaps: list[Gap]
) -> None:
    excerpt, written = normalise(row.get("excerpt", "")), normalise(row.get("figure", ""))
    ident = row.get("exclusion_id", "")
    hits = 0
    spans = occurrences(text, excerpt)
    for start, _end in spans:
        for offset, offset_end in occurrences(excerpt, written):
            lo, hi = start + offset, start + offset_end
            for i, figure in enumerate(result.figures):
                if figure.start < hi and lo < figure.end:
                    result.accounted.setdefault(i, []).append(ident)
                    hits += 1
    if row.get("reason") == "other" and not row.get("notes", "").strip():
        variant: str | None = "other-needs-notes"
    elif not spans:
        variant = None
    elif not hits:
        variant = "not-a-figure"
    else:
        return
    message = catalogue.message(catalogue.EXCLUSION_NOT_FOUND, variant, id=ident, figure=written)
    gaps.append(
        Gap(
            result.source_id,
            result.document,
            catalogue.EXCLUSION_NOT_FOUND,
            None,
            written,
            excerpt,
            message,
        )
    )


def check(root: Path, source_ids: list[str] | None = None, folder: Path | None = None) -> Coverage:
    """Coverage of the archived documents of ``source_ids`` (default: every source with one)."""
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
    claims = read_rows(data_path(root, "claims"))
    exclusions = read_rows(data_path(root, "exclusions"))
    coverage = Coverage(folder)
    for source in sources:
        if source_ids and source["source_id"] not in source_ids:
            continue
        if not source.get("document"):
            continue
        sid, name = source["source_id"], source["document"]
        path = folder / name
        if not path.is_file():
            coverage.gaps.append(
                Gap(
                    sid,
                    name,
                    catalogue.DOCUMENT_MISSING,
                    None,
                    "",
                    "",
                    catalogue.message(catalogue.DOCUMENT_MISSING, name=name, folder=folder),
                )
            )
            continue
        digest = sha256_file(path)
        if source.get("sha256") != digest:
            coverage.gaps.append(
                Gap(
                    sid,
                    name,
                    catalogue.DOCUMENT_CHANGED,
                    None,
                    "",
                    "",
                    catalogue.message(
                        catalogue.DOCUMENT_CHANGED,
                        name=name,
                        digest=digest,
                        pinned=source.get("sha256") or "none",
                    ),
                )
            )
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ManpowerError(
                f"{path}: the archived document of source {sid!r} is not UTF-8 text (byte "
                f"{exc.start:,}); save it as UTF-8 and update its sha256 in sources.csv"
            ) from None
        doc, gaps = account(
            sid,
            name,
            text,
            [c for c in claims if c.get("source_id") == sid],
            [x for x in exclusions if x.get("source_id") == sid],
        )
        coverage.documents.append(doc)
        coverage.gaps.extend(gaps)
    return coverage
