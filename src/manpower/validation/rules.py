"""The semantic rules JSON Table Schema cannot express, run through pandera's polars backend.

Each rule is a function from the tables (polars frames) to a boolean Series over one table's rows
(True = the row passes). ``pandera_schema`` wraps them as pandera checks next to the column dtypes
derived from the Table Schema, so pandera runs them and reports the failing rows;
``check_semantics`` turns its failure cases back into :class:`~manpower.catalogue.Problem` records
with a fix for each rule. The frames are the ones the Table Schema layer read: nothing is read
twice and nothing goes through pandas.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from manpower import catalogue, grammar, text_numbers
from manpower.catalogue import Problem
from manpower.validation import text_rules as textrules
from manpower.validation.columnar import ROW
from manpower.validation.text_tables import parse_date

if TYPE_CHECKING:
    import polars as pl

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
# What Python's str.strip() strips, for polars' strip_chars.
PY_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
# A figure in plain ASCII digits (1234, 1,234) whose ASCII neighbours cannot make it part of a
# longer number in manpower.text_numbers' reading: start, a symbol, or a space after a non-digit
# before it; end, a non-digit, or a separator followed by a non-digit after it.
NUMBER_FAST = (
    r"(?:^|[!-+\-/:-@\[-^`{-~]|[!-/:-~] )([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:$|[!-+\-/:-~]|[., ](?:[!-/:-~]|$))"
)


@dataclass(frozen=True)
class Tables:
    """The four tables as typed frames, the raw text frames, and the schemas.

    Both frames of a table are polars frames with the same rows in the same order, and a ``ROW``
    column holding each row's number in the file (header = 1, first data row = 2).
    """

    typed: dict[str, pl.DataFrame]
    text: dict[str, pl.DataFrame]
    schemas: dict[str, dict[str, Any]]
    today: dt.date
    # lookups the messages of several failing rows share, built once
    memo: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Check:
    """How a catalogue rule (:class:`manpower.catalogue.Rule`) is checked on one column of one
    table: the id names the rule, whose texts are the catalogue's."""

    id: str  # an id of manpower.catalogue
    table: str
    field: str
    check: Callable[[Tables], pl.Series]
    # for a rule over every text field ("*"): which cell (field, text) of a failing row breaks it
    cell: Callable[[str, str], bool] | None = None
    # the parameters of the catalogue's message template, from a failing row's cells
    params: Callable[[dict[str, Any], Tables], dict[str, Any]] | None = None
    # for a rule over every field ("*"): where ``cell`` looks (default: the string fields)
    cell_fields: Callable[[Tables, str], list[str]] | None = None
    # for a rule across a row's cells: which field of a failing row (its cells) breaks it
    row_field: Callable[[dict[str, Any]], str] | None = None

    @property
    def description(self) -> str:
        return catalogue.RULES[self.id].summary

    @property
    def fix(self) -> str:
        return catalogue.RULES[self.id].fix


