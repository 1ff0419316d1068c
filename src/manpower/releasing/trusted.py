"""The schemas an outside package is checked against: its version's, never the ones it brings.

A package folder carries its own ``datapackage.json`` and ``schemas/``; validated against those,
a copy with the constraints and foreign keys stripped would call any row valid. So every reader
of an outside package (``validate DIR``, ``download``, ``load``) first goes through
:func:`check_package`, which compares the package's table schemas with the sets this library
trusts:

- the schemas each release was cut with, frozen by ``manpower release`` into
  ``manpower/releasing/released/<version>.json`` (package data: an installed wheel has them,
  with no clone; 0.1.0 was seeded from its release commit), for a package declaring that version;
- the library's own schemas, whatever version a package declares: those of the clone an editable
  install runs from (the development tree, and packages built from it, whose version stays the
  last release's until the next release sets it) and those of the release a wheel carries.

A package matching none of them is refused in one line naming the table and the rules that
differ (as :func:`manpower.releasing.diff.diff_schema` classifies them); one declaring a version
the library has no schemas for is refused with how to proceed. The repository's own validation
(``manpower validate`` with no DIR, the build, a release) is not an outside package: its schemas
are the rules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from manpower import catalogue
from manpower.errors import ManpowerError
from manpower.paths import TABLES, read_json, schema_path
from manpower.releasing.diff import SchemaChange, diff_schema
from manpower.releasing.versioning import is_version

RELEASED = Path(__file__).resolve().parent / "released"
SHOWN_CHANGES = 3
CHANGE_SHOWN = 80

Schemas = dict[str, dict[str, Any]]


def released_path(folder: Path, version: str) -> Path:
    return folder / "src" / "manpower" / "releasing" / "released" / f"{version}.json"


def tree_schemas(root: Path) -> Schemas:
    """Every table schema of the repository at ``root`` (optional tables too, with or without
    their file), and the derived tables' schemas as the build writes them."""
    from manpower.descriptor import DERIVED
    from manpower.flat_table import flat_schema

    out = {t: read_json(schema_path(root, t)) for t in TABLES if schema_path(root, t).is_file()}
    for name in DERIVED:
        out[name] = flat_schema(root)
    return out


def freeze(root: Path, version: str) -> Path | None:
    """Write the schemas of the release being cut into the library's frozen copies (and so into
    the release commit and its wheel); None when ``root`` holds no library."""
    from manpower.files import write_atomic

    target = released_path(root, version)
    if not target.parent.parent.is_dir():
        return None
    target.parent.mkdir(exist_ok=True)
    text = json.dumps({"version": version, "schemas": tree_schemas(root)}, indent=2)
    write_atomic(target, text + "\n")
    return target


def released(version: str) -> Schemas | None:
    """The schemas release ``version`` was cut with, when this library carries them."""
    # a version is a file name here: nothing but MAJOR.MINOR.PATCH may reach the path
    if not is_version(version) or version != version.strip():
        return None
    path = RELEASED / f"{version}.json"
    return dict(read_json(path)["schemas"]) if path.is_file() else None


def _source_tree() -> Path | None:
    """The clone an editable install runs from (no such folder in an installed wheel)."""
    tree = Path(__file__).resolve().parents[3]
    marks = ("pyproject.toml", "schemas/package.json", "schemas/claims.schema.json")
    return tree if all((tree / m).is_file() for m in marks) else None


def own() -> list[tuple[str, str, Schemas]]:
    """The library's own schema sets: (version, label, schemas)."""
    from manpower.releasing.bundle import bundled_folder

    sets = []
    tree = _source_tree()
    if tree is not None:
        version = str(read_json(tree / "schemas" / "package.json").get("version") or "")
        sets.append((version, "manpower's own", tree_schemas(tree)))
    bundle = bundled_folder()
    if bundle is not None:
        descriptor = read_json(bundle / "datapackage.json")
        version = str(descriptor.get("version") or "")
        sets.append(
            (
                version,
                f"the one of the release this manpower carries ({version})",
                schemas_of(bundle, descriptor),
            )
        )
    return sets


def schemas_of(root: Path, descriptor: dict[str, Any]) -> Schemas:
    """Each resource's schema, read from its file when the descriptor names one."""
    out = {}
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema")
        out[str(resource["name"])] = read_json(root / schema) if isinstance(schema, str) else schema
    return out


def differences(trusted: Schemas, package: Schemas) -> list[tuple[str, list[SchemaChange]]]:
    """Per table of ``package`` that differs from ``trusted``: how (not a table of the trusted
    set, or its changes, the rules a package could weaken first)."""
    out = []
    for name, schema in package.items():
        if name not in trusted:
            out.append((name, [SchemaChange("major", "not a table of the package")]))
            continue
        if schema == trusted[name]:
            continue
        changes = diff_schema(trusted[name], schema) or [
            SchemaChange("patch", "the schema is written differently")
        ]
        # descriptions and titles (patch) say least about which rule was weakened
        out.append((name, sorted(changes, key=lambda c: c.level == "patch")))
    return out


def _shown(change: SchemaChange) -> str:
    text = change.text
    return text if len(text) <= CHANGE_SHOWN else text[: CHANGE_SHOWN - 1] + "…"


def check_package(root: Path, descriptor: Any) -> None:
    """Refuse (ManpowerError, one line) an outside package whose schemas are not trusted for the
    version it declares (see the module); its shape and paths are checked first."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    from manpower.safe_paths import check_descriptor

    check_descriptor(root, descriptor)
    package = schemas_of(root, descriptor)
    version = str(descriptor.get("version") or "")
    sets = own()
    frozen = released(version)
    candidates = [(label, schemas) for _, label, schemas in sets]
    if frozen is not None:
        candidates.insert(0, (f"the one manpower {version} was released with", frozen))
    found = [(label, differences(schemas, package)) for label, schemas in candidates]
    if any(not diffs for _, diffs in found):
        return
    if frozen is None and version not in {v for v, _, _ in sets}:
        shown = repr(version[:20]) if version else "(none)"
        try:
            # not manpower.__version__: the package imports the loader, which imports this
            library = installed("manpower")
        except PackageNotFoundError:
            library = "not installed"
        raise ManpowerError(
            catalogue.message(catalogue.UNKNOWN_VERSION, version=shown, library=library)
        )
    label, diffs = min(found, key=lambda item: sum(len(c) for _, c in item[1]))
    table, changes = diffs[0]
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    where = resource["schema"] if isinstance(resource["schema"], str) else "datapackage.json"
    listed = "; ".join(_shown(c) for c in changes[:SHOWN_CHANGES])
    more = len(changes) - SHOWN_CHANGES
    tables = len(diffs) - 1
    extra = [f"{more} more"] * (more > 0) + [f"{tables} more table{'s' * (tables != 1)}"] * (
        tables > 0
    )
    raise ManpowerError(
        catalogue.message(
            catalogue.UNTRUSTED_SCHEMA,
            where=where,
            table=table,
            trusted=label,
            count=len(changes),
            plural="s" * (len(changes) != 1),
            changes=listed + "".join(f"; and {e}" for e in extra),
        )
    )


def check_folder(folder: Path) -> None:
    """:func:`check_package` for a package folder's ``datapackage.json``."""
    check_package(folder, read_json(folder / "datapackage.json"))
