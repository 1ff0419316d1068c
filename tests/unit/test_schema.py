"""The schema model (manpower.schema): the Table Schemas as typed records with the spec's
defaults, and the one meaning of a typed cell in polars and in pandas."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from manpower.errors import ManpowerError
from manpower.paths import TABLES
from manpower.schema import (
    FALSE_VALUES,
    TRUE_VALUES,
    Field,
    ForeignKey,
    TableSchema,
    load_schemas,
    primary_key,
    typed_frame,
    typed_pandas,
)

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_the_table_schema_specs():
    table = TableSchema.from_dict("t", {"fields": [{"name": "a"}]})
    assert table.primary_key == ()
    assert table.foreign_keys == ()
    assert table.unique_keys == ()
    assert table.missing_values == ("",)
    (field,) = table.fields
    assert field == Field(name="a", type="any")
    assert (field.true_values, field.false_values) == (TRUE_VALUES, FALSE_VALUES)
    assert TRUE_VALUES == ("true", "True", "TRUE", "1")
    assert FALSE_VALUES == ("false", "False", "FALSE", "0")
    assert (field.required, field.unique, field.enum) == (False, False, None)


def test_a_key_may_be_one_name_or_a_list():
    table = TableSchema.from_dict(
        "t",
        {
            "fields": [{"name": "a"}, {"name": "b"}],
            "primaryKey": "a",
            "uniqueKeys": [["a", "b"], "b"],
            "foreignKeys": [{"fields": "b", "reference": {"resource": "u", "fields": "x"}}],
        },
    )
    assert table.primary_key == ("a",)
    assert table.unique_keys == (("a", "b"), ("b",))
    assert table.foreign_keys == (ForeignKey(fields=("b",), table="u", reference=("x",)),)
    assert primary_key({"primaryKey": ["a", "b"]}) == ("a", "b")
    assert primary_key({}) == ()


def test_the_curated_schemas():
    schemas = load_schemas(ROOT)
    assert tuple(schemas) == TABLES
    claims = schemas["claims"]
    assert claims.primary_key == ("claim_id",)
    assert claims.field_names[:3] == ("claim_id", "metric_id", "category")
    # supersedes points into the same table: no resource, so the key names its own table
    assert ForeignKey(("supersedes",), "claims", ("claim_id",)) in claims.foreign_keys
    assert ForeignKey(("metric_id",), "metrics", ("metric_id",)) in claims.foreign_keys
    assert claims.field("value").type == "number"
    assert claims.field("period_end").required
    assert claims.field("verification").enum is not None
    assert schemas["metrics"].foreign_keys == ()
    for name, table in schemas.items():
        raw = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert table.field_names == tuple(f["name"] for f in raw["fields"])
        assert table.missing_values == tuple(raw.get("missingValues", [""]))
    with pytest.raises(KeyError):
        claims.field("no_such_column")


def test_an_optional_table_without_a_schema_file_is_left_out(tmp_path):
    (tmp_path / "schemas").mkdir()
    for name in TABLES:
        if name != "exclusions":
            source = ROOT / "schemas" / f"{name}.schema.json"
            (tmp_path / "schemas" / source.name).write_bytes(source.read_bytes())
    assert tuple(load_schemas(tmp_path)) == tuple(t for t in TABLES if t != "exclusions")
    (tmp_path / "schemas" / "claims.schema.json").unlink()
    with pytest.raises(ManpowerError, match=r"claims\.schema\.json: file not found"):
        load_schemas(tmp_path)


EVERY_TYPE = TableSchema.from_dict(
    "t",
    {
        "fields": [
            {"name": "s", "type": "string"},
            {"name": "n", "type": "number"},
            {"name": "i", "type": "integer"},
            {"name": "b", "type": "boolean"},
            {"name": "y", "type": "boolean", "trueValues": ["Y"], "falseValues": ["N"]},
            {"name": "d", "type": "date"},
            {"name": "f", "type": "date", "format": "%d/%m/%Y"},
        ],
        "missingValues": ["", "n/a"],
    },
)
CELLS = {
    "s": ["x", "", "n/a", "z"],
    "n": ["1.5", "-2e3", "n/a", "0"],
    "i": ["12", "", "-3", "0"],
    "b": ["True", "0", "", "1"],
    "y": ["Y", "N", "", "Y"],
    "d": ["2024-02-29", "", "2024-02-29", "1999-12-31"],
    "f": ["29/02/2024", "", "01/01/2000", "31/12/1999"],
}


def test_polars_and_pandas_give_the_same_values():
    typed = typed_frame(pl.DataFrame(CELLS), EVERY_TYPE)
    assert typed.schema == pl.Schema(
        {
            "s": pl.String,
            "n": pl.Float64,
            "i": pl.Int64,
            "b": pl.Boolean,
            "y": pl.Boolean,
            "d": pl.Date,
            "f": pl.Date,
        }
    )
    assert typed.row(0) == ("x", 1.5, 12, True, True, dt.date(2024, 2, 29), dt.date(2024, 2, 29))
    assert typed.row(2) == (None, None, -3, None, None, dt.date(2024, 2, 29), dt.date(2000, 1, 1))
    frame = typed_pandas(pd.DataFrame(CELLS, dtype=str), EVERY_TYPE)
    assert [str(t) for t in frame.dtypes] == [
        "str",
        "float64",
        "Int64",
        "boolean",
        "boolean",
        "datetime64[us]",
        "datetime64[us]",
    ]
    for name in CELLS:
        from_polars = [None if v is None else v for v in typed[name].to_list()]
        from_pandas = [
            None if pd.isna(v) else (v.date() if isinstance(v, pd.Timestamp) else v)
            for v in frame[name].tolist()
        ]
        assert from_pandas == from_polars, name


def test_lenient_typing_makes_a_bad_cell_null_and_keeps_other_columns():
    cells = {**CELLS, "b": ["yes", "0", "", "1"], "row": [2, 3, 4, 5]}
    typed = typed_frame(pl.DataFrame(cells), EVERY_TYPE, strict=False)
    assert typed["b"].to_list() == [None, False, None, True]
    assert typed["row"].to_list() == [2, 3, 4, 5]
    with pytest.raises(ManpowerError, match=r"^row 2, column b: 'yes' is not a boolean"):
        typed_frame(pl.DataFrame(cells), EVERY_TYPE)