def semantic_frame(text: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """``text`` with number fields as Float64 and dates as Date (null when empty or unparsable).

    Not :func:`manpower.schema.typed_frame`: the rules compare integers as floats, keep text
    cells as read (no missing-value mapping) and never raise: the Table Schema layer reports the
    cells that do not parse.

    NaN becomes null, as pandas treated it: a rule sees a missing number either way.
    """
    import polars as pl

    exprs = []
    for field in schema["fields"]:
        name = field["name"]
        if name not in text.columns:
            continue
        col = pl.col(name)
        if field["type"] in ("number", "integer"):
            # only what the package's grammar calls a number: the Table Schema layer reports the
            # rest, and no rule reads ``1_000`` or ``NaN`` differently from manpower.load
            pattern = grammar.NUMBER if field["type"] == "number" else grammar.INTEGER
            number = pl.when(col.str.contains(pattern)).then(col.cast(pl.Float64, strict=False))
            exprs.append(number.fill_nan(None))
        elif field["type"] == "date":
            # dates repeat: parse each distinct cell once
            cells = text[name].unique().to_list()
            dates = {c: parse_date(c) for c in cells if c is not None}
            exprs.append(col.replace_strict(dates, default=None, return_dtype=pl.Date))
    return text.with_columns(exprs) if exprs else text


def _claims(t: Tables) -> pl.DataFrame:
    return t.typed["claims"]


def _ok(frame: pl.DataFrame, bad: pl.Expr, name: str) -> pl.Series:
    """True where ``bad`` is not true (null counts as not bad), as a Series named ``name``."""
    return frame.select((~bad.fill_null(False)).alias(name)).to_series()


def _flag(frame: pl.DataFrame, bad_positions: Any, name: str) -> pl.Series:
    import polars as pl

    ok = pl.repeat(True, frame.height, dtype=pl.Boolean, eager=True).alias(name)
    if len(bad_positions):
        ok = ok.scatter(sorted(set(bad_positions)), False)
    return ok


def _value_order(t: Tables) -> pl.Series:
    import polars as pl

    lo, val, hi = pl.col("value_low"), pl.col("value"), pl.col("value_high")
    return _ok(_claims(t), (lo > val) | (val > hi) | (lo > hi), "value")


def _bounds_breaker(cells: dict[str, Any]) -> str:
    """The value cell out of order in a row value-bounds fails: value_low when it exceeds value
    or value_high, else value (above value_high)."""
    lo, val, hi = (
        float(cells[f]) if grammar.is_number(cells[f] or "") else None for f in VALUE_FIELDS
    )
    if lo is not None and ((val is not None and lo > val) or (hi is not None and lo > hi)):
        return "value_low"
    return "value"


def _any_match(columns: list[str], pattern: str) -> pl.Expr:
    """Rows where any of ``columns`` matches ``pattern``."""
    import polars as pl

    if not columns:
        return pl.lit(False)
    return pl.any_horizontal(pl.col(columns).str.contains(pattern))


def _strip(name: str) -> pl.Expr:
    """The column as Python's str.strip() leaves it."""
    import polars as pl

    return pl.col(name).str.strip_chars(PY_WHITESPACE)


# A character Python's str.strip() keeps: a cell holds one unless strip() leaves it empty.
_NOT_WHITESPACE = "[^" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_WHITESPACE) + "]"


def _filled(name: str) -> pl.Expr:
    """Whether the column's cell is not empty after Python's str.strip() (null stays null).

    A search for one kept character: no stripped copy of a long text column is made.
    """
    import polars as pl

    return pl.col(name).str.contains(_NOT_WHITESPACE)


def _kind_fields(t: Tables) -> pl.Series:
    import polars as pl

    kind = pl.col("value_kind")
    present = {f: _filled(f) for f in VALUE_FIELDS}
    known = kind.is_in(list(KIND_FIELDS))
    ok = pl.lit(True)
    for f in VALUE_FIELDS:
        need = kind.replace_strict({k: v[f] for k, v in KIND_FIELDS.items()}, default=False)
        ok &= present[f] == need
    # interpreted (or an unknown kind the schema layer reports) needs any one value
    anything = present["value_low"] | present["value"] | present["value_high"]
    ok = pl.when(known).then(ok).otherwise((kind != "interpreted") | anything)
    return t.text["claims"].select(ok.alias("value_kind")).to_series()


def _metric_attr(t: Tables, attr: str) -> pl.Expr:
    """Each claim's metric's ``attr`` (the first metrics row with that id), null if none."""
    import polars as pl

    metrics = t.typed["metrics"].unique("metric_id", keep="first", maintain_order=True)
    if metrics.height == 0:
        return pl.lit(None, dtype=pl.String)
    mapping = dict(zip(metrics["metric_id"], metrics[attr], strict=True))
    return pl.col("metric_id").replace_strict(mapping, default=None, return_dtype=pl.String)


def _is_percent(t: Tables) -> pl.Expr:
    import polars as pl

    if t.typed["metrics"].height == 0:  # as before: the metric id stands in for the unit
        return pl.col("metric_id") == "percent"
    return _metric_attr(t, "unit") == "percent"


def _percent_range(t: Tables) -> pl.Series:
    import polars as pl

    out_of_range = pl.any_horizontal(
        [((pl.col(f) < 0) | (pl.col(f) > 100)).fill_null(False) for f in VALUE_FIELDS]
    )
    return _ok(_claims(t), _is_percent(t) & out_of_range, "value")


