"""Draft the claims of a document: one row per figure nobody has accounted for yet.

The draft fills what the text itself states (the quote, how the figure is worded, its values,
the ids) and leaves what needs a reader (metric, claimant, period, verification) empty with a
hint in ``notes``. Nothing is guessed: for a new source the drafted ``sources.csv`` row has the
document's headline as title (empty when it has none), the publication date when the top of the
document states one, the language the text is written in, its file name and hash, and every
other cell empty.

Figures that are plainly no claim (an ordinal, a duration, a legal article number, part of a
unit's name, a headline repeating a figure of the body) are proposed as exclusions instead, in
an ``exclusions.csv`` beside the claims. The figures are read in the document's language
(:mod:`manpower.text_numbers`). All the work is linear in the document's length: sentence ends
are found once, and each figure's sentence is looked up by bisection.
"""

from __future__ import annotations

import bisect
import csv
import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from manpower import text_numbers
from manpower.config import documents_dir
from manpower.contributing.coverage import account, read_rows
from manpower.contributing.figures import Figure, normalise
from manpower.errors import ManpowerError
from manpower.files import sha256_file
from manpower.grammar import is_number
from manpower.limits import MAX_DIGITS, document_too_large, excerpt
from manpower.paths import data_path
from manpower.schema import load_schemas
from manpower.text_numbers import draft_kind, is_range
from manpower.validation.text_rules import terminal_safe

