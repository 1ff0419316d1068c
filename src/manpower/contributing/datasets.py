"""Structured sources: a dataset mapping (``mappings/*.toml``) and the records of a snapshot.

A dataset snapshot is a source like an article (``sources.kind`` is ``dataset``): its file is
under the datasets folder (``manpower.config.datasets_dir``), pinned by its sha256, and read
record by record through a small declarative mapping committed in ``mappings/`` (which field is
the figure, which its qualifier and what each qualifier word means, which the key and date, the
claimant, via, metric and category). ``manpower import`` turns records into claims
(:mod:`manpower.contributing.dataset_import`); ``manpower coverage`` checks every mapped field of
every imported snapshot against the claims (:func:`uncovered`).

Each record keeps its text as written in the file, so a claim's quote is a verbatim excerpt of
the snapshot and the verbatim check keeps its meaning for datasets.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower import catalogue
from manpower.catalogue import Problem
from manpower.errors import ManpowerError
from manpower.grammar import parse_date
from manpower.limits import MAX_RECORD_BYTES, MAX_SNAPSHOT_BYTES, excerpt

MAPPINGS_DIR = "mappings"
VALUE_KINDS = ("exact", "approximate", "at_least", "more_than", "up_to", "less_than")
# which value cell a figure stated with each value_kind fills
VALUE_CELL = {
    "exact": "value",
    "approximate": "value",
    "at_least": "value_low",
    "more_than": "value_low",
    "up_to": "value_high",
    "less_than": "value_high",
}
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_WEB = re.compile(r"^https?://[^\s]+$")
_LAYOUT = re.compile(r"\s+")


class Rejected(ManpowerError):
    """A mapping or snapshot refused: ``problems`` has one line each (exit 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems[:3]))
        self.problems = problems


@dataclass(frozen=True)
class Snapshot:
    date: str
    file: str
    commit: str
    sha256: str


@dataclass(frozen=True)
class FigureMap:
    field: str
    metric: str
    category: str
    qualifier: str  # the record field holding the qualifier word; "" when none
    qualifiers: dict[str, str]  # word -> value_kind
    unqualified: str  # value_kind when the record has no qualifier; "" refuses such a record
    quote: tuple[str, ...]  # the record fields, in file order, that the quote runs over
    source_uri: str  # the record field naming where the figure was published; "" when none
    notes: str


@dataclass(frozen=True)
class Mapping:
    path: Path
    id: str
    folder: str
    repository: str
    upstream_path: str
    licence: str
    attribution: str
    publisher: str
    language: str
    key: str
    period_start: str
    claimant: str
    via: str
    verification: str
    notes: str
    snapshots: tuple[Snapshot, ...]
    figures: tuple[FigureMap, ...]

    def source_id(self, snapshot: Snapshot) -> str:
        return f"{self.id}-{snapshot.date}"

    def document(self, snapshot: Snapshot) -> str:
        return f"{self.folder}/{snapshot.file}"

    def snapshot(self, date: str | None) -> Snapshot:
        if date is None:
            if len(self.snapshots) == 1:
                return self.snapshots[0]
            dates = ", ".join(s.date for s in self.snapshots)
            from manpower.errors import UsageError

            raise UsageError(f"{self.path.name} has several snapshots: give --snapshot ({dates})")
        for snap in self.snapshots:
            if snap.date == date:
                return snap
        from manpower.errors import UsageError

        dates = ", ".join(s.date for s in self.snapshots)
        raise UsageError(f"{self.path.name} has no snapshot {date!r} (it has {dates})")


def _invalid(path: Path, why: str) -> Rejected:
    return Rejected(
        [catalogue.problem(catalogue.MAPPING_INVALID, file=str(path), why=why, table="")]
    )


