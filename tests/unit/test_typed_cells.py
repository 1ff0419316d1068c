"""A typed cell means the Table Schema's meaning in every reader of a package: ``manpower.load``
(pandas) and the Parquet/SQLite exports (polars) agree on booleans, numbers and dates.

The bug these pin: the exports read ``yes`` as true and anything else as false, while
``manpower.load`` read only ``true``/``false`` (any case) and left ``1``, ``0`` and a declared
``trueValues`` missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manpower.errors import ManpowerError
from manpower.releasing.export import typed_table
from manpower.releasing.loader import read_table
from manpower.releasing.snapshot import open_snapshot

FIELDS = [
    {"name": "id", "type": "string"},
    {"name": "flag", "type": "boolean"},
    {"name": "vote", "type": "boolean", "trueValues": ["ja"], "falseValues": ["nein"]},
    {"name": "size", "type": "number"},
    {"name": "count", "type": "integer"},
    {"name": "day", "type": "date"},
]
HEADER = "id,flag,vote,size,count,day\n"
GOOD = "a,true,ja,1.5,3,2024-01-31\nb,0,nein,-2e3,-7,\nc,TRUE,,,,2024-02-29\nd,1,ja,,,\n"


def package(folder: Path, rows: str) -> Path:
    folder.mkdir()
    (folder / "t.csv").write_text(HEADER + rows, encoding="utf-8")
    descriptor = {
        "name": "t",
        "resources": [
            {
                "name": "t",
                "path": "t.csv",
                "schema": {"fields": FIELDS, "primaryKey": ["id"], "missingValues": [""]},
            }
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def read_as_load(folder: Path):
    """What ``manpower.load`` makes of each table. load itself refuses this package (its schemas
    are not manpower's: tests/unit/test_trusted_schemas.py), so its reader is called directly."""
    with open_snapshot(str(folder), None) as snapshot:
        return {name: read_table(table) for name, table in snapshot.tables().items()}


def exported(folder: Path):
    with open_snapshot(str(folder), None) as snapshot:
        return typed_table(snapshot.tables()["t"])


def test_load_and_exports_read_the_schemas_booleans(tmp_path):
    folder = package(tmp_path / "p", GOOD)
    frame = read_as_load(folder)["t"]
    assert frame["flag"].tolist() == [True, False, True, True]
    assert frame["vote"].tolist()[:2] == [True, False] and frame["vote"].isna().tolist()[2]
    assert str(frame["flag"].dtype) == "boolean"
    polars_frame = exported(folder)
    assert polars_frame["flag"].to_list() == [True, False, True, True]
    assert polars_frame["vote"].to_list() == [True, False, None, True]


@pytest.mark.parametrize(
    ("rows", "column", "cell", "kind"),
    [
        ("a,yes,ja,,,\n", "flag", "yes", "boolean"),  # not a true value of the spec
        ("a,true,true,,,\n", "vote", "true", "boolean"),  # this field's true value is "ja"
        ("a,,,1_000,,\n", "size", "1_000", "number"),
        ("a,,,,2.5,\n", "count", "2.5", "integer"),
        ("a,,,,,2024-02-30\n", "day", "2024-02-30", "date"),
    ],
)
def test_a_cell_of_another_type_is_refused_by_load_and_exports(tmp_path, rows, column, cell, kind):
    folder = package(tmp_path / "p", "z,false,nein,,,\n" + rows)
    expected = (
        f"t.csv: a cell does not match its type (row 3, column {column}: {cell!r} is not a "
        f"{kind} (table t))"
    )
    with pytest.raises(ManpowerError) as loaded:
        read_as_load(folder)
    assert str(loaded.value) == expected
    with pytest.raises(ManpowerError) as export:
        exported(folder)
    assert str(export.value) == expected
