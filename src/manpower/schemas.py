"""pandera schemas of the package's tables, for people who derive frames from the data.

``manpower.schemas.claims`` (likewise ``sources``, ``claimants``, ``metrics``, ``exclusions``)
is a pandera (polars) ``DataFrameSchema``: the column types the package's own validation gives
the tables (numbers Float64, dates Date, text String; ``manpower.validation.rules``) and the
Table Schema's constraints (required, unique, enum, pattern, length, bounds). A frame read from
the Parquet files, or from the CSV files with those types, validates as is::

    import manpower.schemas
    manpower.schemas.claims.validate(frame, lazy=True)

The semantic rules across tables (a quote states its value, periods in order, references
resolve) need the whole package: ``manpower validate`` runs them. The schemas are read from the
clone the current folder is in, else from the release this install carries, else from the clone
an editable install runs from. Needs the validate extra (pandera, polars).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError
from manpower.paths import TABLES, read_json

__all__ = ["schema", *TABLES]


def _folder() -> Path:
    from manpower.paths import find_root
    from manpower.releasing.bundle import bundled_folder

    try:
        return find_root()
    except ManpowerError:
        pass
    # the release this install carries, else the clone an editable install runs from
    source_tree = Path(__file__).resolve().parents[2]
    for folder in (bundled_folder(), source_tree):
        if folder is not None and (folder / "schemas" / "claims.schema.json").is_file():
            return folder
    raise ManpowerError(
        "no table schemas here: run inside a manpower clone, install a release's wheel (it "
        "carries its schemas), or pass the folder of a downloaded release: schema(table, folder)"
    )


def _checks(field: dict[str, Any]) -> list[Any]:
    import pandera.polars as pa

    rules = field.get("constraints") or {}
    checks = []
    if "enum" in rules:
        checks.append(pa.Check.isin(rules["enum"]))
    if "pattern" in rules:
        # Table Schema patterns match the whole cell
        checks.append(pa.Check.str_matches(f"^(?:{rules['pattern']})$"))
    if "minLength" in rules or "maxLength" in rules:
        checks.append(pa.Check.str_length(rules.get("minLength"), rules.get("maxLength")))
    if "minimum" in rules:
        checks.append(pa.Check.ge(rules["minimum"]))
    if "maximum" in rules:
        checks.append(pa.Check.le(rules["maximum"]))
    return checks


def schema(table: str, folder: Path | None = None) -> Any:
    """The pandera schema of ``table`` (of the package at ``folder``; see the module)."""
    from manpower.extras import installed

    if table not in TABLES:
        raise ManpowerError(f"unknown table {table!r}; the tables are {', '.join(TABLES)}")
    if not installed("validate"):
        raise ManpowerError(
            "manpower.schemas needs the validate extra: pip install 'manpower[validate]'"
        )
    import pandera.polars as pa

    from manpower.validation.rules import column_dtype

    spec = read_json((folder or _folder()) / "schemas" / f"{table}.schema.json")
    columns = {}
    for field in spec["fields"]:
        rules = field.get("constraints") or {}
        columns[field["name"]] = pa.Column(
            column_dtype(field["type"]),
            checks=_checks(field),
            nullable=not rules.get("required", False),
            unique=bool(rules.get("unique", False)),
            required=True,
        )
    keys = spec.get("primaryKey") or []
    return pa.DataFrameSchema(
        columns,
        name=table,
        strict=False,
        unique=[keys] if isinstance(keys, str) else list(keys) or None,
        description=spec.get("description"),
    )


def __getattr__(name: str) -> Any:
    if name in TABLES:
        return schema(name)
    raise AttributeError(f"module 'manpower.schemas' has no attribute {name!r}")
