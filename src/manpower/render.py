"""Render a validation report as text, JSON or GitHub workflow annotations."""

from __future__ import annotations

import json

from manpower.errors import Problem
from manpower.validate import Report

FORMATS = ("text", "json", "github")


def _where(p: Problem) -> str:
    parts = [f"{p.table}.csv" if p.table != "datapackage" else "datapackage.json"]
    if p.row is not None:
        parts.append(f"row {p.row}")
    if p.field:
        parts.append(f"column {p.field}")
    return ", ".join(parts)


def text_line(p: Problem) -> str:
    value = f" value {p.value!r}:" if p.value not in (None, "") else ""
    fix = f" Fix: {p.fix}." if p.fix else ""
    return f"{_where(p)}:{value} [{p.rule}] {p.message}.{fix}"


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    if fmt == "github":
        lines = []
        for p in report.problems:
            path = "datapackage.json" if p.table == "datapackage" else f"data/{p.table}.csv"
            line = f",line={p.row}" if p.row is not None else ""
            message = text_line(p).replace("%", "%25").replace("\n", "%0A")
            lines.append(f"::error file={path}{line},title={p.rule}::{message}")
        lines.append(_summary(report))
        return "\n".join(lines)
    lines = [text_line(p) for p in report.problems]
    lines.append(_summary(report))
    return "\n".join(lines)


def _summary(report: Report) -> str:
    rows = ", ".join(f"{t} {n}" for t, n in report.rows.items())
    if report.valid:
        return f"valid: {rows} rows"
    return f"invalid: {len(report.problems)} errors ({rows} rows)"
