"""Validate a package: the Table Schema layer (columnar) and the semantic layer (pandera).

One engine checks the Table Schemas (:mod:`manpower.validation.columnar`); frictionless-py is its
oracle in the tests (``tests/parity/oracle.py``), never part of a validation run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower import catalogue
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


def validate(
    path: Path | None = None, *, today: dt.date | None = None, own_schemas: bool = False
) -> Report:
    """Validate a package: its Table Schemas (columnar) and the semantic rules.

    A package at ``path`` is an outside package: its schemas must be those of the version it
    declares (manpower.releasing.trusted), or it is refused before anything is validated.
    ``own_schemas`` validates it against the schemas it brings instead: for the repository's
    own build and release, whose schemas are the rules, and for a package that is not
    manpower's (``validate --own-schemas``). Without ``path``, the repository around the
    current folder is validated against its own schemas.
    """
    # the checks need the resources only: the package-level sources are left out
    root, descriptor = resolve(path, sources=False)
    if path is not None and not own_schemas:
        from manpower.releasing.trusted import check_package

        check_package(root, descriptor)
    return validate_descriptor(root, descriptor, today=today)


def validate_descriptor(
    root: Path, descriptor: dict[str, Any], *, today: dt.date | None = None
) -> Report:
    from manpower.safe_paths import check_descriptor

    check_descriptor(root, descriptor)  # before any file is read
    report = Report(root=str(root))
    oversized = _oversized(root, descriptor)
    if oversized:  # refused before anything reads them
        report.problems = oversized
        return report
    frames: dict[str, Any] = {}
    structural = check_structure_columnar(root, descriptor, report, frames)
    if any(p.rule == catalogue.TABLE_TOO_WIDE for p in structural):
        report.problems = structural  # its rows were never read: no rule reads them either
        return report
    semantic = check_semantics_of(root, descriptor, today or dt.date.today(), report, frames)
    flagged = {(p.table, p.row, p.field) for p in structural}
    # One cell, one message: a date the Table Schema layer already rejected needs no second line.
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
            continue  # the Table Schema layer reports a missing file
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


def check_structure_columnar(
    root: Path, descriptor: dict[str, Any], report: Report, frames: dict[str, Any]
) -> list[Problem]:
    """The Table Schema checks, as column expressions (manpower.validation.columnar).

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
            # the Table Schema layer has reported why; semantics need all tables readable
            return [catalogue.problem(catalogue.UNREADABLE_TABLE, table=table, error=exc)]
        names = [f["name"] for f in schemas[table]["fields"]]
        if [c for c in frame.columns if c != ROW] != names:
            return []  # the Table Schema layer reports the header; rules need the schema's columns
        text[table] = frame
    mistyped = _mistyped(schemas)
    if mistyped:
        return mistyped
    for table, frame in text.items():
        typed_frames[table] = semantic_frame(frame, schemas[table])
        report.rows.setdefault(table, frame.height)
    return check_semantics(Tables(typed_frames, text, schemas, today), report.unlisted)


def _kind(field: dict[str, Any]) -> str:
    kind = str(field.get("type") or "string")
    return {"integer": "number", "number": "number", "date": "date"}.get(kind, "text")


def _needed_schemas() -> dict[str, Any]:
    """The schemas the semantic rules are written for: the library's own (its source tree, or
    the release it carries), else the newest release it has the schemas of."""
    from manpower.releasing.trusted import RELEASED, own, released
    from manpower.releasing.versioning import is_version

    sets = own()
    if sets:
        return sets[0][2]
    versions = [p.stem for p in RELEASED.glob("*.json") if is_version(p.stem)]
    newest = max(versions, key=lambda v: tuple(int(n) for n in v.split(".")), default=None)
    return (released(newest) if newest else None) or {}


def _mistyped(schemas: dict[str, dict[str, Any]]) -> list[Problem]:
    """A field the rules read as a number or a date declared otherwise (a package that is not
    manpower's, validated with --own-schemas): one problem, and no rule run on it, rather than
    a rule comparing text as numbers (issue 22 item 17)."""
    needed = _needed_schemas()
    for table, schema in schemas.items():
        kinds = {f.get("name"): _kind(f) for f in needed.get(table, {}).get("fields", [])}
        for spec in schema.get("fields", []):
            want = kinds.get(spec.get("name"))
            if want is not None and want != _kind(spec):
                return [
                    catalogue.problem(
                        catalogue.FIELD_TYPE_NEEDED,
                        table=table,
                        field=spec["name"],
                        declared=repr(str(spec.get("type") or "string")),
                        needed={"number": "a number", "date": "a date", "text": "text"}[want],
                    )
                ]
    return []


def _read_text(path: Path) -> Any:
    """A table as a polars frame of text with its row numbers, when the Table Schema layer could not
    hand its frame over (a ragged file)."""
    import polars as pl

    from manpower.validation.text_tables import read_text_table

    frame = read_text_table(path)
    rows = pl.Series(ROW, frame.index.to_numpy(), dtype=pl.Int64)
    return pl.from_pandas(frame, include_index=False).with_columns(rows)