QUOTE_LIMIT = 300
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A sentence ends at . ! ? … (and a closing quote or bracket), before a capital or a digit that
# may follow an opening quote; never across a line (each line is its own sentence too).
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’)»]?[^\S\n]+(?=[“\"(«„]?[A-ZА-ЯЁІЇЄҐ0-9])")
_CLAUSE_END = re.compile(r"(?:,|;|:|\s[–—]|—)\s*")
# Lines at the top that are page furniture, not a headline: bullets, a few words, a byline.
_FURNITURE = re.compile(
    r"^(?:[-*•·|>]\s|by\s|date\s|https?://|www\.|\S+(?:\s[/›]\s\S+)+$|"
    r"(?:skip to|edit post|latest news|menu|subscribe|sign in|log in|share|category|"
    r"advertisement|read more|search|home)\b)",
    re.IGNORECASE,
)
_TOP_LINES = 8
# A line longer than this is body text; only its first _DATELINE characters can be a dateline.
_SHORT_LINE = 150
_DATELINE = 80


@dataclass
class Draft:
    source_id: str
    document: str
    claims: list[dict[str, str]] = field(default_factory=list)
    exclusions: list[dict[str, str]] = field(default_factory=list)
    source: dict[str, str] | None = None
    claim_fields: list[str] = field(default_factory=list)
    source_fields: list[str] = field(default_factory=list)
    exclusion_fields: list[str] = field(default_factory=list)
    # how many figures the document has, and whether all were accounted for already
    figures: int = 0
    covered: bool = False
    # warnings for the person drafting (the document outside the documents folder...)
    warnings: list[str] = field(default_factory=list)
    language: str = ""


@dataclass(frozen=True)
class Sentences:
    """Where the sentences of a text end and the next begin, found once for the whole text."""

    ends: list[int]
    starts: list[int]


def sentences(text: str, language: str | None = None) -> Sentences:
    """The sentence boundaries of ``text``: line breaks, and sentence ends that are not an
    abbreviation ("тыс.", "г.", "Jan.") nor inside «quotes» (a quoted sentence is part of the
    sentence that quotes it). One pass over the text."""
    ends, starts = [], []
    cuts = [(m.start(), m.end()) for m in re.finditer(r"\n", text)]
    # «» depth at each candidate end, from one ordered walk over the marks and the candidates
    marks = [(m.start(), m.group()) for m in re.finditer(r"[«»\n]", text)]
    depth, k = 0, 0
    for match in _SENTENCE_END.finditer(text):
        while k < len(marks) and marks[k][0] < match.end():
            mark = marks[k][1]
            depth = 0 if mark == "\n" else max(0, depth + (1 if mark == "«" else -1))
            k += 1
        if depth:
            continue
        before = text[max(0, match.start() - 12) : match.start()].rstrip('”"’)»')
        if not text_numbers.ends_with_abbreviation(before, language):
            cuts.append((match.start(), match.end()))
    for end, start in sorted(cuts):
        ends.append(end)
        starts.append(start)
    return Sentences(ends, starts)


def sentence_around(
    text: str,
    start: int,
    end: int,
    language: str | None = None,
    bounds: Sentences | None = None,
) -> str:
    """The sentence holding text[start:end], cut to its clauses when longer than QUOTE_LIMIT."""
    bounds = bounds or sentences(text, language)
    # the last sentence start at or before the figure, the first sentence end at or after it
    i = bisect.bisect_right(bounds.starts, start) - 1
    begin = bounds.starts[i] if i >= 0 else 0
    j = bisect.bisect_left(bounds.ends, end)
    finish = bounds.ends[j] if j < len(bounds.ends) else len(text)
    span = text[begin:finish]
    stripped = span.strip()
    if len(stripped) <= QUOTE_LIMIT:
        return stripped
    # a long sentence: only the text near the figure can be in the quote
    lo, hi = max(begin, start - QUOTE_LIMIT), min(finish, end + QUOTE_LIMIT)
    return _clauses_around(text[lo:hi], start - lo, end - lo)


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


def figure_values(
    figure: Figure, quote: str, after: str = "", language: str | None = None
) -> tuple[str, str, str, str]:
    """(value_kind, value_low, value, value_high) as the quote words the figure.

    ``after`` is the text following the figure in the document: "half as many" is a ratio
    (0.5), "half of" or "almost half have" a share (50 %).
    """
    if not figure.values:
        return "interpreted", "", "", ""
    values = sorted(figure.values)
    if is_range(figure.text, language) and len(values) >= 2:
        return "range", _number(values[0]), "", _number(values[-1])
    main = values[-1]  # "1 million", "two dozen": the scaled value, not the scale's count
    if len(values) == 2 and values[0] * 100 == values[1]:  # "half", "половина": 0.5 or 50 %
        main = values[0] if re.match(r"\s+(?:as|так|як)\b", after.lower()) else values[1]
    return _placed(draft_kind(quote, main, language), main)


def _placed(kind: str, value: float) -> tuple[str, str, str, str]:
    if kind in ("more_than", "at_least"):
        return kind, _number(value), "", ""
    if kind in ("up_to", "less_than"):
        return kind, "", "", _number(value)
    return kind, "", _number(value), ""


def _number(value: float) -> str:
    return f"{value:.10g}" if value != int(value) else str(int(value))


def _holds(value: float) -> bool:
    """Whether the number grammar holds ``value`` exactly as drafted (at most MAX_DIGITS
    digits): "5 million million million" is 5e18, 19 digits a value cell cannot hold."""
    if not math.isfinite(value):
        return False
    text = _number(value)
    return is_number(text) and float(text) == value


def _next_number(source_id: str, rows: list[dict[str, str]], column: str, infix: str) -> int:
    used = [
        int(r[column][len(source_id) + 1 + len(infix) :])
        for r in rows
        if r.get("source_id") == source_id
        and re.fullmatch(rf"{re.escape(source_id)}-{infix}\d+", r.get(column, ""))
    ]
    return max(used, default=0) + 1


def _most_used(claims: list[dict[str, str]], column: str) -> list[str]:
    counts = Counter(c[column] for c in claims if c.get(column))
    return [name for name, _ in counts.most_common(2)]


def headline(text: str) -> tuple[str, int | None]:
    """The document's headline and its line index: the first line near the top that reads as
    one (at least two words, no full stop at its end), skipping page furniture (bullets,
    "Skip to content", bylines). ("", None) when the top has none."""
    seen = 0
    for index, raw in enumerate(text.splitlines()):
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > _TOP_LINES:
            break
        if _FURNITURE.match(line) or len(line.split()) < 2 or len(line) > QUOTE_LIMIT:
            continue
        if line.endswith((".", ":", ";", ",")) and not line.endswith("..."):
            continue
        return line, index
    return "", None


def _top(text: str) -> str:
    """The top of the text, where a publication date stands when there is one: the short lines
    before the body (headline, byline, dateline) and the start of the first long line."""
    kept: list[str] = []
    for line in text[:5000].splitlines():
        if not line.strip():
            continue
        kept.append(line[:_DATELINE])
        if len(kept) >= _TOP_LINES or len(line.strip()) > _SHORT_LINE:
            break
    return "\n".join(kept)


def _proposal(
    figure: Figure, text: str, language: str | None, headline_line: int | None, body: set[float]
) -> tuple[str, str] | None:
    """(reason, notes) when a figure is plainly no claim, else None."""
    g = text_numbers.grammar(language)
    if not all(_holds(value) for value in figure.values):
        return "other", (
            f"A number past the {MAX_DIGITS} digits a value may have, not a count a report states."
        )
    after = text[figure.end : figure.end + 40]
    before = text[max(0, figure.start - 30) : figure.start]
    if headline_line is not None and figure.line == headline_line + 1 and figure.values:
        if figure.values & body:
            return "headline_repeat", "The headline repeats a figure the body states."
    for pattern, reason, notes in g.idioms:
        if pattern.match(text, figure.start, figure.end + 40):
            return reason, notes
    if g.age and g.age.search(before + " " if not before.endswith(" ") else before):
        return "age_or_eligibility", "An age limit, not a count."
    if g.unit_name and g.unit_name.match(after) and figure.form in ("ordinal", "number"):
        return "unit_or_model_name", "Part of a military unit's name."
    if g.legal_article and g.legal_article.search(before):
        return "other", "The number of a legal article, not a count."
    if figure.form == "ordinal":
        return "other", "An ordinal (a rank in a sequence), not a count."
    if g.duration and g.duration.match(after) and figure.form in ("number", "range"):
        return "date_or_duration", "A duration, not a count."
    return None


def draft(root: Path, document: Path, source_id: str) -> Draft:
    """The draft rows for ``document`` read as source ``source_id``."""
    if not document.is_file():
        raise ManpowerError(f"{document}: no such file; give the saved text of the article")
    too_large = document_too_large(document, document.name)
    if too_large:
        raise ManpowerError(too_large)
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
    detected = text_numbers.detect_language(text)
    language = (source or {}).get("language") or detected or text_numbers.DEFAULT_LANGUAGE
    own = [c for c in claims if c.get("source_id") == source_id]
    own_exclusions = [x for x in exclusions if x.get("source_id") == source_id]
    coverage, _gaps = account(source_id, document.name, text, own, own_exclusions, language)
    schemas = load_schemas(root)
    result = Draft(
        source_id,
        document.name,
        claim_fields=list(schemas["claims"].field_names),
        source_fields=list(schemas["sources"].field_names),
        exclusion_fields=list(schemas["exclusions"].field_names)
        if "exclusions" in schemas
        else ["exclusion_id", "source_id", "excerpt", "figure", "reason", "notes"],
        figures=len(coverage.figures),
        language=language,
    )
    folder = documents_dir(root)
    if not document.resolve().is_relative_to(folder.resolve()):
        result.warnings.append(
            f"{document} is outside the documents folder {folder}: save the article there "
            "(named like the files already there) before you submit, so that its quotes can be "
            "checked"
        )
    open_figures = [i for i in range(len(coverage.figures)) if i not in coverage.accounted]
    result.covered = source is not None and not open_figures
    metrics, claimants = _most_used(own, "metric_id"), _most_used(own, "claimant_id")
    hint = "Fill metric_id, claimant_id, period_end, date_precision and verification"
    if metrics:
        hint += f" (most used in this document: metric_id {', '.join(metrics)}; "
        hint += f"claimant_id {', '.join(claimants)})"
    hint += "; check value_kind and the values against the quote. If the figure is not a claim "
    hint += "(a date, an age limit, a headline repeat...), move it to exclusions.csv instead."
    title, title_line = headline(text)
    body = {
        v
        for f in coverage.figures
        if title_line is None or f.line != title_line + 1
        for v in f.values
    }
    bounds = sentences(text, language)
    number = _next_number(source_id, claims, "claim_id", "")
    excluded = _next_number(source_id, exclusions, "exclusion_id", "x")
    for i in open_figures:
        figure = coverage.figures[i]
        quote = terminal_safe(sentence_around(text, figure.start, figure.end, language, bounds))
        proposal = _proposal(figure, text, language, title_line, body)
        if proposal is not None:
            row = dict.fromkeys(result.exclusion_fields, "")
            row.update(
                exclusion_id=f"{source_id}-x{excluded:02d}",
                source_id=source_id,
                excerpt=quote,
                figure=terminal_safe(figure.text)[:80],
                reason=proposal[0],
                notes=f"Proposed by manpower draft: {proposal[1]} Check it; if it is a claim, "
                "move it to claims.csv.",
            )
            result.exclusions.append(row)
            excluded += 1
            continue
        after = text[figure.end : figure.end + 8]
        kind, low, value, high = figure_values(figure, quote, after, language)
        notes = hint
        if kind == "interpreted":
            shown = excerpt(terminal_safe(figure.text))
            notes = f"'{shown}' states no exact figure: enter the value you "
            notes += f"read and say here how you read it. {hint}"
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
        published = text_numbers.first_date(_top(text), language)
        row = dict.fromkeys(result.source_fields, "")
        notes = "Fill publisher, author and url only as the document states them; leave the "
        notes += "others empty and say here why."
        notes += (
            " Title: the document's headline; check it."
            if title
            else (" The top of the document has no headline: title left empty.")
        )
        if published:
            notes += " published_date: the date at the top of the document; check it."
        if not detected:
            notes += " language: not told from the text; fill it."
        row.update(
            source_id=source_id,
            title=terminal_safe(title),
            published_date=published or "",
            language=detected or "",
            document=document.name,
            sha256=digest,
            notes=notes,
        )
        result.source = row
    return result


def to_csv(rows: list[dict[str, str]], fields: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def draft_files(result: Draft, out: Path) -> dict[Path, str]:
    """The files a draft writes with ``--out``: the claims at ``out``, and beside it
    ``exclusions.csv`` (when it proposes any) and ``sources.csv`` (for a new source)."""
    files = {out: to_csv(result.claims, result.claim_fields)}
    if result.exclusions:
        files[out.parent / "exclusions.csv"] = to_csv(result.exclusions, result.exclusion_fields)
    if result.source is not None:
        files[out.parent / "sources.csv"] = to_csv([result.source], result.source_fields)
    return files


def write_draft(root: Path, result: Draft, out: Path, force: bool = False) -> list[Path]:
    """Write the draft's files (see :func:`draft_files`), each atomically, or none of them.

    Refused, before anything is written: a file inside the curated ``data/`` folder (even with
    ``force``: only ``submit`` changes it), two files on one path, and a file that exists
    already unless ``force``.
    """
    from manpower import catalogue
    from manpower.errors import UsageError
    from manpower.files import write_atomic

    files = draft_files(result, out)
    data = (root / "data").resolve()
    seen: dict[Path, Path] = {}
    for path in files:
        resolved = path.resolve()
        if resolved.is_relative_to(data):
            message = catalogue.message(catalogue.DRAFT_INTO_DATA, path=path)
            raise ManpowerError(f"{message}; {catalogue.fix(catalogue.DRAFT_INTO_DATA)}")
        if resolved in seen:
            raise UsageError(
                f"--out must not be named {path.name}: the draft writes {path.name} beside it"
            )
        seen[resolved] = path
    if not force:
        for path in files:
            if path.exists() or path.is_symlink():
                message = catalogue.message(catalogue.DRAFT_WOULD_OVERWRITE, path=path)
                raise ManpowerError(f"{message}; {catalogue.fix(catalogue.DRAFT_WOULD_OVERWRITE)}")
    for path, content in files.items():
        write_atomic(path, content)
    return list(files)