def _share_sum(t: Tables) -> pl.Series:
    import polars as pl

    keys = ["metric_id", "claimant_id", "source_id", "period_start", "period_end"]
    # only a breakdown into mutually exclusive categories adds up; shares of a metric with
    # counting_basis share may overlap (88% went AWOL, 86% were prosecuted)
    if t.typed["metrics"].height == 0:
        breakdown = _is_percent(t)
    else:
        breakdown = _metric_attr(t, "counting_basis") == "breakdown"
    shares = breakdown.fill_null(False) & (pl.col("category").fill_null("") != "")
    share = pl.col("value").fill_null(pl.col("value_low"))
    size = pl.len().over(keys)
    total = share.sum().over(keys)
    # polars orders NaN (inf + -inf) above every number: it must not count as over 100
    bad = (size > 1) & (total > 100 + catalogue.SHARE_ROUNDING * size) & ~total.is_nan()
    # the windows see only the shares: the other rows are never in a breakdown
    frame = _claims(t).with_row_index("_pos").filter(shares)
    positions = frame.filter(bad.fill_null(False))["_pos"].to_list()
    return _flag(_claims(t), positions, "value")


def _non_negative(t: Tables) -> pl.Series:
    import polars as pl

    bad = pl.any_horizontal([(pl.col(f) < 0).fill_null(False) for f in VALUE_FIELDS])
    return _ok(_claims(t), bad, "value")


def _finite(t: Tables) -> pl.Series:
    import polars as pl

    # "NaN" and "Infinity" are no numbers in the package's grammar (a type error); what is left
    # is a number too large for a float, such as 1e999
    infinite = pl.any_horizontal([pl.col(f).is_infinite().fill_null(False) for f in VALUE_FIELDS])
    return _ok(_claims(t), infinite, "value")


def _iso(t: Tables, table: str, field: str) -> pl.Series:
    """The text of the cells that are real dates, null elsewhere.

    A typed date comes only from a strict YYYY-MM-DD cell, so comparing these strings compares
    the dates, without building date objects for every row.
    """
    import polars as pl

    return (
        t.text[table]
        .select(pl.when(t.typed[table][field].is_not_null()).then(pl.col(field)))
        .to_series()
    )


def _period_order(t: Tables) -> pl.Series:
    start, end = _iso(t, "claims", "period_start"), _iso(t, "claims", "period_end")
    return (~(start > end).fill_null(False)).rename("period_start")


def _source_lookup(t: Tables, frame: pl.DataFrame, column: str) -> pl.Series:
    """Each claim's source's ``column`` in ``frame`` (the first row with that source_id)."""
    import polars as pl

    sources = frame.select("source_id", column).unique(
        "source_id", keep="first", maintain_order=True
    )
    mapping = dict(zip(sources["source_id"], sources[column], strict=True))
    return t.text["claims"]["source_id"].replace_strict(
        mapping, default=None, return_dtype=frame.schema[column] if frame.height else pl.String
    )


def _before_publication(t: Tables) -> pl.Series:
    published = _source_lookup(
        t, t.text["sources"].with_columns(_iso(t, "sources", "published_date")), "published_date"
    )
    end = _iso(t, "claims", "period_end")
    bad = (t.text["claims"]["value_kind"] != "forecast") & (end > published).fill_null(False)
    return (~bad).rename("period_end")


def _not_future(field: str, table: str = "claims") -> Callable[[Tables], pl.Series]:
    def check(t: Tables) -> pl.Series:
        import polars as pl

        frame = t.typed[table]
        bad = pl.col(field) > t.today
        if "value_kind" in frame.columns:
            bad &= pl.col("value_kind") != "forecast"
        return _ok(frame, bad, field)

    return check


def _real_date(field: str, table: str) -> Callable[[Tables], pl.Series]:
    def check(t: Tables) -> pl.Series:
        text = t.text[table].select(_strip(field)).to_series()
        # dates repeat: parse each distinct cell once
        unreal = [s for s in text.unique().to_list() if s and parse_date(s) is None]
        return (~text.is_in(unreal)).rename(field)

    return check


def _stated_fast(quotes: pl.Series, values: pl.DataFrame) -> pl.Series:
    """Rows whose every value surely appears in the quote, found with column expressions.

    Only a figure written in plain ASCII digits (1234 or 1,234), with ASCII context that cannot
    extend it into another number, counts here: wherever this says yes, ``numbers_in_text`` (in
    English) says yes too. Every other row is left to it, and so is a quote with a multiplier
    word ("77 thousand" states 77000, not 77).
    """
    import polars as pl

    from manpower.text_numbers import vocabulary

    scales = "|".join(sorted(vocabulary("en").multipliers, key=len, reverse=True))
    frame = values.select(pl.col(VALUE_FIELDS).cast(pl.Float64)).with_columns(
        quotes.fill_null("").alias("_quote")
    )
    found = pl.col("_quote").str.extract_all(NUMBER_FAST)
    numbers = found.list.eval(
        pl.element().str.extract(r"([0-9][0-9,]*)").str.replace_all(",", "").cast(pl.Float64)
    )
    ok = ~pl.col("_quote").str.contains(f"(?i:{scales})")
    for f in VALUE_FIELDS:
        ok &= pl.col(f).is_nan() | pl.col(f).is_null() | numbers.list.contains(pl.col(f))
    return frame.select(ok.fill_null(False).alias("ok")).to_series()


