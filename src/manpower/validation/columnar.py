"""The Table Schema layer as column expressions: frictionless's checks, vectorised with polars.

Each CSV is read once, every column as text (so that no bad cell is lost to type inference), by
pyarrow's multi-threaded reader; the checks are then generated from the Table Schema as polars
expressions and report errors in frictionless's shape and words (type, row number, field, cell,
note). frictionless stays the reference, in the tests only: ``tests/data/test_parity.py`` runs it
(``tests/parity/oracle.py``) and this engine on a corpus of broken packages and asserts they find
the same (row, field, error type).

Where frictionless's semantics are subtle they are followed on purpose:

- numbers and dates follow the package's own grammar (:mod:`manpower.grammar`), which is
  stricter than frictionless's (``decimal.Decimal`` after ``strip()`` takes ``1_000``, ``５``,
  ``NaN``; ``strptime`` takes ``2024-7-1``): the parity oracle adds the same check on top
  (``tests/parity/oracle.py``), so both report the same type errors;
- constraints are checked only on cells that parsed; a blank row replaces its cell errors;
- unique and primary-key errors name the previous row with the same value;
- with the default ``fieldsMatch: exact`` header labels pair with fields by position: a missing
  label drops its field from the rows, an extra label adds an untyped column.

A table whose rows do not all have the header's number of cells is parsed again with the csv
module (rare, and only for broken files) so that missing and extra cells are reported per row.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from manpower import catalogue, grammar, limits
from manpower.catalogue import Problem
from manpower.limits import excerpt
from manpower.schema import primary_key
from manpower.table_header import TooWide, column_limit, read_header, too_wide_message

if TYPE_CHECKING:
    import polars as pl

ROW = "__row__"
# The order frictionless checks constraints in, per field type.
CONSTRAINT_ORDER = (
    "required",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "enum",
)


@dataclass
class Table:
    """One resource as read: its labels, its cells as text (null = missing cell), its errors."""

    name: str
    schema: dict[str, Any]
    labels: list[str]
    fields: list[dict[str, Any]]  # the expected fields, one per label that has a field
    frame: pl.DataFrame | None  # text columns named after ``fields`` plus ROW
    problems: list[tuple[int, int, Problem]]  # (row, order, problem)
    rows: int = 0
    reusable: bool = False  # every row had the header's cells: the frame is the file as text
    # Memory follows the table, not the error count: each check builds the Problems of its
    # first MAX_PROBLEMS_PER_RULE rows (enough for the first of each rule in row order) and
    # counts the others here (rule -> count).
    unlisted: dict[str, int] = dataclasses.field(default_factory=dict)
    listed: dict[tuple[Any, ...], int] = dataclasses.field(default_factory=dict)  # per check

    def add(
        self, check: tuple[Any, ...], row: int, order: int, make: Callable[..., Problem]
    ) -> None:
        """Keep the problem ``make`` builds, or only count it when ``check`` has listed enough.

        ``check`` names one loop that meets its rows in row order (its first item is the rule).
        """
        listed = self.listed.get(check, 0)
        if listed >= limits.MAX_PROBLEMS_PER_RULE:
            self.unlisted[check[0]] = self.unlisted.get(check[0], 0) + 1
            return
        self.listed[check] = listed + 1
        self.problems.append((row, order, make()))

    def first(self, rule: str, frame: pl.DataFrame) -> pl.DataFrame:
        """The first MAX_PROBLEMS_PER_RULE rows of ``frame`` (by row number); the rest counted."""
        extra = frame.height - limits.MAX_PROBLEMS_PER_RULE
        if extra <= 0:
            return frame.sort(ROW)
        self.unlisted[rule] = self.unlisted.get(rule, 0) + extra
        return frame.sort(ROW).head(limits.MAX_PROBLEMS_PER_RULE)


def _problem(
    table: str,
    row: int | None,
    field: str | None,
    cell: Any,
    rule: str,
    msg: str,
    params: dict[str, Any] | None = None,
) -> Problem:
    """A Problem whose ``params`` are what its note was made of (for the plain-words variants)."""
    return Problem(
        table=table,
        row=row,
        field=field,
        value=None if cell is None else str(cell),
        rule=rule,
        message=msg,
        fix=catalogue.fix(rule),
        layer="schema",
        params=params,
    )


def check_package(
    root: Path, descriptor: dict[str, Any], schemas: dict[str, dict[str, Any]]
) -> tuple[list[Problem], dict[str, int], dict[str, Table]]:
    """Validate every tabular resource; returns the problems in frictionless's order and rows."""
    tables: dict[str, Table] = {}
    for resource in descriptor.get("resources", []):
        name = resource["name"]
        tables[name] = read_table(name, root / resource["path"], schemas[name])
    for table in tables.values():
        if table.frame is not None:
            _check_cells(table)
            _check_integrity(table, tables)
    for resource in descriptor.get("resources", []):
        table = tables[resource["name"]]
        if table.frame is not None:
            _check_stats(table, resource, root / resource["path"])
    problems: list[Problem] = []
    rows: dict[str, int] = {}
    for name, table in tables.items():
        rows[name] = table.rows
        ordered = sorted(table.problems, key=lambda t: (t[0], t[1]))
        problems.extend(p for _, _, p in ordered)
    return problems, rows, tables


