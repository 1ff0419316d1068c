"""Validate a package: the Table Schema layer (columnar, or frictionless) and semantic rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower import catalogue, limits
from manpower.catalogue import Problem
from manpower.errors import ManpowerError, UsageError
from manpower.limits import cap_problems
from manpower.paths import OPTIONAL_TABLES, TABLES, find_root, read_json
from manpower.validation.columnar import ROW


@dataclass
class Report:
    """The result of validating one package."""

    root: str
    rows: dict[str, int] = field(default_factory=dict)
    # the first MAX_PROBLEMS_PER_RULE of each rule (manpower.limits); the rest only counted
    problems: list[Problem] = field(default_factory=list)
    unlisted: dict[str, int] = field(default_factory=dict)  # rule -> errors not in problems

    @property
    def valid(self) -> bool:
        return not self.problems and not any(self.unlisted.values())

    @property
    def errors(self) -> int:
        return len(self.problems) + sum(self.unlisted.values())

    def errors_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = dict(self.unlisted)
        for p in self.problems:
            counts[p.rule] = counts.get(p.rule, 0) + 1
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "rows": self.rows,
            "errors": self.errors,
            "errors_by_rule": self.errors_by_rule(),
            "problems": [p.to_dict() for p in self.problems],
            "unlisted_by_rule": dict(sorted(self.unlisted.items())),
        }


def resolve(path: Path | None, *, sources: bool = True) -> tuple[Path, dict[str, Any]]:
    """The package directory and its descriptor.

    A repository (``schemas/`` present) is validated from its schemas and curated tables, so a
    stale ``datapackage.json`` never hides or invents an error; any other directory, or a
    ``datapackage.json`` given directly, is validated as published, hashes included. Without
    ``sources`` a repository's descriptor leaves out the package-level ``sources``.
    """
    from manpower.descriptor import build_descriptor

    if path is None:
        root = find_root()
        return root, build_descriptor(root, stats=False, derived=False, sources=sources)
    path = path.resolve()
    if path.is_file():
        return path.parent, read_json(path)
    if not path.is_dir():
        raise UsageError(f"{path}: no such file or directory")
    if (path / "schemas" / "claims.schema.json").is_file() and (
        path / "schemas" / "package.json"
    ).is_file():
        return path, build_descriptor(path, stats=False, derived=False, sources=sources)
    if (path / "datapackage.json").is_file():
        return path, read_json(path / "datapackage.json")
    raise UsageError(f"{path}: neither a manpower repository nor a folder with datapackage.json")


ENGINES = ("columnar", "frictionless")


def validate(
    path: Path | None = None, *, today: dt.date | None = None, engine: str = "columnar"
) -> Report:
    """Validate a package with the columnar engine (default) or the standard frictionless one."""
    # only frictionless checks the package metadata; the columnar engine needs the resources
    root, descriptor = resolve(path, sources=engine == "frictionless")
    return validate_descriptor(root, descriptor, today=today, engine=engine)


def validate_descriptor(
    root: Path,
    descriptor: dict[str, Any],
    *,
    today: dt.date | None = None,
    engine: str = "columnar",
) -> Report:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    from manpower.safe_paths import check_descriptor

    check_descriptor(root, descriptor)  # before any file is read
    report = Report(root=str(root))
    oversized = _oversized(root, descriptor)
    if oversized:  # refused before anything reads them, whichever the engine
        report.problems = oversized
        return report
    frames: dict[str, Any] = {}
    if engine == "frictionless":
        structural = with_grammar(root, descriptor, check_structure(root, descriptor, report))
    else:
        structural = check_structure_columnar(root, descriptor, report, frames)
    semantic = check_semantics_of(root, descriptor, today or dt.date.today(), report, frames)
    flagged = {(p.table, p.row, p.field) for p in structural}
    # One cell, one message: a date frictionless already rejected needs no second line.
    semantic = [p for p in semantic if (p.table, p.row, p.field) not in flagged]
    report.problems = cap_problems(structural + semantic, report.unlisted)
    return report


def _oversized(root: Path, descriptor: dict[str, Any]) -> list[Problem]:
    """The tables over the size limit (manpower.limits.max_table_bytes), which submit and fmt
    refuse too."""
    from manpower.limits import max_table_bytes

    limit = max_table_bytes()

    problems = []
    for resource in descriptor.get("resources", []):
        path = resource.get("path")
        if not isinstance(path, str):
            continue
        try:
            size = (root / path).stat().st_size
        except OSError:
            continue  # the engines report a missing file
        if size > limit:
            problems.append(
                catalogue.problem(
                    catalogue.TABLE_TOO_LARGE,
                    table=str(resource.get("name", path)),
                    display=path,
                    size=size,
                    limit=limit,
                )
            )
    return problems


def package_error(message: str) -> Problem:
    """A problem with the package's metadata or schemas rather than with a row."""
    return catalogue.problem(catalogue.PACKAGE_ERROR, table="datapackage", error=message)


