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
# What Python's str.strip() strips, for polars' strip_chars.
PY_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
# The same two patterns for polars (Rust regex): its \s lacks the four ASCII separators
# \x1c-\x1f that Python's \s includes, so they are spelled out.
_WS = r"[\s\x1c-\x1f]"
FORMULA_RUST = rf"^{_WS}*(=|[+\-@]{_WS}*[A-Za-z_(])"
NON_FINITE_RUST = rf"(?i)^{_WS}*[+-]?(nan|inf|infinity){_WS}*\n?$"
SHARE_ROUNDING = 0.5  # percentage points of rounding allowed per share in a breakdown
# A figure in plain ASCII digits (1234, 1,234) whose ASCII neighbours cannot make it part of a
# longer number in numbers.py's reading: start, a symbol, or a space after a non-digit before it;
# end, a non-digit, or a separator followed by a non-digit after it.
NUMBER_FAST = (
    r"(?:^|[!-+\-/:-@\[-^`{-~]|[!-/:-~] )([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:$|[!-+\-/:-~]|[., ](?:[!-/:-~]|$))"
)


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


def _any_match(frame: pd.DataFrame, columns: list[str], pattern: str) -> pd.Series:
    """Rows where any of ``columns`` matches ``pattern`` (polars: one pass, all cores)."""
    import pandas as pd
    import polars as pl

    if not columns or frame.empty:
        return pd.Series(False, index=frame.index)
    data = pl.from_pandas(frame[columns].reset_index(drop=True), include_index=False)
    hits = data.select(pl.any_horizontal(pl.col(columns).str.contains(pattern)).fill_null(False))
    return pd.Series(hits.to_series().to_numpy(), index=frame.index)


def _isin(values: pd.Series, allowed: Any) -> pd.Series:
    """``values.isin(allowed)``, through polars: pandas' is slow on its pyarrow-backed strings."""
    import pandas as pd
    import polars as pl

    if values.empty:
        return pd.Series(False, index=values.index)
    left = pl.from_pandas(values.reset_index(drop=True))
    if isinstance(allowed, pd.Series):
        right = pl.from_pandas(allowed.reset_index(drop=True))
    else:
        right = pl.Series(list(allowed), dtype=pl.String)
    return pd.Series(left.is_in(right.implode()).to_numpy(), index=values.index)


def _kind_fields(t: Tables) -> pd.Series:
    import pandas as pd
    import polars as pl

    text = t.text["claims"]
    if text.empty:
        return pd.Series(True, index=text.index, name="value_kind")
    frame = pl.from_pandas(
        text[["value_kind", *VALUE_FIELDS]].reset_index(drop=True), include_index=False
    )
    kind = pl.col("value_kind")
    present = {f: pl.col(f).str.strip_chars(PY_WHITESPACE) != "" for f in VALUE_FIELDS}
    known = kind.is_in(list(KIND_FIELDS))
    ok = pl.lit(True)
    for f in VALUE_FIELDS:
        need = kind.replace_strict({k: v[f] for k, v in KIND_FIELDS.items()}, default=False)
        ok &= present[f] == need
    # interpreted (or an unknown kind the schema layer reports) needs any one value
    anything = present["value_low"] | present["value"] | present["value_high"]
    ok = pl.when(known).then(ok).otherwise((kind != "interpreted") | anything)
    out = frame.select(ok.alias("ok"))["ok"].to_numpy()
    return pd.Series(out, index=text.index, name="value_kind")


def _units(t: Tables) -> pd.Series:
    metrics = t.typed["metrics"].set_index("metric_id")
    return _claims(t)["metric_id"].map(metrics["unit"]) if len(metrics) else _claims(t)["metric_id"]


def _percent_range(t: Tables) -> pd.Series:
    c = _claims(t)
    is_pct = _units(t) == "percent"
    out_of_range = c[list(VALUE_FIELDS)].apply(lambda s: (s < 0) | (s > 100)).any(axis=1)
    return (~(is_pct & out_of_range)).rename("value")


def _share_sum(t: Tables) -> pd.Series:
    c = _claims(t)
    shares = (_units(t) == "percent") & (c["category"].fillna("") != "")
    frame = c.loc[shares, ["metric_id", "claimant_id", "source_id", "period_start", "period_end"]]
    frame = frame.fillna({"period_start": ""})
    frame["_v"] = c.loc[shares, "value"].fillna(c.loc[shares, "value_low"])
    groups = frame.groupby(list(frame.columns[:5]), dropna=False)["_v"]
    size, total = groups.transform("size"), groups.transform("sum")
    bad = frame.index[(size > 1) & (total > 100 + SHARE_ROUNDING * size)]
    return _flag(c, list(bad), "value")


