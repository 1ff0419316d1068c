"""The shape of a package descriptor and its table schemas, checked once before any table is read.

``datapackage.json`` and ``schemas/*.schema.json`` come from wherever the package came from, so
every reader (``validate``, ``download``, ``load``, ``diff``) sees them through
:func:`check_package` first (by way of :func:`manpower.safe_paths.check_descriptor`): a malformed
descriptor (a list, a resource without a name, ``fields`` as a string, an invalid ``pattern``,
``primaryKey: 5``...) or a feature the package does not read (a ``dialect``, an encoding other
than UTF-8, ``format: xlsx``, a compressed file, inline ``data``) is refused with one line naming
it, rather than a traceback or a silent misreading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from manpower import catalogue
from manpower.errors import ManpowerError

# The Table Schema field types (v1 and v2); anything else is a typo or an attack.
FIELD_TYPES = frozenset(
    {
        "string",
        "number",
        "integer",
        "boolean",
        "object",
        "array",
        "list",
        "date",
        "time",
        "datetime",
        "year",
        "yearmonth",
        "duration",
        "geopoint",
        "geojson",
        "any",
    }
)
ENCODINGS = frozenset({"utf-8", "utf8", "utf-8-sig"})
FORMATS = frozenset({"csv"})
SCHEMES = frozenset({"file"})
NAME_SHOWN = 40


def refuse(where: str, why: str) -> ManpowerError:
    return ManpowerError(catalogue.message(catalogue.UNSUPPORTED_PACKAGE, where=where, why=why))


def _shown(value: Any) -> str:
    if value is None:  # JSON's null (or a key left out): no Python type name in a message
        return "null"
    text = value if isinstance(value, str) else type(value).__name__
    return repr(text if len(text) <= NAME_SHOWN else text[:NAME_SHOWN] + "...")


def _bad_name(name: Any) -> str:
    """Why ``name`` is no name: absent or null, empty, or not a text."""
    if name is None:
        return "has no name"
    if name == "":
        return "has an empty name"
    return f"has a name {_shown(name)} that is not a text"


def check_resources(descriptor: Any) -> None:
    """The descriptor itself: an object whose resources are uniquely named CSV files."""
    if not isinstance(descriptor, dict):
        raise refuse("datapackage.json", f"is a JSON {type(descriptor).__name__}, not an object")
    resources = descriptor.get("resources", [])
    if not isinstance(resources, list):
        raise refuse("datapackage.json", "resources is not a list")
    seen: set[str] = set()
    for number, resource in enumerate(resources, start=1):
        where = f"datapackage.json, resource {number}"
        if not isinstance(resource, dict):
            raise refuse(where, "is not an object")
        name = resource.get("name")
        if not isinstance(name, str) or not name:
            raise refuse(where, _bad_name(name))
        where = f"datapackage.json, resource {_shown(name)}"
        if name in seen:
            raise refuse(where, "the name is used twice (each resource is read by its name)")
        seen.add(name)
        if "path" not in resource:
            why = "has inline data, not a file path" if "data" in resource else "has no path"
            raise refuse(where, why)
        _check_dialect(where, resource)
        schema = resource.get("schema")
        if not isinstance(schema, str | dict):
            raise refuse(where, "has no schema (a path or an object)")


def _check_dialect(where: str, resource: dict[str, Any]) -> None:
    """What the one CSV reader reads: UTF-8, commas, double quotes, a header row, no archive."""
    if "dialect" in resource:
        raise refuse(
            where,
            "a CSV dialect is not supported (the tables are comma-separated, "
            "double-quoted, with a header row)",
        )
    checks: list[tuple[str, frozenset[str] | None]] = [
        ("encoding", ENCODINGS),
        ("format", FORMATS),
        ("scheme", SCHEMES),
        ("compression", None),
        ("innerpath", None),
    ]
    for key, allowed in checks:
        if key not in resource:
            continue
        value = resource[key]
        if allowed is None or not isinstance(value, str) or value.lower() not in allowed:
            wanted = "none" if allowed is None else " or ".join(sorted(allowed))
            raise refuse(where, f"{key} {_shown(value)} is not supported ({wanted})")
    mediatype = resource.get("mediatype", "text/csv")
    if mediatype != "text/csv":
        raise refuse(where, f"mediatype {_shown(mediatype)} is not supported (text/csv)")


def check_file(where: str, path: Path) -> None:
    """A resource path names a file (not a folder)."""
    if path.is_dir():
        raise refuse(where, f"path {_shown(path.name)} is a folder, not a CSV file")


def check_schema(where: str, schema: Any, resources: set[str]) -> None:
    """A Table Schema as the reader uses it: fields with unique text names and known types,
    constraints of the right kind, valid patterns, keys naming fields and known resources."""
    if not isinstance(schema, dict):
        raise refuse(where, "the schema is not an object")
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        raise refuse(where, "the schema's fields are not a list of fields")
    names: list[str] = []
    for number, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            raise refuse(where, f"field {number} is not an object")
        name = field.get("name")
        if not isinstance(name, str) or not name:
            raise refuse(where, f"field {number} {_bad_name(name)}")
        if name in names:
            raise refuse(where, f"field {_shown(name)} is named twice")
        names.append(name)
        _check_field(f"{where}, field {_shown(name)}", field)
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        raise refuse(where, "missingValues is not a list of texts")
    _check_key(where, "primaryKey", schema.get("primaryKey"), names)
    unique_keys = schema.get("uniqueKeys", [])
    if not isinstance(unique_keys, list):
        raise refuse(where, "uniqueKeys is not a list")
    for key in unique_keys:
        _check_key(where, "uniqueKeys", key, names)
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        raise refuse(where, "foreignKeys is not a list")
    for fk in foreign_keys:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        if not isinstance(reference, dict):
            raise refuse(where, "a foreign key is not an object with fields and a reference")
        _check_key(where, "foreignKeys", fk.get("fields"), names, required=True)
        target = reference.get("resource", "")
        if not isinstance(target, str):
            raise refuse(where, f"a foreign key's resource {_shown(target)} is not a text")
        if target and target not in resources:
            raise refuse(
                where,
                f"a foreign key names the resource {_shown(target)}, which the "
                "package does not have",
            )
        if not _is_key(reference.get("fields"), required=True):
            raise refuse(where, "a foreign key's reference fields are not field names")


def _is_key(value: Any, *, required: bool = False) -> bool:
    if value is None:
        return not required
    if isinstance(value, str):
        return bool(value)
    return (
        isinstance(value, list)
        and (bool(value) or not required)
        and all(isinstance(v, str) and v for v in value)
    )


def _check_key(where: str, what: str, value: Any, names: list[str], required: bool = False) -> None:
    if not _is_key(value, required=required):
        raise refuse(where, f"{what} {_shown(value)} is not a field name or a list of them")
    listed = [value] if isinstance(value, str) else list(value or [])
    unknown = [n for n in listed if n not in names]
    if unknown:
        raise refuse(where, f"{what} names {_shown(unknown[0])}, which is not a field")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


CONSTRAINTS: dict[str, Callable[[Any], bool]] = {
    "required": lambda v: isinstance(v, bool),
    "unique": lambda v: isinstance(v, bool),
    "minLength": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "maxLength": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    "pattern": lambda v: isinstance(v, str),
    "enum": lambda v: isinstance(v, list) and bool(v),
    "minimum": lambda v: _number(v) or isinstance(v, str),
    "maximum": lambda v: _number(v) or isinstance(v, str),
    "exclusiveMinimum": lambda v: _number(v) or isinstance(v, str),
    "exclusiveMaximum": lambda v: _number(v) or isinstance(v, str),
}


def _check_field(where: str, field: dict[str, Any]) -> None:
    kind = field.get("type", "any")
    if not isinstance(kind, str) or kind not in FIELD_TYPES:
        raise refuse(where, f"type {_shown(kind)} is not a Table Schema type")
    if "format" in field and not isinstance(field["format"], str):
        raise refuse(where, "format is not a text")
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        raise refuse(where, "constraints is not an object")
    for name, value in constraints.items():
        valid = CONSTRAINTS.get(name)
        if valid is not None and not valid(value):
            raise refuse(where, f"constraint {name} has the value {_shown(value)}")
    pattern = constraints.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError):
            raise refuse(
                where, f"pattern {_shown(pattern)} is not a valid regular expression"
            ) from None