def _quote_states_value(t: Tables) -> pl.Series:
    import polars as pl

    # lazy, so that the rows checked are never copied out of the table
    c = (
        _claims(t)
        .lazy()
        .select("value_kind", "quote", *VALUE_FIELDS, "source_id")
        .with_row_index("_pos")
        .filter(pl.col("value_kind") != "interpreted")
    )
    # quotes repeat (several figures of one sentence, one figure in several claims): each
    # distinct (quote, values, source) is checked once, and the failing ones are mapped back to
    # rows; the source gives the language the quote is read in
    keys = ["quote", *VALUE_FIELDS, "source_id"]
    combos = c.select(keys).unique().collect()
    surely = (
        _stated_fast(combos["quote"], combos) if combos.height else pl.Series([], dtype=pl.Boolean)
    )
    languages = _languages(t)
    # the fast path reads English digits: a quote of another language reads through its own
    other = [sid for sid, tag in languages.items() if text_numbers.language_of(tag) != "en"]
    if other and combos.height:
        surely = surely & ~combos["source_id"].is_in(other).fill_null(False)
    read: dict[tuple[str, str], set[float]] = {}
    wrong = []
    for row in combos.filter(~surely).iter_rows():
        quote, language = str(row[0]), text_numbers.language_of(languages.get(row[-1]))
        stated = read.get((quote, language))
        if stated is None:
            stated = read[quote, language] = text_numbers.numbers_in_text(quote, language)
        for v in row[1:-1]:
            if (
                v is not None
                and not math.isnan(v)
                and not any(abs(s - v) <= 1e-9 * max(1.0, abs(v)) for s in stated)
            ):
                wrong.append(row)
                break
    if not wrong:
        return _flag(_claims(t), [], "quote")
    wrong_frame = pl.DataFrame(wrong, schema=combos.schema, orient="row")
    bad = c.join(wrong_frame.lazy(), on=keys, how="semi", nulls_equal=True).select("_pos")
    return _flag(_claims(t), bad.collect()["_pos"].to_list(), "quote")


def _languages(t: Tables) -> dict[str, str]:
    """Each source's language tag (the first row with that source_id)."""
    if "languages" not in t.memo:
        sources = t.text["sources"]
        if "language" not in sources.columns:
            t.memo["languages"] = {}
        else:
            first = sources.unique("source_id", keep="first", maintain_order=True)
            t.memo["languages"] = dict(
                zip(first["source_id"], first["language"].fill_null(""), strict=True)
            )
    return t.memo["languages"]


def _interpreted_note(t: Tables) -> pl.Series:
    import polars as pl

    bad = (pl.col("value_kind") == "interpreted") & ~_filled("notes")
    return _ok(t.text["claims"], bad, "notes")