def _flag(frame: pd.DataFrame, bad_index: Any, name: str) -> pd.Series:
    import pandas as pd

    return pd.Series(~frame.index.isin(bad_index), index=frame.index, name=name)


def _non_negative(t: Tables) -> pd.Series:
    c = _claims(t)
    return (~(c[list(VALUE_FIELDS)] < 0).any(axis=1)).rename("value")


def _finite(t: Tables) -> pd.Series:
    import numpy as np

    c = _claims(t)
    text = t.text["claims"]
    bad = _any_match(text, list(VALUE_FIELDS), NON_FINITE_RUST)
    bad |= c[list(VALUE_FIELDS)].apply(lambda s: np.isinf(s.to_numpy(dtype=float))).any(axis=1)
    return (~bad).rename("value")


def _iso(t: Tables, table: str, field: str) -> pd.Series:
    """The text of the cells that are real dates, None elsewhere.

    A typed date comes only from a strict YYYY-MM-DD cell, so comparing these strings compares
    the dates, without building date objects for every row.
    """
    return t.text[table][field].where(t.typed[table][field].notna())


def _period_order(t: Tables) -> pd.Series:
    start, end = _iso(t, "claims", "period_start"), _iso(t, "claims", "period_end")
    bad = start.notna() & end.notna() & (start.fillna("") > end.fillna(""))
    return (~bad).rename("period_start")


def _published(t: Tables) -> pd.Series:
    sources = t.typed["sources"].drop_duplicates("source_id").set_index("source_id")
    return _claims(t)["source_id"].map(sources["published_date"])


def _before_publication(t: Tables) -> pd.Series:
    c = _claims(t)
    sources = t.text["sources"].assign(_pub=_iso(t, "sources", "published_date"))
    published = c["source_id"].map(
        sources.drop_duplicates("source_id").set_index("source_id")["_pub"]
    )
    end = _iso(t, "claims", "period_end")
    bad = (
        (c["value_kind"] != "forecast")
        & end.notna()
        & published.notna()
        & (end.fillna("") > published.fillna(""))
    )
    return (~bad).rename("period_end")


def _not_future(field: str, table: str = "claims") -> Callable[[Tables], pd.Series]:
    def check(t: Tables) -> pd.Series:
        frame = t.typed[table]
        dates = frame[field]
        future = [d for d in dates.dropna().unique() if isinstance(d, dt.date) and d > t.today]
        bad = dates.isin(future)
        if "value_kind" in frame:
            bad &= frame["value_kind"] != "forecast"
        return (~bad).rename(field)

    return check


def _real_date(field: str, table: str) -> Callable[[Tables], pd.Series]:
    def check(t: Tables) -> pd.Series:
        text = t.text[table][field].str.strip()
        # dates repeat: parse each distinct cell once
        unreal = [s for s in text.unique() if s and parse_date(s) is None]
        return (~_isin(text, unreal)).rename(field)

    return check


def _stated_fast(quotes: pd.Series, values: pd.DataFrame) -> pd.Series:
    """Rows whose every value surely appears in the quote, found with column expressions.

    Only a figure written in plain ASCII digits (1234 or 1,234), with ASCII context that cannot
    extend it into another number, counts here: wherever this says yes, ``numbers_in_text`` says
    yes too. Every other row is left to it.
    """
    import numpy as np
    import polars as pl

    frame = pl.from_pandas(
        values.assign(_quote=quotes.astype(object)).reset_index(drop=True), include_index=False
    )
    found = pl.col("_quote").str.extract_all(NUMBER_FAST)
    numbers = found.list.eval(
        pl.element().str.extract(r"([0-9][0-9,]*)").str.replace_all(",", "").cast(pl.Float64)
    )
    ok = pl.lit(True)
    for f in VALUE_FIELDS:
        ok &= pl.col(f).is_nan() | pl.col(f).is_null() | numbers.list.contains(pl.col(f))
    out = frame.select(ok.fill_null(False).alias("ok"))["ok"].to_numpy()
    import pandas as pd

    return pd.Series(np.asarray(out, dtype=bool), index=quotes.index)