def check_structure(root: Path, descriptor: dict[str, Any], report: Report) -> list[Problem]:
    """The standard frictionless validation of the package."""
    from frictionless import Package

    try:
        package = Package(descriptor, basepath=str(root))
        # every error, as the columnar engine reports them (frictionless stops at 1000 by default)
        result = package.validate(limit_errors=10**9)
    except Exception as exc:  # frictionless raises its own FrictionlessException on bad metadata
        return [package_error(str(exc))]
    problems = []
    for task in result.tasks:
        report.rows[task.name] = task.stats.get("rows") or 0
        listed: dict[str, int] = {}
        for error in task.errors:
            if listed.get(error.type, 0) >= limits.MAX_PROBLEMS_PER_RULE:  # counted, not built
                report.unlisted[error.type] = report.unlisted.get(error.type, 0) + 1
                continue
            listed[error.type] = listed.get(error.type, 0) + 1
            data = error.to_descriptor()
            problems.append(
                Problem(
                    table=task.name,
                    row=data.get("rowNumber"),
                    field=data.get("fieldName"),
                    value=None if data.get("cell") is None else str(data.get("cell")),
                    rule=data["type"],
                    message=data.get("note") or data.get("message", ""),
                    fix=catalogue.fix(data["type"]),
                    layer="schema",
                )
            )
    for error in result.errors:
        problems.append(
            Problem(
                "datapackage",
                None,
                None,
                None,
                error.type,
                error.message,
                catalogue.fix(catalogue.PACKAGE_ERROR, "frictionless"),
                layer="schema",
            )
        )
    return problems


def with_grammar(root: Path, descriptor: dict[str, Any], problems: list[Problem]) -> list[Problem]:
    """frictionless's problems plus a type-error for each number or date cell that frictionless
    parsed but the package's grammar (manpower.grammar) refuses, placed where the columnar
    engine puts it: frictionless reads numbers with ``decimal.Decimal`` (``1_000``, ``５``,
    ``NaN``) and dates with ``strptime`` (``2024-7-1``). A constraint error on such a cell goes,
    as the columnar engine checks constraints only on cells that parsed."""
    from manpower import grammar
    from manpower.validation import columnar

    flagged = {(p.table, p.row, p.field) for p in problems if p.rule == catalogue.TYPE_ERROR}
    extra: dict[str, list[tuple[tuple[int, int], Problem]]] = {}
    fields_of: dict[str, list[str]] = {}
    for resource in descriptor.get("resources", []):
        name = resource.get("name")
        try:
            schema = _schema_of(root, resource)
        except ManpowerError:
            continue
        fields_of[name] = [f["name"] for f in schema.get("fields", [])]
        if not any(f.get("type") in grammar.TYPES for f in schema.get("fields", [])):
            continue
        table = columnar.read_table(name, root / resource["path"], schema)
        if table.frame is None:
            continue
        for number, spec in enumerate(table.fields, start=1):
            kind = spec.get("type")
            if kind not in grammar.TYPES or spec["name"] not in table.frame.columns:
                continue
            missing, ok, _ = columnar._parsed(table, spec)
            bad = table.frame.filter(~missing & ~ok).select(ROW, spec["name"])
            for row, cell in bad.iter_rows():
                if (name, row, spec["name"]) not in flagged:
                    note = f'type is "{kind}/{spec.get("format", "default")}"'
                    problem = columnar._problem(
                        name, row, spec["name"], cell, catalogue.TYPE_ERROR, note
                    )
                    extra.setdefault(name, []).append(((row, number * 100), problem))
    if not extra:
        return problems
    for items in extra.values():  # found field by field: put them in row order
        items.sort(key=lambda item: item[0])
    bad_cells = {(p.table, p.row, p.field) for items in extra.values() for _, p in items}
    out: list[Problem] = []
    for problem in problems:
        if (
            problem.rule == catalogue.CONSTRAINT_ERROR
            and (problem.table, problem.row, problem.field) in bad_cells
        ):
            continue
        pending = extra.get(problem.table, [])
        while pending and pending[0][0] < _order(problem, fields_of.get(problem.table, [])):
            out.append(pending.pop(0)[1])
        out.append(problem)
    # what is left goes after the last problem of its table (or of the tables before it)
    tables = list(fields_of)
    for name in tables:
        left = [p for _, p in extra.get(name, [])]
        if not left:
            continue
        before = set(tables[: tables.index(name) + 1])
        at = max((i + 1 for i, p in enumerate(out) if p.table in before), default=0)
        out[at:at] = left
    return out