def _cumulative_monotonic(t: Tables) -> pl.Series:
    import polars as pl

    c = _claims(t)
    if t.typed["metrics"].height == 0:
        return _flag(c, [], "value")
    keys = ["metric_id", "claimant_id", "_cat"]
    rep = pl.col("value").fill_null(pl.col("value_low")).fill_null(pl.col("value_high"))
    cumulative = (
        c.with_row_index("_pos")
        .with_columns(
            _metric_attr(t, "counting_basis").alias("_basis"),
            _iso(t, "claims", "period_end").alias("_end"),
            rep.alias("_rep"),
            pl.col("category").fill_null("").alias("_cat"),
        )
        .select("_pos", *keys, "_end", "_rep", "claim_id", "supersedes", "_basis")
        .filter((pl.col("_basis") == "cumulative") & pl.col("_end").is_not_null())
        .drop("_basis")
    )
    # A claim corrected by a claim about the same date (a relay's record revised between two
    # snapshots) no longer stands: it is out of the series, so that the revised figure does not
    # make every figure after it look like a fall. A claim "corrected" by one about another date
    # stays in: only the excuse below can explain a fall then.
    revised = (
        cumulative.filter(pl.col("supersedes").is_not_null())
        .select(*keys, "_end", pl.col("supersedes").alias("claim_id"))
        .unique()
    )
    cumulative = cumulative.join(revised, on=[*keys, "_end", "claim_id"], how="anti")
    if cumulative.height == 0:
        return _flag(c, [], "value")
    # Only a row with a higher figure on an earlier date can break the rule: find those groups
    # with column operations (the running maximum over earlier dates), then check them row by row.
    per_date = (
        cumulative.group_by([*keys, "_end"])
        .agg(pl.col("_rep").max().fill_null(-math.inf))
        .sort([*keys, "_end"])
        .with_columns(pl.col("_rep").cum_max().shift(1).over(keys).alias("_earlier"))
        .drop("_rep")
    )
    cumulative = cumulative.join(per_date, on=[*keys, "_end"], how="left")
    suspect = cumulative.filter((pl.col("_earlier") > pl.col("_rep")).fill_null(False))
    if suspect.height == 0:
        return _flag(c, [], "value")
    # A suspect row is excused only when the claim it supersedes is one of the higher earlier
    # figures of its series: a join on the superseded id, not a walk through the series (which
    # was quadratic in the length of a long series).
    superseded = cumulative.select(
        *keys,
        pl.col("claim_id").alias("supersedes"),
        pl.col("_end").alias("_end_before"),
        pl.col("_rep").alias("_rep_before"),
    )
    excused = suspect.join(superseded, on=[*keys, "supersedes"], nulls_equal=True).filter(
        (pl.col("_end_before") < pl.col("_end")) & (pl.col("_rep_before") > pl.col("_rep"))
    )
    bad = suspect.join(excused.select("_pos"), on="_pos", how="anti")["_pos"]
    return _flag(c, bad.to_list(), "value")


def _supersedes_acyclic(t: Tables) -> pl.Series:
    c = t.text["claims"]
    named = c.select("claim_id", "supersedes").filter(_filled("supersedes"))
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
    return (~c["claim_id"].is_in(list(in_cycle))).rename("supersedes")


def _stock_without_start(t: Tables) -> pl.Series:

    if t.typed["metrics"].height == 0:
        return _flag(_claims(t), [], "period_start")
    stock = _metric_attr(t, "counting_basis") == "stock"
    return _ok(t.text["claims"], stock & _filled("period_start"), "period_start")


def _undated_end(t: Tables) -> pl.Series:
    published = _source_lookup(
        t, t.text["sources"].with_columns(_iso(t, "sources", "published_date")), "published_date"
    )
    end = _iso(t, "claims", "period_end")
    undated = t.text["claims"]["date_precision"].str.strip_chars(PY_WHITESPACE) == "undated"
    # without a stated publication date, the latest possible date is argued in notes
    bad = undated & published.is_not_null() & (end != published).fill_null(True)
    return (~bad.fill_null(False)).rename("period_end")


def _kind_agrees_with_wording(t: Tables) -> pl.Series:
    import polars as pl

    from manpower.text_numbers import compatible, kind_from_wording, maybe_suspect, suspect

    c = (
        _claims(t)
        .with_row_index("_pos")
        .select("_pos", "value_kind", "quote", *VALUE_FIELDS, "source_id")
    )
    # only a quote with a qualifier of another kind can disagree: each kind's rows get a
    # literal search, then a regex on what it keeps, and the few rows left are checked one by one
    groups = c.partition_by("value_kind", as_dict=True, include_key=True)
    checked = ("exact", "approximate", "at_least", "more_than", "up_to", "less_than", "range")
    kept = [
        g.filter(maybe_suspect(k).fill_null(False)).filter(suspect(k).fill_null(False))
        for (k,), g in groups.items()
        if k in checked
    ]
    suspects = pl.concat(kept) if kept else c.clear()
    # quotes repeat (several figures of one sentence): read each distinct row once, in the
    # language of its source
    keys = ["value_kind", "quote", *VALUE_FIELDS, "source_id"]
    combos = suspects.select(keys).unique()
    languages = _languages(t)
    wrong = [
        row
        for row in combos.iter_rows()
        if any(
            v is not None
            and not math.isnan(v)
            and not compatible(row[0], kind_from_wording(row[1], v, languages.get(row[-1])))
            for v in row[2:-1]
        )
    ]
    if not wrong:
        return _flag(_claims(t), [], "value_kind")
    wrong_frame = pl.DataFrame(wrong, schema=combos.schema, orient="row")
    bad = suspects.join(wrong_frame, on=keys, how="semi", nulls_equal=True)["_pos"].to_list()
    return _flag(_claims(t), bad, "value_kind")