def _check_stats(table: Table, resource: dict[str, Any], path: Path) -> None:
    """frictionless's hash-count, byte-count and row-count: the file is the one the descriptor
    describes (a published package whose CSV was edited afterwards is not)."""
    import hashlib

    checks: list[tuple[str, Any, Any]] = []
    expected_hash = resource.get("hash")
    if expected_hash:
        algorithm, _, digest = str(expected_hash).rpartition(":")
        algorithm = algorithm or "md5"  # Data Package v1: a bare hash is MD5
        if algorithm in ("md5", "sha256"):
            with path.open("rb") as handle:
                actual = hashlib.file_digest(handle, algorithm).hexdigest()
            checks.append((catalogue.HASH_COUNT, digest, actual))
    if resource.get("bytes"):
        checks.append((catalogue.BYTE_COUNT, resource["bytes"], path.stat().st_size))
    if resource.get("rows"):
        checks.append((catalogue.ROW_COUNT, resource["rows"], table.rows))
    for order, (rule, expected, actual) in enumerate(checks):
        if expected != actual:
            note = f'expected is "{expected}" and actual is "{actual}"'
            table.problems.append(
                (10**12, order, _problem(table.name, None, None, None, rule, note))
            )


# Reading


def read_table(name: str, path: Path, schema: dict[str, Any]) -> Table:
    import polars as pl
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = Table(name, schema, [], [], None, [])
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            table.labels = read_header(handle, column_limit(len(schema["fields"])))
    except OSError as exc:
        table.problems.append(
            (0, 0, _problem(name, None, None, None, catalogue.SCHEME_ERROR, str(exc)))
        )
        return table
    except UnicodeDecodeError:
        return _encoding_error(table, path)
    except csv.Error as exc:  # a header label over the csv module's 131,072 characters
        table.problems.append(
            (0, 0, _problem(name, None, None, None, catalogue.SOURCE_ERROR, f"header: {exc}"))
        )
        return table
    except TooWide:
        note = too_wide_message(len(schema["fields"]))
        problem = _problem(name, None, None, None, catalogue.TABLE_TOO_WIDE, note)
        table.problems.append((0, 0, dataclasses.replace(problem, layer="package")))
        return table
    _check_header(table)
    width = len(table.labels)
    ragged = False

    def invalid(_row: Any) -> str:
        nonlocal ragged
        ragged = True
        return "skip"

    arrow = None
    if width:
        try:
            # pyarrow checks UTF-8 itself, skips a BOM, and parses on all cores
            arrow = pacsv.read_csv(
                str(path),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={f"f{i}": pa.string() for i in range(width)},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid:
            ragged = True
    text = ""
    if arrow is None or ragged:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            return _encoding_error(table, path)
    names = _column_names(table)
    if arrow is not None and not ragged:
        frame = pl.from_arrow(arrow.slice(1))
        assert isinstance(frame, pl.DataFrame)
        # polars keeps the text buffers and drops the rest: give the reader's scratch memory
        # back to the system, so that the checks reuse it rather than add to the peak
        del arrow
        pa.default_memory_pool().release_unused()
        frame = frame.select(
            [pl.col(f"f{i}").alias(n) for i, n in enumerate(names)]
        ).with_row_index(ROW, offset=2)
        table.reusable = True
    else:
        frame = _read_ragged(table, text, names)
    table.frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
    table.rows = table.frame.height
    return table


def _encoding_error(table: Table, path: Path) -> Table:
    """frictionless's encoding-error: one per table, and no rows checked."""
    table.problems.clear()
    try:
        path.read_bytes().decode("utf-8")
        note = "the file cannot be decoded as UTF-8"
    except UnicodeDecodeError as exc:
        note = str(exc)
    table.problems.append(
        (0, 0, _problem(table.name, None, None, None, catalogue.ENCODING_ERROR, note))
    )
    return table


def _column_names(table: Table) -> list[str]:
    """Unique column names for the labels: the paired field's name, else the label."""
    out: list[str] = []
    for i, label in enumerate(table.labels):
        name = table.fields[i]["name"] if i < len(table.fields) else (label or f"field{i + 1}")
        while name in out:
            name += "_"
        out.append(name)
    return out


def _read_ragged(table: Table, text: str, names: list[str]) -> pl.DataFrame:
    import polars as pl

    width = len(names)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    numbers: list[int] = []
    with limits.csv_field_limit():
        rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    for number, cells in enumerate(rows, start=2):
        numbers.append(number)
        for i in range(width):
            columns[i].append(cells[i] if i < len(cells) else None)
        if len(cells) > width:
            for pos, cell in enumerate(cells[width:], start=width + 1):
                msg = f'Row at position "{number}" has an extra value in field at position "{pos}"'
                table.add(
                    (catalogue.EXTRA_CELL,),
                    number,
                    10_000 + pos,
                    lambda n=number, c=cell, m=msg: _problem(
                        table.name, n, "", c, catalogue.EXTRA_CELL, m
                    ),
                )
        elif len(cells) < width:
            for pos in range(len(cells) + 1, width + 1):
                field = names[pos - 1]
                msg = (
                    f'Row at position "{number}" has a missing cell in field "{field}" at '
                    f'position "{pos}"'
                )
                table.add(
                    (catalogue.MISSING_CELL,),
                    number,
                    20_000 + pos,
                    lambda n=number, f=field, m=msg: _problem(
                        table.name, n, f, "", catalogue.MISSING_CELL, m
                    ),
                )
    frame = pl.DataFrame(
        {
            name: pl.Series(name, col, dtype=pl.String)
            for name, col in zip(names, columns, strict=True)
        }
    )
    return frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))