def _order(problem: Problem, fields: list[str]) -> tuple[int, int]:
    """Where the columnar engine ranks a problem within its table: (row, place in the row)."""
    if problem.row is None:
        return (0, 0)
    if (
        problem.rule in (catalogue.TYPE_ERROR, catalogue.CONSTRAINT_ERROR)
        and problem.field in fields
    ):
        return (problem.row, (fields.index(problem.field) + 1) * 100 + 1)
    return (problem.row, 0 if problem.rule == catalogue.BLANK_ROW else 10_000)


def check_structure_columnar(
    root: Path, descriptor: dict[str, Any], report: Report, frames: dict[str, Any]
) -> list[Problem]:
    """The same checks as :func:`check_structure`, as column expressions
    (manpower.validation.columnar).

    ``frames`` receives each table's text frame (polars, with its row numbers in ``ROW``) so that
    the semantic layer does not read the files again.
    """
    from manpower.validation.columnar import check_package

    resources = [r for r in descriptor.get("resources", []) if r.get("path")]
    try:
        schemas = {r["name"]: _schema_of(root, r) for r in resources}
    except ManpowerError as exc:
        return [package_error(str(exc))]
    problems, rows, tables = check_package(root, {"resources": resources}, schemas)
    report.rows.update(rows)
    for name, table in tables.items():
        for rule, count in table.unlisted.items():
            report.unlisted[rule] = report.unlisted.get(rule, 0) + count
        if table.reusable:
            frames[name] = table.frame  # handed over as it is: no copy
        table.frame = None
    return problems


def _schema_of(root: Path, resource: dict[str, Any]) -> dict[str, Any]:
    schema = resource.get("schema")
    if isinstance(schema, str):
        return read_json(root / schema)
    if isinstance(schema, dict):
        return schema
    raise ManpowerError(f"resource {resource.get('name')!r} has no schema")


def check_semantics_of(
    root: Path,
    descriptor: dict[str, Any],
    today: dt.date,
    report: Report,
    frames: dict[str, Any] | None = None,
) -> list[Problem]:
    from manpower.validation.rules import Tables, check_semantics, semantic_frame

    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    wanted = [t for t in TABLES if t in resources or t not in OPTIONAL_TABLES]
    missing = [t for t in wanted if t not in resources]
    if missing:
        return [
            catalogue.problem(
                catalogue.MISSING_TABLE, table="datapackage", tables=", ".join(missing)
            )
        ]
    text, typed_frames, schemas = {}, {}, {}
    for table in wanted:
        resource = resources[table]
        try:
            schemas[table] = _schema_of(root, resource)
            frame = (frames or {}).pop(table, None)
            if frame is None:
                frame = _read_text(root / resource["path"])
        except ManpowerError as exc:
            # frictionless has reported why; semantics need all tables readable
            return [catalogue.problem(catalogue.UNREADABLE_TABLE, table=table, error=exc)]
        names = [f["name"] for f in schemas[table]["fields"]]
        if [c for c in frame.columns if c != ROW] != names:
            return []  # frictionless reports the header; rules need the schema's columns
        text[table] = frame
        typed_frames[table] = semantic_frame(frame, schemas[table])
        report.rows.setdefault(table, frame.height)
    return check_semantics(Tables(typed_frames, text, schemas, today), report.unlisted)


def _read_text(path: Path) -> Any:
    """A table as a polars frame of text with its row numbers, for the frictionless engine."""
    import polars as pl

    from manpower.validation.text_tables import read_text_table

    frame = read_text_table(path)
    rows = pl.Series(ROW, frame.index.to_numpy(), dtype=pl.Int64)
    return pl.from_pandas(frame, include_index=False).with_columns(rows)