def _string_fields(t: Tables, table: str) -> list[str]:
    return [f["name"] for f in t.schemas[table]["fields"] if f["type"] == "string"]


def _no_formula(table: str) -> Callable[[Tables], pl.Series]:
    def check(t: Tables) -> pl.Series:
        bad = _any_match(_string_fields(t, table), textrules.FORMULA_RUST)
        return _ok(t.text[table], bad, "*")

    return check


def _no_control(table: str) -> Callable[[Tables], pl.Series]:
    def check(t: Tables) -> pl.Series:
        bad = _any_match(_string_fields(t, table), textrules.CONTROL_RUST)
        return _ok(t.text[table], bad, "*")

    return check


def _visible(table: str) -> Callable[[Tables], pl.Series]:
    def check(t: Tables) -> pl.Series:
        import polars as pl

        # optional cells too: a cell of U+200B is not empty, and not text either. An empty
        # cell is fine here (a required one is the Table Schema layer's "required" error).
        fields = _string_fields(t, table)
        blank = [
            (pl.col(f) != "") & ~pl.col(f).str.contains(textrules.VISIBLE_RUST) for f in fields
        ]
        bad = pl.any_horizontal(blank) if blank else pl.lit(False)
        return _ok(t.text[table], bad, "*")

    return check


def _date_fields(t: Tables, table: str) -> list[str]:
    return [f["name"] for f in t.schemas[table]["fields"] if f["type"] == "date"]


def _date_in_range(table: str) -> Callable[[Tables], pl.Series]:
    """Every date field of the table's schema (not a list kept by hand) holds a date in range."""

    def check(t: Tables) -> pl.Series:
        import polars as pl

        from manpower.limits import DATE_MAX, DATE_MIN

        fields = [f for f in _date_fields(t, table) if f in t.typed[table].columns]
        outside = [(pl.col(f) < DATE_MIN) | (pl.col(f) > DATE_MAX) for f in fields]
        bad = pl.any_horizontal(outside) if outside else pl.lit(False)
        return _ok(t.typed[table], bad, "*")

    return check


def _outside_range(_field: str, text: str) -> bool:
    from manpower.limits import DATE_MAX, DATE_MIN

    day = parse_date(text.strip())
    return day is not None and not DATE_MIN <= day <= DATE_MAX


def _value_fields(_t: Tables, _table: str) -> list[str]:
    return list(VALUE_FIELDS)


def _checks() -> list[Check]:
    rules = [
        # named by the cell that breaks the order (value_low=60000 above value_high=50000 is
        # column value_low), as finite and non-negative are
        Check(
            catalogue.VALUE_BOUNDS,
            "claims",
            "value",
            _value_order,
            params=_stated,
            row_field=_bounds_breaker,
        ),
        Check(catalogue.VALUE_KIND_FIELDS, "claims", "value_kind", _kind_fields, params=_stated),
        Check(catalogue.PERCENT_RANGE, "claims", "value", _percent_range),
        Check(catalogue.SHARE_SUM, "claims", "value", _share_sum),
        # named by the cell that breaks them (value_low=1e309 is column value_low, not value)
        Check(
            catalogue.NON_NEGATIVE,
            "claims",
            "*",
            _non_negative,
            lambda _field, text: grammar.is_number(text) and float(text) < 0,
            cell_fields=_value_fields,
        ),
        Check(
            catalogue.FINITE,
            "claims",
            "*",
            _finite,
            lambda _field, text: grammar.is_number(text) and math.isinf(float(text)),
            cell_fields=_value_fields,
        ),
        Check(catalogue.PERIOD_ORDER, "claims", "period_start", _period_order),
        Check(
            catalogue.PERIOD_AFTER_PUBLICATION,
            "claims",
            "period_end",
            _before_publication,
            params=_period_and_publication,
        ),
        Check(catalogue.FUTURE_DATE, "claims", "period_end", _not_future("period_end")),
        Check(catalogue.FUTURE_DATE, "claims", "period_start", _not_future("period_start")),
        Check(
            catalogue.FUTURE_DATE,
            "sources",
            "published_date",
            _not_future("published_date", "sources"),
        ),
        Check(catalogue.QUOTE_STATES_VALUE, "claims", "quote", _quote_states_value, params=_stated),
        Check(catalogue.INTERPRETED_NEEDS_NOTE, "claims", "notes", _interpreted_note),
        Check(catalogue.CUMULATIVE_MONOTONIC, "claims", "value", _cumulative_monotonic),
        Check(catalogue.SUPERSEDES_CYCLE, "claims", "supersedes", _supersedes_acyclic),
        Check(catalogue.STOCK_NO_START, "claims", "period_start", _stock_without_start),
        Check(catalogue.UNDATED_PERIOD_END, "claims", "period_end", _undated_end),
        Check(
            catalogue.VALUE_KIND_WORDING,
            "claims",
            "value_kind",
            _kind_agrees_with_wording,
            params=_stated_and_wording,
        ),
    ]
    for table, field in (
        ("claims", "period_start"),
        ("claims", "period_end"),
        ("sources", "published_date"),
    ):
        rules.append(Check(catalogue.REAL_DATE, table, field, _real_date(field, table)))
    return rules


