"""Keep a package's resource paths inside its folder, checked before anything is read.

A ``datapackage.json`` comes from wherever the package came from (a downloaded archive, a folder
someone sent): its resource and schema paths must be relative, normalised POSIX paths that stay
inside the package folder, symlinks included. ``../../etc/passwd``, ``/etc/passwd``,
``https://host/x.csv`` or ``data/link.csv`` pointing outside are refused with the path named,
never with the content of the file it points at.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError
from manpower.limits import MAX_PATH_SHOWN

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _shown(path: str) -> str:
    short = path if len(path) <= MAX_PATH_SHOWN else path[:MAX_PATH_SHOWN] + "..."
    return repr(short)


def _why_not(root: Path, path: Any) -> str | None:
    if not isinstance(path, str) or not path:
        return "is not a single relative file path"
    if "\\" in path or "\0" in path:
        return "contains a backslash or NUL"
    if _SCHEME.match(path) or path.startswith("//"):
        return "is a URL; a package file must be in the package folder"
    if path.startswith("/"):
        return "is absolute; it must be relative to the package folder"
    if ".." in path.split("/"):
        return "leads outside the package folder ('..')"
    if posixpath.normpath(path) != path:
        return "is not a normalised relative path (no '.' or empty parts)"
    inside = root.resolve()
    if not (inside / path).resolve().is_relative_to(inside):
        return "leads outside the package folder (through a symbolic link)"
    return None


def inside(root: Path, path: Any, what: str) -> Path:
    """``root / path``, or ManpowerError when ``path`` may not be read (see the module doc)."""
    why = _why_not(root, path)
    if why is not None:
        shown = _shown(path) if isinstance(path, str) else type(path).__name__
        raise ManpowerError(f"{what}: path {shown} {why}; refused, nothing was read")
    return root / path


def data_file(root: Path, table: str) -> Path:
    """``data/<table>.csv`` of the repository at ``root``, for reading: the one confinement of
    every reader of data/ (fmt, fmt --check, submit, show; validate and diff through
    :func:`check_descriptor`). A symbolic link leading out of the repository is refused with
    its path named, before anything is read, so no message can echo what it points at."""
    return inside(root, f"data/{table}.csv", f"table {table!r}")


def check_descriptor(root: Path, descriptor: Any) -> None:
    """Every resource path and schema path the descriptor names stays inside ``root``, and the
    descriptor and its schemas have the shape the readers need (manpower.package_check)."""
    from manpower import package_check
    from manpower.paths import read_json

    package_check.check_resources(descriptor)  # an object, resources named, paths given
    resources = descriptor.get("resources", [])
    for resource in resources:
        name = _shown(str(resource["name"]))
        path = inside(root, resource.get("path"), f"resource {name}")
        if isinstance(resource.get("schema"), str):
            inside(root, resource["schema"], f"resource {name} schema")
        package_check.check_file(f"datapackage.json, resource {name}", path)
    names = {r["name"] for r in resources}
    for resource in resources:
        schema = resource["schema"]
        if isinstance(schema, str):
            schema = read_json(root / schema)
        where = f"resource {_shown(str(resource['name']))} schema"
        package_check.check_schema(where, schema, names)
