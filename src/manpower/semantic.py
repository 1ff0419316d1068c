"""The semantic rules JSON Table Schema cannot express, run through pandera.

Each rule is a function from the tables to a boolean Series over one table's rows (True = the row
passes). ``pandera_schema`` wraps them as pandera checks next to the column dtypes derived from the
Table Schema, so pandera runs them and reports the failing rows; ``check_semantics`` turns its
failure cases back into :class:`~manpower.errors.Problem` records with a fix for each rule.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from manpower.errors import Problem
from manpower.numbers import numbers_in_text
from manpower.tables import parse_date

if TYPE_CHECKING:
    import pandas as pd

VALUE_FIELDS = ("value_low", "value", "value_high")
# Which value cells each value_kind needs (True) and must leave empty (False).
KIND_FIELDS: dict[str, dict[str, bool]] = {
    "exact": {"value_low": False, "value": True, "value_high": False},
    "approximate": {"value_low": False, "value": True, "value_high": False},
    "forecast": {"value_low": False, "value": True, "value_high": False},
    "at_least": {"value_low": True, "value": False, "value_high": False},
    "more_than": {"value_low": True, "value": False, "value_high": False},
    "up_to": {"value_low": False, "value": False, "value_high": True},
    "less_than": {"value_low": False, "value": False, "value_high": True},
    "range": {"value_low": True, "value": False, "value_high": True},
}
# A cell a spreadsheet would run as a formula: =anything, or +, -, @ followed by a name or "(".
FORMULA = re.compile(r"^[\s]*(=|[+\-@]\s*[A-Za-z_(])")
NON_FINITE = re.compile(r"^\s*[+-]?(nan|inf|infinity)\s*$", re.IGNORECASE)
SHARE_ROUNDING = 0.5  # percentage points of rounding allowed per share in a breakdown


@dataclass(frozen=True)
class Tables:
    """The four tables as typed frames, the raw text frames, and the schemas."""

    typed: dict[str, pd.DataFrame]
    text: dict[str, pd.DataFrame]
    schemas: dict[str, dict[str, Any]]
    today: dt.date


@dataclass(frozen=True)
class Rule:
    id: str
    table: str
    field: str
    description: str
    fix: str
    check: Callable[[Tables], pd.Series]


def _claims(t: Tables) -> pd.DataFrame:
    return t.typed["claims"]


def _value_order(t: Tables) -> pd.Series:
    c = _claims(t)
    lo, val, hi = c["value_low"], c["value"], c["value_high"]
    bad = (lo > val) | (val > hi) | (lo > hi)
    return (~bad).rename("value")


def _kind_fields(t: Tables) -> pd.Series:
    c = _claims(t)
    text = t.text["claims"]
    ok = []
    for idx, kind in c["value_kind"].items():
        need = KIND_FIELDS.get(kind)
        present = {f: text.at[idx, f].strip() != "" for f in VALUE_FIELDS}
        if need is None:  # interpreted (or an unknown kind the schema layer reports)
            ok.append(kind != "interpreted" or any(present.values()))
        else:
            ok.append(all(present[f] == need[f] for f in VALUE_FIELDS))
    import pandas as pd

    return pd.Series(ok, index=c.index, name="value_kind")


def _units(t: Tables) -> pd.Series:
    metrics = t.typed["metrics"].set_index("metric_id")
    return _claims(t)["metric_id"].map(metrics["unit"]) if len(metrics) else _claims(t)["metric_id"]


def _percent_range(t: Tables) -> pd.Series:
    c = _claims(t)
    is_pct = _units(t) == "percent"
    out_of_range = c[list(VALUE_FIELDS)].apply(lambda s: (s < 0) | (s > 100)).any(axis=1)
    return (~(is_pct & out_of_range)).rename("value")


def _share_sum(t: Tables) -> pd.Series:
    c = _claims(t).copy()
    c["_unit"] = _units(t)
    c["_v"] = c["value"].fillna(c["value_low"])
    shares = c[(c["_unit"] == "percent") & (c["category"].fillna("") != "")]
    keys = ["metric_id", "claimant_id", "source_id", "period_start", "period_end"]
    bad_index: list[int] = []
    for _, group in shares.fillna({"period_start": ""}).groupby(keys, dropna=False):
        if len(group) > 1 and group["_v"].sum() > 100 + SHARE_ROUNDING * len(group):
            bad_index.extend(group.index)
    return _flag(c, bad_index, "value")


def _flag(frame: pd.DataFrame, bad_index: list[int], name: str) -> pd.Series:
    import pandas as pd

    return pd.Series(~frame.index.isin(bad_index), index=frame.index, name=name)


def _non_negative(t: Tables) -> pd.Series:
    c = _claims(t)
    return (~(c[list(VALUE_FIELDS)] < 0).any(axis=1)).rename("value")


def _finite(t: Tables) -> pd.Series:
    c = _claims(t)
    text = t.text["claims"]
    bad = text[list(VALUE_FIELDS)].apply(lambda s: s.str.match(NON_FINITE)).any(axis=1)
    bad |= (
        c[list(VALUE_FIELDS)]
        .apply(lambda s: s.map(lambda v: v is not None and math.isinf(v)))
        .any(axis=1)
    )
    return (~bad).rename("value")


def _period_order(t: Tables) -> pd.Series:
    c = _claims(t)
    bad = [
        s is not None and e is not None and s > e
        for s, e in zip(c["period_start"], c["period_end"], strict=True)
    ]
    return _flag(c, [i for i, b in zip(c.index, bad, strict=True) if b], "period_start")


def _published(t: Tables) -> pd.Series:
    sources = t.typed["sources"].drop_duplicates("source_id").set_index("source_id")
    return _claims(t)["source_id"].map(sources["published_date"])


def _before_publication(t: Tables) -> pd.Series:
    c = _claims(t)
    published = _published(t)
    bad = [
        i
        for i, end, pub, kind in zip(
            c.index, c["period_end"], published, c["value_kind"], strict=True
        )
        if kind != "forecast"
        and isinstance(end, dt.date)
        and isinstance(pub, dt.date)
        and end > pub
    ]
    return _flag(c, bad, "period_end")


def _not_future(field: str, table: str = "claims") -> Callable[[Tables], pd.Series]:
    def check(t: Tables) -> pd.Series:
        frame = t.typed[table]
        kinds = frame["value_kind"] if "value_kind" in frame else None
        bad = [
            i
            for i, d in frame[field].items()
            if isinstance(d, dt.date)
            and d > t.today
            and not (kinds is not None and kinds[i] == "forecast")
        ]
        return _flag(frame, bad, field)

    return check


def _real_date(field: str, table: str) -> Callable[[Tables], pd.Series]:
    def check(t: Tables) -> pd.Series:
        text = t.text[table][field].str.strip()
        bad = [i for i, s in text.items() if s and parse_date(s) is None]
        return _flag(t.text[table], bad, field)

    return check


def _quote_states_value(t: Tables) -> pd.Series:
    c = _claims(t)
    bad = []
    for i, row in c.iterrows():
        if row["value_kind"] == "interpreted":
            continue
        stated = numbers_in_text(str(row["quote"]))
        for f in VALUE_FIELDS:
            v = row[f]
            if (
                isinstance(v, float)
                and not math.isnan(v)
                and not any(abs(s - v) <= 1e-9 * max(1.0, abs(v)) for s in stated)
            ):
                bad.append(i)
                break
    return _flag(c, bad, "quote")


def _interpreted_note(t: Tables) -> pd.Series:
    c = t.text["claims"]
    bad = c.index[(c["value_kind"] == "interpreted") & (c["notes"].str.strip() == "")]
    return _flag(c, list(bad), "notes")


def _representative(row: pd.Series) -> float:
    for f in ("value", "value_low", "value_high"):
        v = row[f]
        if isinstance(v, float) and not math.isnan(v):
            return v
    return math.nan


def _cumulative_monotonic(t: Tables) -> pd.Series:
    c = _claims(t).copy()
    metrics = t.typed["metrics"].set_index("metric_id")
    c["_basis"] = c["metric_id"].map(metrics["counting_basis"]) if len(metrics) else None
    c["_rep"] = c.apply(_representative, axis=1)
    cumulative = c[
        (c["_basis"] == "cumulative") & c["period_end"].map(lambda d: isinstance(d, dt.date))
    ]
    bad: list[int] = []
    keys = ["metric_id", "claimant_id", c["category"].fillna("").rename("_cat")]
    for _, group in cumulative.groupby(keys, dropna=False):
        ordered = group.sort_values("period_end", kind="stable")
        seen: list[tuple[str, float, dt.date]] = []
        for i, row in ordered.iterrows():
            earlier = [
                (cid, v) for cid, v, end in seen if end < row["period_end"] and v > row["_rep"]
            ]
            if earlier and row["supersedes"] not in {cid for cid, _ in earlier}:
                bad.append(i)
            seen.append((row["claim_id"], row["_rep"], row["period_end"]))
    return _flag(c, bad, "value")


def _supersedes_exists(t: Tables) -> pd.Series:
    c = t.text["claims"]
    ids = set(c["claim_id"])
    bad = [i for i, s in c["supersedes"].items() if s.strip() and s not in ids]
    return _flag(c, bad, "supersedes")


def _supersedes_acyclic(t: Tables) -> pd.Series:
    c = t.text["claims"]
    target = {cid: s for cid, s in zip(c["claim_id"], c["supersedes"], strict=True) if s.strip()}
    in_cycle: set[str] = set()
    for start in target:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in target and node not in seen:
            seen.append(node)
            node = target.get(node)
        if node is not None and node in seen:
            in_cycle.update(seen[seen.index(node) :])
    bad = [i for i, cid in c["claim_id"].items() if cid in in_cycle]
    return _flag(c, bad, "supersedes")


def _no_formula(table: str) -> Callable[[Tables], pd.Series]:
    def check(t: Tables) -> pd.Series:
        text = t.text[table]
        fields = [f["name"] for f in t.schemas[table]["fields"] if f["type"] == "string"]
        bad = [i for i, row in text[fields].iterrows() if any(FORMULA.match(v) for v in row)]
        return _flag(text, bad, "*")

    return check


def _rules() -> list[Rule]:
    rules = [
        Rule(
            "value-bounds",
            "claims",
            "value",
            "value_low <= value <= value_high",
            "swap or correct the bounds so that value_low <= value <= value_high",
            _value_order,
        ),
        Rule(
            "value-kind-fields",
            "claims",
            "value_kind",
            "the value cells match value_kind",
            "exact/approximate/forecast fill value; at_least/more_than fill value_low; "
            "up_to/less_than fill value_high; range fills value_low and value_high; "
            "interpreted fills at least one",
            _kind_fields,
        ),
        Rule(
            "percent-range",
            "claims",
            "value",
            "percent values lie within 0..100",
            "a percent must be between 0 and 100; check the unit of the metric",
            _percent_range,
        ),
        Rule(
            "share-sum",
            "claims",
            "value",
            "shares of one breakdown (metric, claimant, source, period) sum to at most 100",
            "check the categories: shares of one breakdown cannot add up to more than 100%",
            _share_sum,
        ),
        Rule(
            "non-negative",
            "claims",
            "value",
            "values are not negative",
            "counts, amounts and ratios cannot be negative",
            _non_negative,
        ),
        Rule(
            "finite",
            "claims",
            "value",
            "values are finite numbers",
            "write a finite number; leave the cell empty when there is none",
            _finite,
        ),
        Rule(
            "period-order",
            "claims",
            "period_start",
            "period_start <= period_end",
            "period_start must not be after period_end",
            _period_order,
        ),
        Rule(
            "period-after-publication",
            "claims",
            "period_end",
            "the period ends no later than the source's publication date (forecasts excepted)",
            "a figure cannot refer to a time after it was published; use value_kind forecast "
            "for projections or correct the dates",
            _before_publication,
        ),
        Rule(
            "future-date",
            "claims",
            "period_end",
            "no date lies in the future",
            "dates must not be later than today",
            _not_future("period_end"),
        ),
        Rule(
            "future-date",
            "claims",
            "period_start",
            "no date lies in the future",
            "dates must not be later than today",
            _not_future("period_start"),
        ),
        Rule(
            "future-date",
            "sources",
            "published_date",
            "no date lies in the future",
            "dates must not be later than today",
            _not_future("published_date", "sources"),
        ),
        Rule(
            "quote-states-value",
            "claims",
            "quote",
            "each of value_low, value and value_high appears in the quote",
            "copy the part of the source that states the figure into quote, or use "
            "value_kind interpreted with a note saying how the figure was read",
            _quote_states_value,
        ),
        Rule(
            "interpreted-needs-note",
            "claims",
            "notes",
            "an interpreted figure explains itself in notes",
            "say in notes how the figure was read from the source",
            _interpreted_note,
        ),
        Rule(
            "cumulative-monotonic",
            "claims",
            "value",
            "a cumulative figure from one claimant does not fall over time",
            "a lower later figure must name the claim it corrects in supersedes",
            _cumulative_monotonic,
        ),
        Rule(
            "supersedes-exists",
            "claims",
            "supersedes",
            "supersedes names an existing claim",
            "use the claim_id of an existing claim, or leave supersedes empty",
            _supersedes_exists,
        ),
        Rule(
            "supersedes-cycle",
            "claims",
            "supersedes",
            "supersedes has no cycles",
            "a claim cannot (indirectly) supersede itself; break the chain",
            _supersedes_acyclic,
        ),
    ]
    for table, field in (
        ("claims", "period_start"),
        ("claims", "period_end"),
        ("sources", "published_date"),
    ):
        rules.append(
            Rule(
                "real-date",
                table,
                field,
                "dates are real calendar dates (YYYY-MM-DD)",
                "write a real date as YYYY-MM-DD (e.g. 2025-02-28, not 2025-02-30)",
                _real_date(field, table),
            )
        )
    for table in ("sources", "claimants", "metrics", "claims"):
        rules.append(
            Rule(
                "spreadsheet-formula",
                table,
                "*",
                "no text cell starts like a spreadsheet formula",
                "remove the leading =, +, - or @ (spreadsheets would run the cell)",
                _no_formula(table),
            )
        )
    return rules


RULES: list[Rule] = _rules()


def pandera_schema(table: str, schema: dict[str, Any], tables: Tables) -> Any:
    """The pandera schema of one table: dtypes from the Table Schema plus its semantic checks."""
    import pandera.pandas as pa

    dtypes = {"string": object, "number": float, "integer": float, "date": object}
    columns = {
        f["name"]: pa.Column(
            dtypes.get(f["type"], object), nullable=True, coerce=False, required=True
        )
        for f in schema["fields"]
    }
    checks = [
        pa.Check(lambda _df, r=rule: r.check(tables), error=f"{n}", name=rule.id)
        for n, rule in enumerate(RULES)
        if rule.table == table
    ]
    return pa.DataFrameSchema(columns, checks=checks, strict=False)


def check_semantics(tables: Tables) -> list[Problem]:
    """Run every rule through pandera and return one Problem per failing row and rule."""
    import pandera.errors as pe

    problems: list[Problem] = []
    for table in ("sources", "claimants", "metrics", "claims"):
        frame = tables.typed[table]
        schema = pandera_schema(table, tables.schemas[table], tables)
        try:
            schema.validate(frame, lazy=True)
        except pe.SchemaErrors as exc:
            problems.extend(_problems(table, exc.failure_cases, tables))
    return sorted(set(problems), key=lambda p: (p.table, p.row or 0, p.rule, p.field or ""))


def _problems(table: str, cases: pd.DataFrame, tables: Tables) -> list[Problem]:
    out: list[Problem] = []
    text = tables.text[table]
    for case in cases.to_dict("records"):
        check = str(case["check"])
        if not check.isdigit():  # a dtype/column failure: the Table Schema layer reports those
            continue
        rule = RULES[int(check)]
        row = int(case["index"]) if case["index"] is not None else None
        field = rule.field
        if field == "*" and row is not None:
            fields = [f["name"] for f in tables.schemas[table]["fields"] if f["type"] == "string"]
            field = next((f for f in fields if FORMULA.match(text.at[row, f])), fields[0])
        value = text.at[row, field] if row is not None and field in text.columns else None
        if table == "claims" and field == "value" and row is not None:
            value = _values(text.loc[row])
        out.append(
            Problem(
                table=table,
                row=row,
                field=field,
                value=value,
                rule=rule.id,
                message=_message(rule, table, row, field, tables),
                fix=rule.fix,
            )
        )
    return out


def _values(row: pd.Series) -> str:
    return ", ".join(f"{f}={row[f]}" for f in VALUE_FIELDS if row[f].strip()) or "no value"


def _message(rule: Rule, table: str, row: int | None, field: str, tables: Tables) -> str:
    """The rule, said about this row's own values where that helps."""
    if row is None or table != "claims":
        return rule.description
    r = tables.text["claims"].loc[row]
    values = _values(r)
    if rule.id in ("value-bounds", "value-kind-fields", "quote-states-value"):
        return f"{rule.description} ({r['value_kind']}: {values})"
    if rule.id == "period-after-publication":
        pub = _published(tables).get(row)
        return f"{rule.description} (period_end {r['period_end']}, published {pub})"
    return rule.description
