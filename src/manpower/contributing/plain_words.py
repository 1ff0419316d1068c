"""Table Schema errors in a contributor's words: which column, what is wrong, what to do.

The validation engines speak frictionless's language (``constraint "required" is "True"``),
which the parity tests compare word for word and ``--format json`` keeps for machines. People
read this translation instead: every message names the column and every fix says what to write.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

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
_FOREIGN = re.compile(
    r'^for "(?P<fields>[^"]*)": values "(?P<values>[^"]*)" not found in the lookup table '
    r'"(?P<table>[^"]*)" as "(?P<ref>[^"]*)"$'
)

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
    if problem.rule != FOREIGN_KEY:
        return None
    match = _FOREIGN.match(problem.message)
    if not match or "," in match["fields"]:
        return None
    return match["fields"], match["values"], match["table"], match["ref"]


def plain(problem: Problem, known: Known | None = None) -> Problem:
    """``problem`` told in plain words; problems already in plain words are returned as they are."""
    column, value = problem.field or "", problem.value or ""
    if problem.rule == CONSTRAINT_ERROR:
        parts = problem.message.split('"')
        if len(parts) < 4:
            return problem
        constraint, argument = parts[1], parts[3]
        return _constraint(problem, column, value, constraint, argument)
    if problem.rule == TYPE_ERROR and column:
        kind = problem.message.split('"')[1].split("/")[0] if '"' in problem.message else ""
        if kind in ("number", "integer"):
            return replace(
                problem,
                message=f"{column} is not a number",
                fix="write the figure in digits, with a dot for decimals and without separators, "
                "units or words (10000, not 10,000 or 10k)",
            )
        if kind == "date":
            return replace(
                problem,
                message=f"{column} is not a date",
                fix="write a real calendar date as YYYY-MM-DD, e.g. 2025-12-31",
            )
        return problem
    repeated = re.fullmatch(r"the same as in the row at position (\d+)", problem.message)
    if problem.rule in (UNIQUE_ERROR, PRIMARY_KEY) and repeated:
        what = column or "the row's id"
        return replace(
            problem,
            message=f"{what} repeats the one in row {repeated[1]}",
            fix="give every row its own id (for a claim: the next free <source_id>-NN)",
        )
    if problem.rule == FOREIGN_KEY:
        match = _FOREIGN.match(problem.message)
        if not match:
            return problem
        fields, values = match["fields"], match["values"]
        table, ref = match["table"] or problem.table, match["ref"]
        hint = suggestion(values, known(table, ref)) if known and "," not in fields else ""
        return replace(
            problem,
            message=f"{fields} {values!r} is not in data/{table}.csv{hint}",
            fix=f"copy an existing {ref} from data/{table}.csv, or add the {table} row first",
        )
    return problem


def _constraint(
    problem: Problem, column: str, value: str, constraint: str, argument: str
) -> Problem:
    if constraint == "required":
        return replace(
            problem,
            message=f"{column} is empty",
            fix=FILL.get(column, f"fill in {column} (see README, Tables and columns)"),
        )
    if constraint == "enum":
        try:
            allowed = [str(v) for v in ast.literal_eval(argument)]
        except (ValueError, SyntaxError):
            return problem
        hint = suggestion(value, allowed)
        return replace(
            problem,
            message=f"{column} must be one of {', '.join(allowed)}{hint}",
            fix="write one of these values exactly, in lower case",
        )
    if constraint == "pattern":
        return replace(
            problem,
            message=f"{column} is not written in the expected form",
            fix=FORM.get(column, f"write it to match the pattern {argument}"),
        )
    if constraint == "maxLength":
        return replace(
            problem,
            message=f"{column} is {len(value)} characters long, at most {argument} are allowed",
            fix=_SHORTEN.get(column, "shorten it"),
        )
    if constraint == "minLength":
        return replace(
            problem,
            message=f"{column} is shorter than {argument} characters",
            fix="write it in full",
        )
    return problem
