"""The Data Package descriptor, generated from the base metadata, the schemas and the files.

``datapackage.json`` is never edited by hand: its resources, hashes, sizes and row counts come
from the files, and its version and ``created`` from ``schemas/package.json`` (set by a release,
not by the build, so that rebuilding the same inputs gives the same bytes).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from manpower.files import sha256_file
from manpower.paths import BASE_METADATA, data_path, present_tables, read_json
from manpower.schema import TableSchema, load_schemas, read_rows

DERIVED = ("claims_flat",)


def derived_path(root: Path, name: str) -> Path:
    return root / "data" / "derived" / f"{name}.csv"


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def _resource(
    root: Path, path: Path, schema: Any, model: TableSchema, stats: bool
) -> dict[str, Any]:
    """``schema`` is what the descriptor says (a path to the schema file, or the schema)."""
    resource: dict[str, Any] = {
        "name": model.name,
        "type": "table",
        "path": path.relative_to(root).as_posix(),
        "title": model.title or model.name,
        "description": model.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }
    if stats:
        resource["bytes"] = path.stat().st_size
        resource["hash"] = f"sha256:{sha256_file(path)}"
        resource["rows"] = count_rows(path)
    return resource


def build_descriptor(
    root: Path, *, stats: bool = True, derived: bool = True, sources: bool = True
) -> dict[str, Any]:
    """The package descriptor for the repository at ``root``.

    With ``stats`` the resources carry bytes, sha256 and row counts of the files as they are now.
    Without ``sources`` the package-level ``sources`` (read from data/sources.csv) are left out:
    the columnar validator needs only the resources, and reads that file once, itself.
    """
    base = read_json(root / BASE_METADATA)
    descriptor: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        **{k: v for k, v in base.items() if v not in (None, "")},
    }
    if sources:
        descriptor["sources"] = _document_sources(root)
    schemas = load_schemas(root)
    resources = [
        _resource(root, data_path(root, t), f"schemas/{t}.schema.json", schemas[t], stats)
        for t in present_tables(root)
    ]
    if derived:
        from manpower.flat_table import flat_schema

        for name in DERIVED:
            schema = flat_schema(root)
            model = TableSchema.from_dict(name, schema)
            resources.append(_resource(root, derived_path(root, name), schema, model, stats))
    descriptor["resources"] = resources
    return descriptor


def _document_sources(root: Path) -> list[dict[str, str]]:
    """The package-level ``sources``: the documents in data/sources.csv, as they state them."""
    out = []
    for row in read_rows(data_path(root, "sources")):
        entry: dict[str, Any] = {"title": row.get("title") or row["source_id"]}
        if row.get("url"):
            entry["path"] = row["url"]
        if row.get("kind") == "dataset":
            # a relayed dataset: its licence and the attribution that licence asks to keep
            # (the Data Package's own licences are about this package, not about the relays)
            if row.get("commit"):
                entry["version"] = row["commit"]
            if row.get("licence"):
                entry["licenses"] = [{"name": row["licence"]}]
            if row.get("attribution"):
                entry["attribution"] = row["attribution"]
        out.append(entry)
    return out


def dumps(descriptor: dict[str, Any]) -> str:
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
