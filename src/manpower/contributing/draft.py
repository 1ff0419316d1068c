"""Draft the claims of a document: one row per figure nobody has accounted for yet.

The draft fills what the text itself states (the quote, how the figure is worded, its values,
the ids) and leaves what needs a reader (metric, claimant, period, verification) empty with a
hint in ``notes``. Nothing is guessed: for a new source the drafted ``sources.csv`` row has the
document's first line as title, its file name and hash, and every other cell empty.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from manpower.contributing.coverage import account, read_rows
from manpower.contributing.figures import Figure, normalise
from manpower.contributing.wording import draft_kind, is_range
from manpower.errors import ManpowerError
from manpower.files import sha256_file
from manpower.paths import data_path
from manpower.schema import load_schemas

QUOTE_LIMIT = 300
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mr|mrs|ms|dr|st|no|vs|gen|col|lt)"
    r"|\b[a-z])\.$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’)]?\s+(?=[“\"(]?[A-Z0-9])")
_CLAUSE_END = re.compile(r"(?:,|;|:|\s[–—]|—)\s*")


@dataclass
class Draft:
    source_id: str
    document: str
    claims: list[dict[str, str]] = field(default_factory=list)
    source: dict[str, str] | None = None
    claim_fields: list[str] = field(default_factory=list)
    source_fields: list[str] = field(default_factory=list)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], cut to its clauses when longer than QUOTE_LIMIT."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    begin, finish = line_start, line_end
    for match in _SENTENCE_END.finditer(text, line_start, line_end):
        before = text[line_start : match.start()].rstrip('”"’)')
        if _ABBREVIATIONS.search(before):
            continue
        if match.end() <= start:
            begin = match.end()
        elif match.start() >= end:
            finish = match.start()
            break
    span = text[begin:finish].strip()
    offset = begin + (len(text[begin:finish]) - len(text[begin:finish].lstrip()))
    if len(span) <= QUOTE_LIMIT:
        return span
    return _clauses_around(span, start - offset, end - offset)


def _clauses_around(span: str, start: int, end: int) -> str:
    """The clause holding span[start:end], widened clause by clause while it fits."""
    cuts = [0, *(m.end() for m in _CLAUSE_END.finditer(span)), len(span)]
    lo = max(c for c in cuts if c <= start)
    hi = min(c for c in cuts if c >= end)
    while True:
        wider = [c for c in cuts if c < lo]
        if wider and len(span[wider[-1] : hi].strip()) <= QUOTE_LIMIT:
            lo = wider[-1]
            continue
        further = [c for c in cuts if c > hi]
        if further and len(span[lo : further[0]].strip()) <= QUOTE_LIMIT:
            hi = further[0]
            continue
        break
    return span[lo:hi].strip(" ,;:–—")[:QUOTE_LIMIT].strip()


def figure_values(figure: Figure, quote: str, after: str = "") -> tuple[str, str, str, str]:
    """(value_kind, value_low, value, value_high) as the quote words the figure.

    ``after`` is the text following the figure in the document: "half as many" is a ratio
    (0.5), "half of" or "almost half have" a share (50 %).
    """
    if not figure.values:
        return "interpreted", "", "", ""
    values = sorted(figure.values)
    if is_range(figure.text) and len(values) >= 2:
        return "range", _number(values[0]), "", _number(values[-1])
    main = values[-1]  # "1 million", "two dozen": the scaled value, not the scale's count
    if figure.text.strip().lower() == "half":
        main = 0.5 if after.lower().startswith(" as") else 50.0
    return _placed(draft_kind(quote, main), main)


def _placed(kind: str, value: float) -> tuple[str, str, str, str]:
    if kind in ("more_than", "at_least"):
        return kind, _number(value), "", ""
    if kind in ("up_to", "less_than"):
        return kind, "", "", _number(value)
    return kind, "", _number(value), ""


def _number(value: float) -> str:
    return f"{value:.10g}" if value != int(value) else str(int(value))


def _next_number(source_id: str, claims: list[dict[str, str]]) -> int:
    used = [
        int(c["claim_id"][len(source_id) + 1 :])
        for c in claims
        if c.get("source_id") == source_id
        and re.fullmatch(rf"{re.escape(source_id)}-\d+", c.get("claim_id", ""))
    ]
    return max(used, default=0) + 1


def _most_used(claims: list[dict[str, str]], column: str) -> list[str]:
    counts = Counter(c[column] for c in claims if c.get(column))
    return [name for name, _ in counts.most_common(2)]


def draft(root: Path, document: Path, source_id: str) -> Draft:
    """The draft rows for ``document`` read as source ``source_id``."""
    if not document.is_file():
        raise ManpowerError(f"{document}: no such file; give the saved text of the article")
    try:
        text = normalise(document.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ManpowerError(f"{document}: not UTF-8 text; save the article as UTF-8") from None
    if not _SLUG.fullmatch(source_id):
        raise ManpowerError(
            f"source id {source_id!r} is not a slug: use lower-case letters, digits and single "
            "hyphens, e.g. examplenews-2026-01-15-pows"
        )
    sources = {s["source_id"]: s for s in read_rows(data_path(root, "sources"))}
    claims = read_rows(data_path(root, "claims"))
    exclusions = read_rows(data_path(root, "exclusions"))
    source = sources.get(source_id)
    digest = sha256_file(document)
    if source and source.get("sha256") and source["sha256"] != digest:
        raise ManpowerError(
            f"{document.name} is not the document pinned for {source_id} (sha256 {digest}, "
            f"sources.csv has {source['sha256']}): draft from the archived copy "
            f"{source.get('document') or ''}".rstrip()
        )
    own = [c for c in claims if c.get("source_id") == source_id]
    coverage, _gaps = account(
        source_id,
        document.name,
        text,
        own,
        [x for x in exclusions if x.get("source_id") == source_id],
    )
    schemas = load_schemas(root)
    result = Draft(
        source_id,
        document.name,
        claim_fields=list(schemas["claims"].field_names),
        source_fields=list(schemas["sources"].field_names),
    )
    metrics, claimants = _most_used(own, "metric_id"), _most_used(own, "claimant_id")
    hint = "Fill metric_id, claimant_id, period_end, date_precision and verification"
    if metrics:
        hint += f" (most used in this document: metric_id {', '.join(metrics)}; "
        hint += f"claimant_id {', '.join(claimants)})"
    hint += "; check value_kind and the values against the quote. If the figure is not a claim "
    hint += "(a date, an age limit, a headline repeat...), move it to data/exclusions.csv instead."
    number = _next_number(source_id, claims)
    for i, figure in enumerate(coverage.figures):
        if i in coverage.accounted:
            continue
        quote = sentence_around(text, figure.start, figure.end)
        after = text[figure.end : figure.end + 8]
        kind, low, value, high = figure_values(figure, quote, after)
        notes = hint
        if kind == "interpreted":
            notes = f"'{figure.text}' states no exact figure: enter the value you read and say "
            notes += f"here how you read it. {hint}"
        row = dict.fromkeys(result.claim_fields, "")
        row.update(
            claim_id=f"{source_id}-{number:02d}",
            value_kind=kind,
            value_low=low,
            value=value,
            value_high=high,
            source_id=source_id,
            quote=quote,
            notes=notes,
        )
        result.claims.append(row)
        number += 1
    if source is None:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        row = dict.fromkeys(result.source_fields, "")
        row.update(
            source_id=source_id,
            title=first[:QUOTE_LIMIT],
            document=document.name,
            sha256=digest,
            notes="Fill publisher, author, published_date, url and language only as the document "
            "states them; leave the others empty and say here why. Check the title.",
        )
        result.source = row
    return result


def to_csv(rows: list[dict[str, str]], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