def _quote_states_value(t: Tables) -> pd.Series:
    c = _claims(t)
    check = c["value_kind"] != "interpreted"
    values = c.loc[check, list(VALUE_FIELDS)].astype("float64")
    quotes = c.loc[check, "quote"].fillna("").astype(str)
    surely = _stated_fast(quotes, values) if len(quotes) else quotes.astype(bool)
    bad = []
    for i in surely.index[~surely.to_numpy()]:
        stated = numbers_in_text(str(c.at[i, "quote"]))
        for f in VALUE_FIELDS:
            v = c.at[i, f]
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


def _representative(frame: pd.DataFrame) -> pd.Series:
    return frame["value"].fillna(frame["value_low"]).fillna(frame["value_high"])


def _cumulative_monotonic(t: Tables) -> pd.Series:
    c = _claims(t)
    metrics = t.typed["metrics"].set_index("metric_id")
    basis = c["metric_id"].map(metrics["counting_basis"]) if len(metrics) else None
    end = _iso(t, "claims", "period_end")
    mask = (basis == "cumulative") & end.notna()
    if not mask.any():
        return _flag(c, [], "value")
    cumulative = c.loc[mask].copy()
    cumulative["_rep"] = _representative(cumulative)
    cumulative["_end"] = end[mask]
    cumulative["_cat"] = cumulative["category"].fillna("")
    keys = ["metric_id", "claimant_id", "_cat"]
    # Only a row with a higher figure on an earlier date can break the rule: find those groups
    # with column operations (the running maximum over earlier dates), then check them row by row.
    per_date = cumulative.groupby([*keys, "_end"], dropna=False)["_rep"].max().fillna(-math.inf)
    earlier_max = per_date.groupby(level=keys, dropna=False).cummax()
    earlier_max = earlier_max.groupby(level=keys, dropna=False).shift(1).rename("_earlier")
    cumulative = cumulative.join(earlier_max, on=[*keys, "_end"])
    suspect = cumulative.loc[cumulative["_earlier"] > cumulative["_rep"], keys]
    in_suspect = cumulative.set_index(keys).index.isin(suspect.set_index(keys).index)
    suspects = cumulative[in_suspect]
    bad: list[int] = []
    for _, group in suspects.groupby(keys, dropna=False):
        ordered = group.sort_values("period_end", kind="stable")
        seen: list[tuple[str, float, dt.date]] = []
        for i, cid, rep, end_date, supersedes in zip(
            ordered.index,
            ordered["claim_id"],
            ordered["_rep"],
            ordered["period_end"],
            ordered["supersedes"],
            strict=True,
        ):
            earlier = {c_id for c_id, v, e in seen if e < end_date and v > rep}
            if earlier and supersedes not in earlier:
                bad.append(i)
            seen.append((cid, rep, end_date))
    return _flag(c, bad, "value")


def _supersedes_exists(t: Tables) -> pd.Series:
    c = t.text["claims"]
    bad = (c["supersedes"].str.strip() != "") & ~_isin(c["supersedes"], c["claim_id"])
    return (~bad).rename("supersedes")


def _supersedes_acyclic(t: Tables) -> pd.Series:
    c = t.text["claims"]
    named = c[c["supersedes"].str.strip() != ""]
    target = dict(zip(named["claim_id"], named["supersedes"], strict=True))
    in_cycle: set[str] = set()
    for start in target:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node in target and node not in seen:
            seen.append(node)
            node = target.get(node)
        if node is not None and node in seen:
            in_cycle.update(seen[seen.index(node) :])
    return (~_isin(c["claim_id"], in_cycle)).rename("supersedes")


def _string_fields(t: Tables, table: str) -> list[str]:
    return [f["name"] for f in t.schemas[table]["fields"] if f["type"] == "string"]


def _no_formula(table: str) -> Callable[[Tables], pd.Series]:
    def check(t: Tables) -> pd.Series:
        text = t.text[table]
        fields = _string_fields(t, table)
        bad = _any_match(text, fields, FORMULA_RUST)
        return (~bad).rename("*")

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

    # the dtypes the frames have (text is pandas' string dtype): a mismatch would make pandera
    # look for the failing cells one by one
    dtypes = {"string": pa.String, "number": float, "integer": float, "date": object}
    columns = {
        f["name"]: pa.Column(
            dtypes.get(f["type"], pa.String), nullable=True, coerce=False, required=True
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
    # pandera lists a row failing a frame-wide check once per column: one Problem is enough
    cases = cases.astype({"check": str}).drop_duplicates(["check", "index"])
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