def _check_header(table: Table) -> None:
    """frictionless's label checks with ``fieldsMatch: exact`` (pairing by position)."""
    labels, fields, name = table.labels, table.schema["fields"], table.name

    def add(field_number: int, field: str | None, rule: str, msg: str) -> None:
        table.add((rule,), 1, field_number, lambda: _problem(name, None, field, None, rule, msg))

    table.fields = [
        fields[i] if i < len(fields) else {"name": label, "type": "any"}
        for i, label in enumerate(labels)
    ]
    for number, label in enumerate(labels[len(fields) :], start=len(fields) + 1):
        add(
            number,
            "",
            catalogue.EXTRA_LABEL,
            f'There is an extra label "{excerpt(label)}" in header at position "{number}"',
        )
    for number, field in enumerate(fields[len(labels) :], start=len(labels) + 1):
        msg = (
            f'There is a missing label in the header\'s field "{field["name"]}" '
            f'at position "{number}"'
        )
        add(number, field["name"], catalogue.MISSING_LABEL, msg)
    for number, (field, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            add(
                number,
                field["name"],
                catalogue.BLANK_LABEL,
                f'Label in the header in field at position "{number}" is blank',
            )
            continue
        seen = [str(i) for i, s in enumerate(labels[: number - 1], start=1) if s == label]
        if seen:
            add(
                number, field["name"], catalogue.DUPLICATE_LABEL, f'at position "{", ".join(seen)}"'
            )
        elif label != field["name"]:
            msg = (
                f'Label "{excerpt(label)}" in field {field["name"]} at position "{number}" does '
                "not match the field name in the schema"
            )
            add(number, field["name"], catalogue.INCORRECT_LABEL, msg)


# Cells


def _missing_values(table: Table, field: dict[str, Any]) -> list[str]:
    return list(field.get("missingValues", table.schema.get("missingValues", [""])))


def _parsed(table: Table, field: dict[str, Any]) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(is_missing, type_ok, value): the cell's missingness, whether it parses, its value."""
    import polars as pl

    col = pl.col(field["name"])
    missing = col.is_null() | col.is_in(_missing_values(table, field))
    kind = field.get("type", "any")
    fmt = field.get("format", "default")
    if kind == "any" or (kind == "string" and fmt == "default"):
        return missing, pl.lit(True), col
    if kind == "number" and fmt == "default" and not _has_number_options(field):
        ok = col.str.contains(grammar.NUMBER)
        return missing, ok, pl.when(ok).then(col.cast(pl.Float64, strict=False))
    if kind == "integer" and fmt == "default" and field.get("bareNumber", True):
        ok = col.str.contains(grammar.INTEGER)
        return missing, ok, pl.when(ok).then(col.cast(pl.Int64, strict=False))
    if kind == "date" and fmt == "default":
        parts = col.str.extract_groups(grammar.DATE)
        y = parts.struct.field("1").cast(pl.Int32, strict=False)
        m = parts.struct.field("2").cast(pl.Int32, strict=False)
        d = parts.struct.field("3").cast(pl.Int32, strict=False)
        leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
        month_days = (
            pl.when(m == 2)
            .then(pl.when(leap).then(29).otherwise(28))
            .when(m.is_in([4, 6, 9, 11]))
            .then(30)
            .otherwise(31)
        )
        ok = ((y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= month_days)).fill_null(False)
        # clamp so that pl.date never sees an impossible day; those rows are masked anyway
        safe = pl.date(
            y.fill_null(2000).clip(1, 9999),
            m.fill_null(1).clip(1, 12),
            pl.min_horizontal(d, month_days).fill_null(1).clip(1, 31),
        )
        return missing, ok, pl.when(ok).then(safe)
    return missing, *_python_parsed(field)


def _has_number_options(field: dict[str, Any]) -> bool:
    return any(k in field for k in ("groupChar", "decimalChar", "bareNumber", "floatNumber"))


def _python_parsed(field: dict[str, Any]) -> tuple[pl.Expr, pl.Expr]:
    """Types and formats this module does not vectorise: frictionless reads each distinct cell."""
    import polars as pl
    from frictionless import Field

    reader = Field.from_descriptor({k: v for k, v in field.items() if k != "constraints"})

    def ok(cell: str) -> bool:
        return reader.read_cell(cell)[1] is None

    col = pl.col(field["name"])
    return col.map_elements(ok, return_dtype=pl.Boolean, skip_nulls=True), col


def _check_cells(table: Table) -> None:
    import polars as pl

    frame = table.frame
    assert frame is not None
    exprs: list[pl.Expr] = []
    blank_parts: list[pl.Expr] = []
    # column, order, field, rule, note, params
    meta: list[tuple[str, int, dict[str, Any], str, str, dict[str, Any]]] = []
    present = set(frame.columns)  # once: a list built per field made wide headers quadratic
    for number, field in enumerate(table.fields, start=1):
        name = field["name"]
        if name not in present:
            continue
        missing, ok, value = _parsed(table, field)
        typed_ok = missing | ok
        blank_parts.append(missing)
        kind, fmt = field.get("type", "any"), field.get("format", "default")
        column = f"__type_{number}"
        exprs.append((~typed_ok).alias(column))
        note = f'type is "{kind}/{fmt}"'
        params = {"type": kind, "format": fmt}
        meta.append((column, number * 100, field, catalogue.TYPE_ERROR, note, params))
        constraints = field.get("constraints", {})
        for rank, cname in enumerate(CONSTRAINT_ORDER, start=1):
            if cname not in constraints:
                continue
            bad = _constraint(cname, constraints[cname], field, missing, value)
            if bad is None:
                continue
            column = f"__{cname}_{number}"
            exprs.append((typed_ok & bad).fill_null(False).alias(column))
            note = f'constraint "{cname}" is "{constraints[cname]}"'
            params = {"constraint": cname, "argument": constraints[cname]}
            meta.append(
                (column, number * 100 + rank, field, catalogue.CONSTRAINT_ERROR, note, params)
            )
    if not exprs:
        return
    blank = pl.all_horizontal(blank_parts) if blank_parts else pl.lit(False)
    flags = frame.select(pl.col(ROW), blank.alias("__blank"), *exprs)
    blank_rows = flags.filter(pl.col("__blank"))[ROW].to_list()
    for number in blank_rows:
        msg = f'Row at position "{number}" is completely blank'
        table.add(
            (catalogue.BLANK_ROW,),
            number,
            0,
            lambda n=number, m=msg: _problem(table.name, n, None, None, catalogue.BLANK_ROW, m),
        )
    if blank_rows:  # a blank row replaces its cell errors (missing and extra ones included)
        skip = set(blank_rows)
        table.problems[:] = [t for t in table.problems if not (t[0] in skip and t[1] >= 10_000)]
    flags = flags.filter(~pl.col("__blank"))
    # one pass counts every check's hits, so that only failing checks filter the frame
    counts = flags.select(pl.col(column).sum() for column, *_ in meta).row(0)
    for (column, order, field, rule, note, params), count in zip(meta, counts, strict=True):
        if not count:
            continue
        hits = flags.filter(pl.col(column))
        hits = table.first(rule, hits.select(ROW))
        rows = frame.join(hits, on=ROW, how="semi").select(ROW, field["name"]).sort(ROW)
        for number, cell in rows.iter_rows():
            table.problems.append(
                (
                    number,
                    order,
                    _problem(
                        table.name,
                        number,
                        field["name"],
                        "" if cell is None else cell,
                        rule,
                        note,
                        params,
                    ),
                )
            )


def _constraint(
    name: str, constraint: Any, field: dict[str, Any], missing: pl.Expr, value: pl.Expr
) -> pl.Expr | None:
    import polars as pl

    present = ~missing
    if name == "required":
        return missing if constraint else None
    if name in ("minLength", "maxLength"):
        length = value.cast(pl.String).str.len_chars()
        return present & (length < constraint if name == "minLength" else length > constraint)
    if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = _bound_literal(field, constraint)
        return (
            present
            & {
                "minimum": ~(value >= bound),
                "maximum": ~(value <= bound),
                "exclusiveMinimum": ~(value > bound),
                "exclusiveMaximum": ~(value < bound),
            }[name]
        )
    if name == "pattern":
        try:
            re.compile(constraint)
            rust = f"^(?:{constraint})\n?$"
            # Rust's regex has no look-around or back-references: fall back to Python's re.
            import polars as _pl

            _pl.select(_pl.lit("").str.contains(rust))
            return present & ~value.cast(pl.String).str.contains(rust)
        except Exception:
            compiled = re.compile(f"^{constraint}$")
            return present & ~value.cast(pl.String).map_elements(
                lambda s: bool(compiled.match(s)), return_dtype=pl.Boolean
            )
    if name == "enum":
        options = [_enum_value(field, v) for v in constraint]
        return present & ~value.is_in([o for o in options if o is not None])
    return None


def _bound_literal(field: dict[str, Any], constraint: Any) -> Any:
    import datetime as dt

    if field.get("type") == "date":
        return dt.date.fromisoformat(str(constraint))
    return float(constraint)


def _enum_value(field: dict[str, Any], option: Any) -> Any:
    kind = field.get("type")
    try:
        if kind == "number":
            return float(option)
        if kind == "integer":
            return int(option)
        if kind == "date":
            import datetime as dt

            return dt.date.fromisoformat(str(option))
    except ValueError:
        return None
    return option


# Integrity: unique, primary key, foreign keys


def _values(table: Table, names: list[str]) -> pl.DataFrame:
    """ROW plus the parsed value of each named field (null when missing or not parsed)."""
    import polars as pl

    assert table.frame is not None
    by_name = {f["name"]: f for f in table.fields}
    exprs = []
    for name in names:
        missing, ok, value = _parsed(table, by_name[name])
        exprs.append(pl.when(~missing & ok).then(value).alias(name))
    return table.frame.select(pl.col(ROW), *exprs)


def _previous(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Rows whose key repeats an earlier row's, with the row number of the latest earlier one."""
    import polars as pl

    # most keys are unique: window only over the rows whose key occurs more than once
    repeated = frame.filter(pl.struct(keys).is_duplicated())
    return (
        repeated.with_columns(pl.col(ROW).shift(1).over(keys).alias("__prev"))
        .filter(pl.col("__prev").is_not_null())
        .select(ROW, "__prev")
    )


def _check_integrity(table: Table, tables: dict[str, Table]) -> None:
    import polars as pl

    names = [f["name"] for f in table.fields]
    expected = set(names)
    for number, field in enumerate(table.fields, start=1):
        if not field.get("constraints", {}).get("unique"):
            continue
        values = _values(table, [field["name"]]).filter(pl.col(field["name"]).is_not_null())
        cells = table.frame.select(ROW, field["name"])  # type: ignore[union-attr]
        dupes = table.first(catalogue.UNIQUE_ERROR, _previous(values, [field["name"]])).join(
            cells, on=ROW
        )
        for row, prev, cell in dupes.sort(ROW).iter_rows():
            note = f"the same as in the row at position {prev}"
            unique = _problem(
                table.name,
                row,
                field["name"],
                cell,
                catalogue.UNIQUE_ERROR,
                note,
                {"previous": prev},
            )
            table.problems.append((row, 30_000 + number, unique))
    key = list(primary_key(table.schema))
    if key and set(key) <= expected:
        values = _values(table, key)
        null = values.filter(pl.all_horizontal(pl.col(k).is_null() for k in key))
        for (row,) in table.first(catalogue.PRIMARY_KEY, null.select(ROW)).iter_rows():
            note = 'cells composing the primary keys are all "None"'
            table.problems.append(
                (row, 40_000, _problem(table.name, row, None, None, catalogue.PRIMARY_KEY, note))
            )
        present = values.filter(~pl.all_horizontal(pl.col(k).is_null() for k in key))
        for row, prev in table.first(catalogue.PRIMARY_KEY, _previous(present, key)).iter_rows():
            note = f"the same as in the row at position {prev}"
            repeated = _problem(
                table.name, row, None, None, catalogue.PRIMARY_KEY, note, {"previous": prev}
            )
            table.problems.append((row, 40_000, repeated))
    for rank, unique_key in enumerate(table.schema.get("uniqueKeys", []), start=1):
        # Table Schema v2; frictionless-py does not check it. A key with a null is not compared.
        fields = _as_list(unique_key)
        if not set(fields) <= expected:
            continue
        values = _values(table, fields).drop_nulls(fields)
        for row, prev in table.first(catalogue.UNIQUE_ERROR, _previous(values, fields)).iter_rows():
            note = f'the same as in the row at position {prev} (unique key "{", ".join(fields)}")'
            table.problems.append(
                (
                    row,
                    45_000 + rank,
                    _problem(table.name, row, None, None, catalogue.UNIQUE_ERROR, note),
                )
            )
    for rank, fk in enumerate(table.schema.get("foreignKeys", []), start=1):
        fields = _as_list(fk["fields"])
        ref = fk["reference"]
        ref_name = ref.get("resource") or ""
        ref_fields = _as_list(ref["fields"])
        target = tables.get(ref_name) if ref_name else table
        if not set(fields) <= expected or target is None or target.frame is None:
            continue
        if not set(ref_fields) <= {f["name"] for f in target.fields}:
            continue
        lookup = _values(target, ref_fields).drop(ROW)
        lookup = lookup.filter(~pl.all_horizontal(pl.col(k).is_null() for k in ref_fields))
        lookup = lookup.rename(dict(zip(ref_fields, fields, strict=True))).unique()
        values = _values(table, fields)
        values = values.filter(~pl.all_horizontal(pl.col(k).is_null() for k in fields))
        lookup = lookup.with_columns(pl.col(f).cast(values.schema[f], strict=False) for f in fields)
        missing = values.join(lookup, on=fields, how="anti", nulls_equal=True)
        for row, *cells in table.first(catalogue.FOREIGN_KEY, missing).iter_rows():
            params = {
                "fields": fields,
                "values": ", ".join("None" if c is None else excerpt(str(c)) for c in cells),
                "table": ref_name,
                "ref": ", ".join(ref_fields),
            }
            note = 'for "{}": values "{}" not found in the lookup table "{}" as "{}"'.format(
                ", ".join(fields), params["values"], ref_name, params["ref"]
            )
            table.problems.append(
                (
                    row,
                    50_000 + rank,
                    _problem(table.name, row, None, None, catalogue.FOREIGN_KEY, note, params),
                )
            )


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