def _text(data: dict[str, Any], key: str, path: Path, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _invalid(path, f"{key!r} must be a{' non-empty' * required} string")
    return value


def load_mapping(path: Path) -> Mapping:
    """The mapping at ``path``; a missing key or a wrong value is one clear line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _invalid(path, "no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _invalid(path, f"not a readable TOML file ({exc})") from None
    ident = _text(data, "id", path)
    if not _SLUG.match(ident) or len(ident) > 60:
        raise _invalid(path, "'id' must be a lower-case slug of at most 60 characters")
    folder = _text(data, "folder", path)
    if not _NAME.match(folder):
        raise _invalid(path, "'folder' must be a plain folder name")
    repository = _text(data, "repository", path)
    if not _WEB.match(repository):
        raise _invalid(path, "'repository' must be an http(s) address")
    period_start = _text(data, "period_start", path, required=False)
    if period_start and parse_date(period_start) is None:
        raise _invalid(path, "'period_start' must be a date YYYY-MM-DD")
    snapshots = []
    for item in data.get("snapshot", []):
        if not isinstance(item, dict):
            raise _invalid(path, "each [[snapshot]] must be a table")
        snap = Snapshot(
            _text(item, "date", path),
            _text(item, "file", path),
            _text(item, "commit", path),
            _text(item, "sha256", path),
        )
        if parse_date(snap.date) is None or not _NAME.match(snap.file):
            raise _invalid(path, f"snapshot {snap.date!r}: a date YYYY-MM-DD and a file name")
        if not re.fullmatch(r"[0-9a-f]{40}", snap.commit):
            raise _invalid(path, f"snapshot {snap.date}: 'commit' must be 40 hex digits")
        if not re.fullmatch(r"[0-9a-f]{64}", snap.sha256):
            raise _invalid(path, f"snapshot {snap.date}: 'sha256' must be 64 hex digits")
        snapshots.append(snap)
    if not snapshots:
        raise _invalid(path, "it lists no [[snapshot]]")
    figures = []
    for item in data.get("figure", []):
        if not isinstance(item, dict):
            raise _invalid(path, "each [[figure]] must be a table")
        words = item.get("qualifiers", {})
        unqualified = _text(item, "unqualified", path, required=False)
        kinds = [*(words.values() if isinstance(words, dict) else [None]), unqualified or "exact"]
        if not all(isinstance(k, str) and k in VALUE_KINDS for k in kinds):
            raise _invalid(path, f"qualifiers must map words to one of {', '.join(VALUE_KINDS)}")
        quote = item.get("quote", [])
        if not isinstance(quote, list) or not quote or not all(isinstance(q, str) for q in quote):
            raise _invalid(path, "each [[figure]] needs 'quote', a list of record fields")
        figures.append(
            FigureMap(
                _text(item, "field", path),
                _text(item, "metric", path),
                _text(item, "category", path, required=False),
                _text(item, "qualifier", path, required=False),
                dict(words),
                unqualified,
                tuple(quote),
                _text(item, "source_uri", path, required=False),
                _text(item, "notes", path, required=False),
            )
        )
    if not figures:
        raise _invalid(path, "it maps no [[figure]]")
    return Mapping(
        path,
        ident,
        folder,
        repository,
        _text(data, "path", path),
        _text(data, "licence", path),
        _text(data, "attribution", path),
        _text(data, "publisher", path, required=False),
        _text(data, "language", path),
        _text(data, "key", path),
        period_start,
        _text(data, "claimant", path),
        _text(data, "via", path, required=False),
        _text(data, "verification", path),
        _text(data, "notes", path, required=False),
        tuple(snapshots),
        tuple(figures),
    )


def mappings(root: Path) -> list[Mapping]:
    """Every committed mapping, by file name."""
    folder = root / MAPPINGS_DIR
    return [load_mapping(p) for p in sorted(folder.glob("*.toml"))] if folder.is_dir() else []


# ---- reading a snapshot --------------------------------------------------------------------


class _Pairs(dict):
    """A JSON object that remembers the names it saw twice (json keeps the last silently)."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs(pairs)
    seen: set[str] = set()
    obj.duplicates = [k for k, _ in pairs if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
    return obj


class _Constant(str):
    """NaN, Infinity or -Infinity as written: not a JSON number (Python's json accepts them)."""


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_Constant)
_SPACE = re.compile(r"[ \t\n\r]*")
# one "name": value pair of a flat JSON object (value a string or a bare literal)
_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*("(?:[^"\\]|\\.)*"|[^,}\]\s]+)')