@functools.cache
def _text_rules(table: str) -> tuple[Check, ...]:
    """The rules every table has, on the fields its schema names (its date fields, and each of
    its string fields: :func:`_string_fields`), so a new table or column needs no list."""
    return (
        Check(
            catalogue.DATE_RANGE,
            table,
            "*",
            _date_in_range(table),
            _outside_range,
            cell_fields=_date_fields,
        ),
        Check(
            catalogue.SPREADSHEET_FORMULA,
            table,
            "*",
            _no_formula(table),
            lambda _field, text: textrules.starts_like_formula(text),
        ),
        Check(
            catalogue.CONTROL_CHARACTER,
            table,
            "*",
            _no_control(table),
            lambda _field, text: textrules.has_control(text),
        ),
        Check(
            catalogue.INVISIBLE_TEXT,
            table,
            "*",
            _visible(table),
            lambda _field, text: text != "" and not textrules.has_visible(text),
        ),
    )


def table_checks(table: str) -> list[Check]:
    """The rules of one table, in the order of its pandera checks (pandera's check_number)."""
    return [rule for rule in CHECKS if rule.table == table] + list(_text_rules(table))


def column_dtype(field_type: str) -> Any:
    """The polars dtype :func:`typed_frame` gives a Table Schema field type (also the dtype of
    ``manpower.schemas``, for data users)."""
    import polars as pl

    return {"number": pl.Float64, "integer": pl.Float64, "date": pl.Date}.get(field_type, pl.String)


def pandera_schema(table: str, schema: dict[str, Any], tables: Tables) -> Any:
    """The pandera schema of one table: dtypes from the Table Schema plus its semantic checks.

    Each rule is a check named by its rule id on the row-number column (``ROW``): pandera's
    failure cases of a check are then the numbers of the rows that break it. A check computes
    its boolean column from :class:`Tables` rather than from pandera's frame alone, because
    most rules compare the text as written with the typed values (pandera's frame holds only
    the typed ones) and several read other tables (the metric's unit, the source's publication
    date, earlier figures of a claimant); the frame pandera validates is ``tables.typed[table]``.
    """
    import pandera.polars as pa
    import polars as pl

    columns = {
        f["name"]: pa.Column(column_dtype(f["type"]), nullable=True, coerce=False, required=True)
        for f in schema["fields"]
    }

    def check(rule: Check) -> Callable[[Any], pl.LazyFrame]:
        return lambda _data: rule.check(tables).alias("check_output").to_frame().lazy()

    checks = [pa.Check(check(rule), name=rule.id) for rule in table_checks(table)]
    columns[ROW] = pa.Column(pl.Int64, checks=checks, nullable=True, required=True)
    return pa.DataFrameSchema(columns, strict=False)


def check_semantics(tables: Tables, unlisted: dict[str, int] | None = None) -> list[Problem]:
    """Run every rule through pandera and return one Problem per failing row and rule.

    Only the first MAX_PROBLEMS_PER_RULE failing rows of a rule become Problems; the others are
    counted in ``unlisted`` (rule -> count).
    """
    import pandera.errors as pe

    problems: list[Problem] = []
    for table in tables.typed:  # every table read, each with at least the text rules
        frame = tables.typed[table]
        schema = pandera_schema(table, tables.schemas[table], tables)
        try:
            schema.validate(frame, lazy=True)
        except pe.SchemaErrors as exc:
            problems.extend(_problems(table, exc.failure_cases, tables, unlisted))
    return sorted(set(problems), key=lambda p: (p.table, p.row or 0, p.rule, p.field or ""))


