"""The parity oracle: frictionless-py's standard validation, worded as the product prints.

The product has one Table Schema engine (:mod:`manpower.validation.columnar`). frictionless is
its reference: :func:`validate` here runs frictionless on the same package, adds the package's
own number and date grammar on top (frictionless reads numbers with ``decimal.Decimal`` and
dates with ``strptime``, both looser), orders the problems as the columnar engine does and then
runs the product's own semantic layer, so ``tests/data/test_parity.py`` can compare every line.
Nothing in ``src/`` imports this module.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from manpower import catalogue, limits
from manpower.catalogue import Problem
from manpower.errors import ManpowerError
from manpower.limits import cap_problems
from manpower.validation import runner
from manpower.validation.columnar import ROW
from manpower.validation.runner import Report

ENGINES = ("columnar", "frictionless")
PRODUCT = runner.validate  # kept: invoke_validate lays the oracle over runner.validate


def validate(
    path: Path | None = None,
    *,
    today: dt.date | None = None,
    engine: str = "columnar",
    own_schemas: bool = False,
) -> Report:
    """The product's validation (``engine="columnar"``) or frictionless's (the oracle)."""
    if engine == "columnar":
        return PRODUCT(path, today=today, own_schemas=own_schemas)
    assert engine == "frictionless", engine
    # frictionless checks the package metadata too: give it the package-level sources
    root, descriptor = runner.resolve(path, sources=True)
    if path is not None and not own_schemas:
        from manpower.releasing.trusted import check_package

        # the product refuses a package's untrusted schemas before either engine reads a row
        check_package(root, descriptor)
    return validate_descriptor(root, descriptor, today=today)


def validate_descriptor(
    root: Path, descriptor: dict[str, Any], *, today: dt.date | None = None
) -> Report:
    from manpower.safe_paths import check_descriptor

    check_descriptor(root, descriptor)
    report = Report(root=str(root))
    oversized = runner._oversized(root, descriptor)
    if oversized:
        report.problems = oversized
        return report
    structural = with_grammar(root, descriptor, check_structure(root, descriptor, report))
    semantic = runner.check_semantics_of(root, descriptor, today or dt.date.today(), report, {})
    flagged = {(p.table, p.row, p.field) for p in structural}
    semantic = [p for p in semantic if (p.table, p.row, p.field) not in flagged]
    report.problems = cap_problems(structural + semantic, report.unlisted)
    return report


def check_structure(root: Path, descriptor: dict[str, Any], report: Report) -> list[Problem]:
    """The standard frictionless validation of the package."""
    from frictionless import Package

    try:
        package = Package(descriptor, basepath=str(root))
        # every error, as the columnar engine reports them (frictionless stops at 1000 by default)
        result = package.validate(limit_errors=10**9)
    except Exception as exc:  # frictionless raises its own FrictionlessException on bad metadata
        return [runner.package_error(str(exc))]
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
            fields = _fields_of(root, descriptor, task.name)
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
                    params=_params(data, fields),
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


def _fields_of(root: Path, descriptor: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    """The fields of ``table``'s Table Schema by name (none when it cannot be read)."""
    for resource in descriptor.get("resources", []):
        if resource.get("name") == table:
            try:
                schema = runner._schema_of(root, resource)
            except ManpowerError:
                return {}
            return {f["name"]: f for f in schema.get("fields", []) if isinstance(f, dict)}
    return {}


_PREVIOUS = re.compile(r"the same as in the row at position (\d+)")


def _params(error: dict[str, Any], fields: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The ``Problem.params`` the columnar engine attaches, from a frictionless error: its
    structured properties and the schema where they suffice, else its note (frictionless words
    the constraint's name and the earlier row only there; reading them is this adapter's job)."""
    kind, note = error["type"], error.get("note") or ""
    field = fields.get(error.get("fieldName") or "", {})
    if kind == catalogue.TYPE_ERROR and field:
        return {"type": field.get("type", "any"), "format": field.get("format", "default")}
    if kind == catalogue.CONSTRAINT_ERROR and field and note.count('"') >= 2:
        name = note.split('"')[1]
        constraints = field.get("constraints", {})
        return {"constraint": name, "argument": constraints[name]} if name in constraints else None
    if kind in (catalogue.UNIQUE_ERROR, catalogue.PRIMARY_KEY):
        previous = _PREVIOUS.fullmatch(note)
        return {"previous": int(previous[1])} if previous else None
    if kind == catalogue.FOREIGN_KEY:
        cells = error.get("fieldCells") or []
        return {
            "fields": list(error.get("fieldNames") or []),
            "values": ", ".join("None" if c is None else limits.excerpt(str(c)) for c in cells),
            "table": error.get("referenceName") or "",
            "ref": ", ".join(error.get("referenceFieldNames") or []),
        }
    return None


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
            schema = runner._schema_of(root, resource)
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
                    fmt = spec.get("format", "default")
                    note = f'type is "{kind}/{fmt}"'
                    problem = columnar._problem(
                        name,
                        row,
                        spec["name"],
                        cell,
                        catalogue.TYPE_ERROR,
                        note,
                        {"type": kind, "format": fmt},
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


def invoke_validate(args: list[str], engine: str) -> Any:
    """``manpower validate ARGS`` through click's runner, its Table Schema layer ``engine``'s:
    the product's (columnar), or the oracle's laid in place of the runner for the call."""
    from unittest import mock

    from click.testing import CliRunner

    from manpower.cli import cli

    if engine == "columnar":
        return CliRunner().invoke(cli, ["validate", *args])
    assert engine == "frictionless", engine

    def reference(path: Path | None = None, **kw: Any) -> Report:
        return validate(path, engine="frictionless", **kw)

    with mock.patch.object(runner, "validate", reference):
        return CliRunner().invoke(cli, ["validate", *args])