@dataclass
class Record:
    number: int  # 1-based position in the file
    line: int  # where the record starts in the file
    text: str  # as written in the file
    data: Any
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # field -> span in text

    def where(self, key: str) -> str:
        value = self.data.get(key) if isinstance(self.data, dict) else None
        shown = f" ({excerpt(value)})" if isinstance(value, str) and value else ""
        return f"record {self.number}{shown}"


def read_snapshot(path: Path, display: str) -> tuple[str, list[Record]]:
    """The sha256 and the records of a snapshot file: a JSON array of objects, each kept as
    written. Refused (one line) when it is not a regular file, too large, not UTF-8 or not a
    JSON array."""
    import hashlib

    def refuse(why: str) -> Rejected:
        return Rejected(
            [catalogue.problem(catalogue.SNAPSHOT_UNREADABLE, file=display, why=why, table="")]
        )

    if path.is_symlink() or not path.is_file():
        raise refuse("no such regular file" if not path.exists() else "not a regular file")
    if path.stat().st_size > MAX_SNAPSHOT_BYTES:
        raise refuse(
            f"the file has {path.stat().st_size:,} bytes, more than {MAX_SNAPSHOT_BYTES:,}"
        )
    raw = path.read_bytes()[: MAX_SNAPSHOT_BYTES + 1]
    if len(raw) > MAX_SNAPSHOT_BYTES:
        raise refuse(f"the file has more than {MAX_SNAPSHOT_BYTES:,} bytes")
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(f"not UTF-8 (byte {exc.start})") from None
    records: list[Record] = []
    i = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text[i : i + 1] != "[":
        raise refuse("not a JSON array of records")
    i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    if text[i : i + 1] == "]":
        return digest, records
    while True:
        try:
            data, end = _DECODER.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise refuse(f"not valid JSON at line {exc.lineno}, column {exc.colno}") from None
        records.append(Record(len(records) + 1, text.count("\n", 0, i) + 1, text[i:end], data))
        i = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[i : i + 1] == ",":
            i = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
            continue
        if text[i : i + 1] == "]" and not text[i + 1 :].strip():
            break
        line = text.count("\n", 0, i) + 1
        raise refuse(f"not valid JSON at line {line}: expected ',' or the closing ']'")
    for record in records:
        if isinstance(record.data, dict) and len(record.text.encode("utf-8")) <= MAX_RECORD_BYTES:
            for match in _PAIR.finditer(record.text):
                record.spans.setdefault(match[1], match.span())
    return digest, records


@dataclass(frozen=True)
class Reading:
    """One mapped figure of one record, as the claim it becomes."""

    record: Record
    figure: FigureMap
    locator: str
    value_kind: str
    number: str  # the figure, in the package's number grammar
    quote: str
    source_uri: str

    @property
    def cells(self) -> dict[str, str]:
        cells = {"value_low": "", "value": "", "value_high": ""}
        cells[VALUE_CELL[self.value_kind]] = self.number
        return cells


def _number(value: Any) -> str | None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or isinstance(value, _Constant)
    ):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _shown(value: Any) -> str:
    return excerpt(
        json.dumps(value, ensure_ascii=False) if not isinstance(value, _Constant) else value
    )


def read_records(
    mapping: Mapping, records: list[Record], display: str
) -> tuple[list[Reading], list[Problem]]:
    """Every mapped figure of every record, and a problem for each bad record (one line each)."""
    readings: list[Reading] = []
    problems: list[Problem] = []
    first: dict[str, int] = {}

    def bad(rule: str, record: Record, fieldname: str | None, **params: Any) -> None:
        problems.append(
            catalogue.problem(
                rule,
                table="",
                file=f"{display}, {record.where(mapping.key)}",
                field=fieldname,
                **params,
            )
        )

    for record in records:
        size = len(record.text.encode("utf-8"))
        if size > MAX_RECORD_BYTES:
            bad(catalogue.RECORD_TOO_LARGE, record, None, size=size, limit=MAX_RECORD_BYTES)
            continue
        data = record.data
        if not isinstance(data, dict):
            bad(catalogue.RECORD_MALFORMED, record, None, why="the record is not a JSON object")
            continue
        duplicates = getattr(data, "duplicates", ())  # names the JSON reader saw twice
        if duplicates:
            names = ", ".join(sorted(set(duplicates)))
            bad(catalogue.RECORD_MALFORMED, record, None, why=f"the record names {names} twice")
            continue
        key = data.get(mapping.key)
        if not isinstance(key, str) or parse_date(key) is None:
            bad(catalogue.RECORD_BAD_KEY, record, mapping.key, value=_shown(key))
            continue
        if key in first:
            bad(
                catalogue.RECORD_DUPLICATE_KEY,
                record,
                mapping.key,
                value=key,
                earlier=first[key],
            )
            continue
        first[key] = record.number
        for figure in mapping.figures:
            reading = _reading(mapping, figure, record, key, bad)
            if reading is not None:
                readings.append(reading)
    return readings, problems