def _problems(
    table: str, cases: pl.DataFrame, tables: Tables, unlisted: dict[str, int] | None = None
) -> list[Problem]:
    """The Problems of pandera's failure cases of one table's checks.

    A case of a rule's check is the number of a failing row (the check is on ``ROW``) and its
    ``check_number`` the rule's place in :func:`table_checks`; other cases (a column's dtype)
    are the Table Schema layer's to report.
    """
    import polars as pl

    from manpower import limits

    rules = table_checks(table)
    cases = (
        cases.filter(
            (pl.col("column") == ROW) & pl.col("check").cast(pl.String).is_in(list(catalogue.RULES))
        )
        .select(
            pl.col("check_number").alias("__check"),
            pl.col("failure_case").cast(pl.Int64).alias(ROW),
        )
        .unique(maintain_order=True)
        .sort("__check", ROW)
        # the first rows of each rule become Problems, the others are only counted
        .with_columns(pl.int_range(pl.len()).over("__check").alias("__n"))
    )
    if unlisted is not None:
        for check, extra in (
            cases.filter(pl.col("__n") >= limits.MAX_PROBLEMS_PER_RULE)
            .group_by("__check")
            .len()
            .iter_rows()
        ):
            rule_id = rules[check].id
            unlisted[rule_id] = unlisted.get(rule_id, 0) + extra
    listed = cases.filter(pl.col("__n") < limits.MAX_PROBLEMS_PER_RULE).drop("__n")
    listed = listed.join(tables.text[table], on=ROW, how="left", maintain_order="left")
    out: list[Problem] = []
    for cells in listed.iter_rows(named=True):
        rule = rules[cells.pop("__check")]
        field = rule.field
        if rule.row_field is not None:
            field = rule.row_field(cells)
        elif field == "*" and rule.cell is not None:
            fields = (rule.cell_fields or _string_fields)(tables, table)
            field = next((f for f in fields if rule.cell(f, cells[f] or "")), fields[0])
        value = cells.get(field)
        if table == "claims" and field == "value" and rule.row_field is None:
            value = _values(cells)
        message = rule.description
        if rule.params is not None:
            message = catalogue.message(rule.id, **rule.params(cells, tables))
        out.append(
            Problem(
                table=table,
                row=cells[ROW],
                field=field,
                value=value,
                rule=rule.id,
                message=message,
                fix=rule.fix,
            )
        )
    return out


def _published(t: Tables) -> dict[str, Any]:
    """Each source's publication date (the first row with that source_id)."""
    if "published" not in t.memo:
        sources = t.typed["sources"].unique("source_id", keep="first", maintain_order=True)
        t.memo["published"] = dict(
            zip(sources["source_id"], sources["published_date"], strict=True)
        )
    return t.memo["published"]


def _stated(cells: dict[str, Any], _t: Tables) -> dict[str, Any]:
    """How a claim states its figure, for a message: ``range: value_low=1, value_high=2``."""
    return {"value_kind": cells["value_kind"], "values": _values(cells)}


def _stated_and_wording(cells: dict[str, Any], t: Tables) -> dict[str, Any]:
    return {**_stated(cells, t), "wording": _wording(cells, _languages(t).get(cells["source_id"]))}


def _period_and_publication(cells: dict[str, Any], t: Tables) -> dict[str, Any]:
    return {
        "period_end": cells["period_end"],
        "published": _published(t).get(cells["source_id"]),
    }


def _values(row: dict[str, Any]) -> str:
    return ", ".join(f"{f}={row[f]}" for f in VALUE_FIELDS if row[f].strip()) or "no value"


def _wording(row: dict[str, Any], language: str | None = None) -> str:
    from manpower.text_numbers import kind_from_wording

    kinds = []
    for f in VALUE_FIELDS:
        try:
            kind = kind_from_wording(row["quote"], float(row[f]), language)
        except ValueError:
            continue
        if kind and kind not in kinds:
            kinds.append(kind)
    return ", ".join(kinds) or "no kind"


# built last: the rules name the message helpers above
CHECKS: list[Check] = _checks()
