"""Table Schema errors in a contributor's words: which column, what is wrong, what to do.

The Table Schema layer's notes speak frictionless's language (``constraint "required" is
"True"``), which the parity tests compare word for word and ``--format json`` keeps for machines.
People read the catalogue's plain-words variants of those rules instead, filled from the
parameters the engine attaches to each problem (``Problem.params``; nothing here reads a note):
every message names the column and every fix says what to write, in the column's own words
(below) where it has them.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from manpower import catalogue
from manpower.catalogue import (
    CONSTRAINT_ERROR,
    FOREIGN_KEY,
    PRIMARY_KEY,
    TYPE_ERROR,
    UNIQUE_ERROR,
    Problem,
)
from manpower.contributing.suggest import nearest

# What to put in a required column that was left empty.
FILL: dict[str, str] = {
    "claim_id": "write the source_id followed by a hyphen and a two-digit number, e.g. "
    "<source_id>-01",
    "metric_id": "copy the metric_id of what is counted from data/metrics.csv",
    "value_kind": "say how the figure is stated: exact, approximate, at_least, more_than, up_to, "
    "less_than, range, forecast or interpreted",
    "period_end": "give the last day the figure refers to as YYYY-MM-DD (for a stock, the day "
    "of the count)",
    "date_precision": "say whether the document gives the period to the day, month or year",
    "claimant_id": "copy the claimant_id of who states the figure from data/claimants.csv",
    "source_id": "copy the source_id of the document from data/sources.csv",
    "quote": "copy the sentence of the document that states the figure",
    "verification": "write unverified, unless the document says the figure was checked or "
    "could not be verified",
    "language": "give the document's language as a BCP 47 tag, e.g. en",
    "name": "write the name as commonly written in English",
    "type": "say what kind of claimant it is (see the column in README, Tables and columns)",
    "topic": "say which subject area the metric belongs to",
    "label": "give the metric a short readable name",
    "description": "say exactly what is counted, and what is not",
    "unit": "give the unit of the values",
    "counting_basis": "say whether the figure is cumulative, a flow, a stock, a rate, a share, a "
    "ratio or an amount",
    "exclusion_id": "write the source_id followed by -x and a two-digit number, e.g. "
    "<source_id>-x01",
    "excerpt": "copy the words of the document around the figure",
    "figure": "copy the figure as the document writes it",
    "reason": "say why the figure is not a claim (see the column in README, Tables and columns)",
}
# What a value of each patterned column looks like.
FORM: dict[str, str] = {
    "claim_id": "write the source_id followed by a hyphen and a two-digit number, e.g. "
    "<source_id>-01, in lower case",
    "exclusion_id": "write the source_id followed by -x and a two-digit number, e.g. "
    "<source_id>-x01",
    "source_id": "use lower-case letters, digits and single hyphens, e.g. "
    "examplenews-2026-01-15-pows",
    "claimant_id": "use lower-case letters, digits and single hyphens, e.g. ua-szru",
    "metric_id": "use lower-case letters, digits and underscores, e.g. pows_held",
    "url": "give the full web address, starting with http:// or https://",
    "language": "give a BCP 47 language tag such as en or uk",
    "document": "give the file name of the saved article, ending in .txt, without folders",
    "sha256": "give the 64 lower-case hexadecimal digits that `sha256sum DOCUMENT` prints",
    "country": "give the two-letter ISO 3166-1 code in capitals, e.g. UA",
}
_SHORTEN = {
    "quote": "keep only the part of the sentence that states the figure",
    "excerpt": "keep only the words around the figure",
}

Known = Callable[[str, str], list[str]]


def ids_in(root: Path) -> Known:
    """A lookup of the values of a column of a table in ``root``/data (read once, on demand)."""
    cache: dict[tuple[str, str], list[str]] = {}

    def known(table: str, column: str) -> list[str]:
        if (table, column) not in cache:
            path = root / "data" / f"{table}.csv"
            try:
                with path.open(encoding="utf-8", newline="") as handle:
                    cache[table, column] = [r.get(column) or "" for r in csv.DictReader(handle)]
            except (OSError, UnicodeDecodeError, csv.Error):
                cache[table, column] = []
        return cache[table, column]

    return known


def suggestion(value: str, choices: list[str]) -> str:
    """' (did you mean pows_held?)', or nothing when no existing value is close."""
    close = nearest(value, choices)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def foreign_key(problem: Problem) -> tuple[str, str, str, str] | None:
    """(field, value, referenced table, referenced field) of a one-field foreign-key problem;
    the table is empty for a reference within the problem's own table."""
    params = problem.params
    if problem.rule != FOREIGN_KEY or not params or len(params["fields"]) != 1:
        return None
    return params["fields"][0], params["values"], params["table"], params["ref"]


def plain(problem: Problem, known: Known | None = None) -> Problem:
    """``problem`` told in plain words: the catalogue's variant of its rule, filled from the
    parameters the Table Schema layer attached to it; other problems are returned as they are."""
    params, column = problem.params, problem.field or ""
    if not params:
        return problem
    if problem.rule == CONSTRAINT_ERROR:
        return _constraint(problem, column, params["constraint"], params["argument"])
    if problem.rule == TYPE_ERROR and column and params["type"] in ("number", "integer", "date"):
        return _told(problem, "date" if params["type"] == "date" else "number", field=column)
    if problem.rule in (UNIQUE_ERROR, PRIMARY_KEY):
        what = column or "the row's id"
        return _told(problem, "repeated", what=what, previous=params["previous"])
    if problem.rule == FOREIGN_KEY:
        fields, values = ", ".join(params["fields"]), params["values"]
        target, ref = params["table"] or problem.table, params["ref"]
        single = len(params["fields"]) == 1
        hint = suggestion(values, known(target, ref)) if known and single else ""
        return _told(
            problem,
            "unknown",
            fields=fields,
            values=values,
            target=target,
            ref=ref,
            suggestion=hint,
        )
    return problem


def _told(
    problem: Problem, variant: str, *, own_fix: str | None = None, **params: object
) -> Problem:
    """``problem`` with the message and fix of its rule's ``variant`` (or the column's own fix)."""
    return replace(
        problem,
        message=catalogue.message(problem.rule, variant, **params),
        fix=own_fix or catalogue.fix(problem.rule, variant, **params),
    )


def _constraint(problem: Problem, column: str, constraint: str, argument: object) -> Problem:
    value = problem.value or ""
    if constraint == "required":
        return _told(problem, "required", own_fix=FILL.get(column), field=column)
    if constraint == "enum":
        if not isinstance(argument, list):  # a schema that breaks Table Schema's own rules
            return problem
        allowed = [str(v) for v in argument]
        hint = suggestion(value, allowed)
        return _told(problem, "enum", field=column, allowed=", ".join(allowed), suggestion=hint)
    if constraint == "pattern":
        return _told(problem, "pattern", own_fix=FORM.get(column), field=column, pattern=argument)
    if constraint == "maxLength":
        own = _SHORTEN.get(column)
        return _told(
            problem, "max-length", own_fix=own, field=column, length=len(value), limit=argument
        )
    if constraint == "minLength":
        return _told(problem, "min-length", field=column, limit=argument)
    return problem
