"""``manpower.schemas``: the pandera schemas a data user validates a derived frame with."""

from __future__ import annotations

import pandera.errors as pe
import polars as pl
import pytest

import manpower.schemas
from conftest import ROOT
from manpower.errors import ManpowerError


@pytest.fixture(scope="module")
def parquet(tmp_path_factory) -> dict[str, pl.DataFrame]:
    from manpower.releasing.release_files import build_files

    out = tmp_path_factory.mktemp("parquet")
    build_files(ROOT, "0.1.0", out, ["parquet"])
    return {p.stem.removeprefix("manpower-0.1.0-"): pl.read_parquet(p) for p in out.iterdir()}


@pytest.mark.parametrize("table", ["sources", "claimants", "metrics", "claims", "exclusions"])
def test_the_release_tables_validate(parquet, table):
    frame = parquet[table]
    assert getattr(manpower.schemas, table).validate(frame).equals(frame)


def test_a_derived_frame_that_breaks_the_schema_is_reported(parquet):
    claims = parquet["claims"]
    broken = pl.concat([claims.head(1), claims.head(1)]).with_columns(
        pl.lit("roughly").alias("value_kind")
    )
    with pytest.raises(pe.SchemaErrors) as exc:
        manpower.schemas.claims.validate(broken, lazy=True)
    failed = set(exc.value.failure_cases["column"].to_list())
    assert {"value_kind", "claim_id"} <= failed  # not an allowed kind; a duplicate id


def test_types_are_the_packages(parquet):
    frame = parquet["claims"].with_columns(pl.col("value").cast(pl.String))
    with pytest.raises(pe.SchemaError, match="value"):
        manpower.schemas.claims.validate(frame)


def test_an_unknown_table_is_one_line():
    with pytest.raises(ManpowerError, match="unknown table 'claim'"):
        manpower.schemas.schema("claim")
    with pytest.raises(AttributeError):
        _ = manpower.schemas.nothing