def _reading(
    mapping: Mapping, figure: FigureMap, record: Record, key: str, bad: Any
) -> Reading | None:
    data = record.data
    value = data.get(figure.field)
    if value is None:
        return None  # the record gives no such figure (e.g. the later records have no POW)
    number = _number(value)
    if number is None:
        bad(catalogue.RECORD_NOT_A_NUMBER, record, figure.field, value=_shown(value))
        return None
    if number.startswith("-"):
        bad(catalogue.RECORD_NEGATIVE, record, figure.field, value=number)
        return None
    word = data.get(figure.qualifier) if figure.qualifier else None
    if word in (None, ""):
        kind = figure.unqualified
    elif isinstance(word, str) and word in figure.qualifiers:
        kind = figure.qualifiers[word]
    else:
        kind = ""
    if not kind:
        known = ", ".join(repr(w) for w in figure.qualifiers) or "no words"
        bad(
            catalogue.RECORD_UNKNOWN_QUALIFIER,
            record,
            figure.qualifier,
            value=_shown(word),
            known=known,
        )
        return None
    uri = ""
    if figure.source_uri:
        given = data.get(figure.source_uri)
        if not isinstance(given, str) or not _WEB.match(given):
            bad(catalogue.RECORD_BAD_URI, record, figure.source_uri, value=_shown(given))
            return None
        uri = given
    spans = [record.spans.get(name) for name in figure.quote]
    if all(spans):
        quote = record.text[min(s[0] for s in spans) : max(s[1] for s in spans)]  # type: ignore[index]
    else:
        quote = record.text
    return Reading(record, figure, key, kind, number, one_line(quote), uri)


def one_line(text: str) -> str:
    """A record's text with its layout (the whitespace between JSON tokens) as single spaces.

    A table cell is one line, so a quote of a record is its fields as written on one line; the
    verbatim check of a dataset compares the snapshot's text the same way. (The relays' strings
    hold no runs of whitespace, so nothing inside a value changes.)"""
    return _LAYOUT.sub(" ", text).strip()


def uncovered(
    mapping: Mapping,
    snapshot: Snapshot,
    readings: list[Reading],
    claims: list[dict[str, str]],
    exclusions: list[dict[str, str]],
) -> list[Reading]:
    """The readings of one imported snapshot that no claim and no exclusion accounts for.

    A reading is accounted for by a claim of this mapping's snapshots up to this one with its
    metric, category, locator, value_kind and figure (an unchanged record keeps the claim of the
    snapshot that first stated it, see ``dataset_import``), or by an exclusion of this snapshot
    whose excerpt is in the record and whose figure is the field's value.
    """
    sources = {mapping.source_id(s) for s in mapping.snapshots if s.date <= snapshot.date}
    stated = {
        (
            c["metric_id"],
            c.get("category", ""),
            c.get("locator", ""),
            c["value_kind"],
            c.get("value_low", ""),
            c.get("value", ""),
            c.get("value_high", ""),
        )
        for c in claims
        if c.get("source_id") in sources
    }
    own = mapping.source_id(snapshot)
    excluded = [x for x in exclusions if x.get("source_id") == own]
    out = []
    for r in readings:
        cells = r.cells
        key = (r.figure.metric, r.figure.category, r.locator, r.value_kind)
        if (*key, cells["value_low"], cells["value"], cells["value_high"]) in stated:
            continue
        if any(x["excerpt"] in r.record.text and x["figure"] == r.number for x in excluded):
            continue
        out.append(r)
    return out
