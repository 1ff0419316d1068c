"""The Table Schemas as a small typed model, and the one meaning of a typed cell.

``schemas/*.schema.json`` are the single source of truth for table structure; every module that
needs a table's fields, keys or missing values asks :func:`load_schemas` (the working tree) or
:meth:`TableSchema.from_dict` (a schema inside a package or release) rather than reading the
JSON itself, so that a key, a default or a true value cannot mean two things in two places.
Defaults are the Table Schema specification's: ``missingValues`` ``[""]``, ``trueValues``
``["true", "True", "TRUE", "1"]``, ``falseValues`` ``["false", "False", "FALSE", "0"]``, no
primary key when none is declared.

A typed cell means the same in every engine: numbers and integers follow the package's number
grammar and dates its date grammar (:mod:`manpower.grammar`), booleans are exactly the field's
true and false values, and a missing value is null. :func:`typed_frame` (polars: exports, the
validate extra) and :func:`typed_pandas` (pandas: ``manpower.load``, which must work with the
light core, where polars is not installed) apply that meaning; a test holds them to the same
values.

This module imports no data-frame library at import time: ``manpower --help`` and the light core
import it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from manpower import grammar
from manpower.errors import ManpowerError
from manpower.paths import OPTIONAL_TABLES, TABLES, read_json, schema_path

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

MISSING_VALUES: tuple[str, ...] = ("",)
TRUE_VALUES: tuple[str, ...] = ("true", "True", "TRUE", "1")
FALSE_VALUES: tuple[str, ...] = ("false", "False", "FALSE", "0")
# Types read as whole numbers. "year" is an integer with a four-digit lexical form.
INTEGER_TYPES = ("integer", "year")


def names(value: Any) -> tuple[str, ...]:
    """The field names of a key as the spec writes it: one name, or a list of names."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def primary_key(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The primary key a schema descriptor declares (empty when it declares none).

    The one reader of ``primaryKey``; it takes the raw descriptor so that the validators, which
    meet schemas that may be malformed, read the key the same way as everything else.
    """
    return names(data.get("primaryKey"))


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "any"
    format: str | None = None
    title: str = ""
    description: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    # as the spec writes them: a number, or for a date field a date in the field's format
    minimum: float | str | None = None
    maximum: float | str | None = None
    true_values: tuple[str, ...] = TRUE_VALUES
    false_values: tuple[str, ...] = FALSE_VALUES
    # the descriptor as written, for writers that copy it (the derived table's schema)
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Field:
        c = data.get("constraints") or {}
        enum = c.get("enum")
        return cls(
            name=data["name"],
            type=data.get("type") or "any",
            format=data.get("format"),
            title=data.get("title") or "",
            description=data.get("description") or "",
            required=bool(c.get("required")),
            unique=bool(c.get("unique")),
            enum=None if enum is None else tuple(enum),
            pattern=c.get("pattern"),
            min_length=c.get("minLength"),
            max_length=c.get("maxLength"),
            minimum=c.get("minimum"),
            maximum=c.get("maximum"),
            true_values=tuple(data.get("trueValues", TRUE_VALUES)),
            false_values=tuple(data.get("falseValues", FALSE_VALUES)),
            data=data,
        )


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str  # the referenced table; a key into the same table (supersedes) names its own
    reference: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    name: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    missing_values: tuple[str, ...] = MISSING_VALUES
    title: str = ""
    description: str = ""
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> TableSchema:
        foreign = tuple(
            ForeignKey(
                fields=names(fk["fields"]),
                table=fk["reference"].get("resource") or name,
                reference=names(fk["reference"]["fields"]),
            )
            for fk in data.get("foreignKeys", [])
        )
        return cls(
            name=name,
            fields=tuple(Field.from_dict(f) for f in data.get("fields", [])),
            primary_key=primary_key(data),
            foreign_keys=foreign,
            unique_keys=tuple(names(k) for k in data.get("uniqueKeys", [])),
            missing_values=tuple(data.get("missingValues", MISSING_VALUES)),
            title=data.get("title") or "",
            description=data.get("description") or "",
            data=data,
        )

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no field {name!r}")


def load_schemas(root: Path) -> dict[str, TableSchema]:
    """The curated tables' schemas from ``root/schemas``, in TABLES order.

    An optional table (one that packages made before it existed lack) is left out when its
    schema file is absent; any other missing schema is an error.
    """
    return {
        table: TableSchema.from_dict(table, read_json(schema_path(root, table)))
        for table in TABLES
        if table not in OPTIONAL_TABLES or schema_path(root, table).is_file()
    }


# --- reading a package's tables ----------------------------------------------------------------


def read_rows(
    path: Path, columns: Sequence[str] = (), *, fields: int | None = None
) -> list[dict[str, str]]:
    """A table of a package as rows of text, with the standard library only (the light core's
    reader: ``manpower show`` and the datasheet read the tables without polars).

    A header lacking one of ``columns`` (a renamed ``metric_id``) is refused in one line rather
    than read as empty cells or a KeyError later. A header wider than the schema's ``fields``
    (by default ``columns``, all of the schema's fields) allows is refused before any row is
    read (:func:`manpower.table_header.check_width`)."""
    from manpower.table_header import check_width

    check_width(path, fields if fields is not None else (len(columns) or None))
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise ManpowerError(
                    f"{path.name}: the header has no column {', '.join(map(repr, missing))}; "
                    "run `manpower validate` to see what is wrong with the table"
                )
            return [dict(row) for row in reader]
    except FileNotFoundError:
        raise ManpowerError(f"{path}: file not found") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ManpowerError(f"{path}: cannot be read as a UTF-8 CSV table ({exc})") from None


def read_text(path: Path, fields: int | None = None) -> pl.DataFrame:
    """A table of a package as a polars frame of text, every cell as written (an empty cell is
    an empty string), so that cells compare as the file holds them; typing is
    :func:`typed_frame`'s. For files already in a package: contributors' files and the
    validators' hostile input have their own strict readers. A header wider than ``fields``
    (the schema's; ``None``: unknown) allows is refused before any row is read."""
    import polars as pl

    from manpower.table_header import check_width

    check_width(path, fields)

    try:
        # glob=False: a folder named "my*repo" or "c[1]" is a path, not a pattern (issue 22)
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8", glob=False)
    except FileNotFoundError:
        raise ManpowerError(f"{path.name}: file not found in the package") from None
    except pl.exceptions.PolarsError as exc:
        raise ManpowerError(f"{path.name}: cannot be read as CSV ({exc})") from None
    return frame.with_columns(pl.all().fill_null(""))


# --- typed frames --------------------------------------------------------------------------------


def _dates(cells: Iterable[str | None], fmt: str | None) -> dict[str, dt.date | None]:
    """Each distinct cell parsed once: dates repeat, and parsing is the slow part."""
    out: dict[str, dt.date | None] = {}
    for cell in cells:
        if cell is None or cell in out:
            continue
        if fmt is None:
            out[cell] = grammar.parse_date(cell)
        else:
            try:
                out[cell] = dt.datetime.strptime(cell, fmt).date()
            except ValueError:
                out[cell] = None
    return out


def _date_format(spec: Field) -> str | None:
    """A date field's strptime pattern; None for the package's date grammar, which the spec's
    ``default`` (ISO) and ``any`` get (no reader of the exports agrees on "any" other form)."""
    return None if spec.format in (None, "default", "any") else spec.format


def _booleans(spec: Field) -> dict[str, bool]:
    return {**dict.fromkeys(spec.false_values, False), **dict.fromkeys(spec.true_values, True)}


def _bad_cell(table: TableSchema, spec: Field, row: int, cell: str) -> ManpowerError:
    # row as in a spreadsheet and in validate: the header is row 1
    return ManpowerError(
        f"row {row + 2}, column {spec.name}: {cell!r} is not a {spec.type} (table {table.name})"
    )


def _present(col: pl.Expr, missing: tuple[str, ...]) -> pl.Expr:
    """Cells that are not missing (null where the cell is null, which ``when`` takes as false)."""
    if missing == ("",):  # the package's own and the spec's default: a length test is cheapest
        return col.str.len_bytes() > 0
    return ~col.is_in(list(missing))


def typed_frame(text: pl.DataFrame, table: TableSchema, *, strict: bool = True) -> pl.DataFrame:
    """``text`` (all cells text) with each schema field typed as the Table Schema means it.

    numbers Float64, integers and years Int64, booleans Boolean (the field's true and false
    values, nothing else), dates Date, datetimes Datetime; a missing value (``missingValues``)
    is null in every column, text included. Columns that are not schema fields (a row number)
    pass through. A cell that is neither missing nor of its type raises a
    :class:`~manpower.errors.ManpowerError` naming it; with ``strict=False`` it becomes null
    instead (the semantic layer, whose Table Schema layer reports such cells itself).
    """
    import polars as pl

    exprs, checks = [], []
    typed: pl.Expr
    for spec in table.fields:
        name = spec.name
        if name not in text.columns:
            continue
        col = pl.col(name)
        present = _present(col, table.missing_values)
        cell = pl.when(present).then(col)
        if spec.type == "number":
            typed = pl.when(cell.str.contains(grammar.NUMBER)).then(
                cell.cast(pl.Float64, strict=False)
            )
        elif spec.type in INTEGER_TYPES:
            typed = pl.when(cell.str.contains(grammar.INTEGER)).then(
                cell.cast(pl.Int64, strict=False)
            )
        elif spec.type == "boolean":
            typed = cell.replace_strict(_booleans(spec), default=None, return_dtype=pl.Boolean)
        elif spec.type == "date":
            dates = _dates(text[name].unique().to_list(), _date_format(spec))
            typed = cell.replace_strict(dates, default=None, return_dtype=pl.Date)
        elif spec.type == "datetime":
            typed = cell.str.to_datetime(strict=False)
        else:
            exprs.append(cell.alias(name))
            continue
        exprs.append(typed.alias(name))
        if strict:
            checks.append((spec, present & typed.is_null()))
    if strict and checks:
        bad = text.select(pl.any_horizontal(b for _, b in checks).arg_true().first()).item()
        if bad is not None:
            row = text.row(bad, named=True)
            for spec, flag in checks:
                if text[bad : bad + 1].select(flag).item():
                    raise _bad_cell(table, spec, bad, row[spec.name])
    return text.with_columns(exprs) if exprs else text


def typed_pandas(text: pd.DataFrame, table: TableSchema) -> pd.DataFrame:
    """:func:`typed_frame` for pandas, with the same meaning, for ``manpower.load``.

    numbers float64, integers and years Int64, booleans boolean, dates datetime64, text as
    strings; a missing value is missing. A cell that is not of its type raises.
    """
    import pandas as pd

    frame = text.copy()
    for spec in table.fields:
        name = spec.name
        if name not in frame.columns:
            continue
        column = frame[name]
        present = column.notna() & ~column.isin(list(table.missing_values))
        cells = column.where(present)
        if spec.type == "number":
            ok = cells.str.fullmatch(grammar.NUMBER)
            typed = pd.to_numeric(cells.where(ok)).astype("float64")
        elif spec.type in INTEGER_TYPES:
            ok = cells.str.fullmatch(grammar.INTEGER)
            typed = pd.to_numeric(cells.where(ok)).astype("Int64")
        elif spec.type == "boolean":
            typed = cells.map(_booleans(spec)).astype("boolean")
        elif spec.type == "date":
            fmt = _date_format(spec)
            dates = _dates(cells.dropna().unique(), fmt)
            ok = cells.isin([c for c, d in dates.items() if d is not None])
            # every cell left has parsed already: the format only converts them
            typed = pd.to_datetime(cells.where(ok), format=fmt or "%Y-%m-%d")
        elif spec.type == "datetime":
            typed = pd.to_datetime(cells, format="ISO8601", errors="coerce")
        else:
            frame[name] = cells
            continue
        bad = present & typed.isna()
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            raise _bad_cell(table, spec, position, column.iloc[position])
        frame[name] = typed
    return frame
