"""What changed between two versions of the package, and the semver bump that requires.

Rows are matched on each table's primary key with polars joins; cells are compared as the text
the CSV holds, so a change of spelling (``140000`` -> ``140000.0``) is a change. Schema changes
are classified by how they affect someone who already reads the data (see
manpower.releasing.versioning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manpower.releasing.snapshot import Snapshot, TableFile
from manpower.releasing.versioning import bump, highest, is_version
from manpower.schema import primary_key

# Resource and package properties that describe the files, not their meaning: never a change.
FILE_STATS = {"bytes", "hash", "rows"}
RELEASE_FIELDS = {"version", "created", "resources", "$schema", "releases_url"}
# A value may move from the first type to the second without breaking a reader.
WIDENINGS = {("integer", "number"), ("date", "string"), ("integer", "string"), ("number", "string")}
WIDER_WHEN_HIGHER = {"maxLength", "maximum", "exclusiveMaximum"}
WIDER_WHEN_LOWER = {"minLength", "minimum", "exclusiveMinimum"}


@dataclass(frozen=True)
class SchemaChange:
    level: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "change": self.text}


@dataclass
class RowChange:
    key: str
    fields: dict[str, tuple[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "fields": {k: {"old": o, "new": n} for k, (o, n) in self.fields.items()},
        }


@dataclass
class TableDiff:
    name: str
    key: list[str]
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    schema: list[SchemaChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.schema)

    @property
    def level(self) -> str:
        levels = [c.level for c in self.schema]
        levels += ["major"] * bool(self.removed) + ["minor"] * bool(self.added)
        levels += ["patch"] * bool(self.changed)
        return highest(levels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.name,
            "primary_key": self.key,
            "bump": self.level,
            "rows_added": self.added,
            "rows_removed": self.removed,
            "rows_changed": [c.to_dict() for c in self.changed],
            "schema_changes": [c.to_dict() for c in self.schema],
        }


@dataclass
class PackageDiff:
    old_label: str
    new_label: str
    old_version: str
    new_version: str
    tables: list[TableDiff] = field(default_factory=list)
    metadata: list[SchemaChange] = field(default_factory=list)
    note: str = ""  # how the default base was found, when not from a tag

    @property
    def level(self) -> str:
        return highest([t.level for t in self.tables] + [c.level for c in self.metadata])

    @property
    def empty(self) -> bool:
        return self.level == "none"

    @property
    def next_version(self) -> str | None:
        if self.empty or not is_version(self.old_version):
            return None
        return bump(self.old_version, self.level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"label": self.old_label, "version": self.old_version},
            "new": {"label": self.new_label, "version": self.new_version},
            "bump": self.level,
            "next_version": self.next_version,
            "tables": [t.to_dict() for t in self.tables if not t.empty],
            "metadata_changes": [c.to_dict() for c in self.metadata],
        }


def _key_text(row: dict[str, Any], key: list[str]) -> str:
    return ", ".join(str(row[k]) for k in key)


def diff_rows(old: TableFile, new: TableFile, into: TableDiff) -> None:
    import polars as pl

    from manpower.schema import read_text

    a = read_text(old.path, len(old.model.fields))
    b = read_text(new.path, len(new.model.fields))
    key = [k for k in into.key if k in a.columns and k in b.columns]
    common = [c for c in a.columns if c in b.columns]
    if not key:
        # No usable key: rows are compared whole, as a multiset of the common columns.
        key = common
    into.added = [_key_text(r, key) for r in b.join(a, on=key, how="anti").iter_rows(named=True)]
    into.removed = [_key_text(r, key) for r in a.join(b, on=key, how="anti").iter_rows(named=True)]
    values = [c for c in common if c not in key]
    if not values:
        return
    both = a.select(common).join(b.select(common), on=key, how="inner", suffix="__new")
    differs = pl.any_horizontal([pl.col(c) != pl.col(f"{c}__new") for c in values])
    for row in both.filter(differs).sort(key).iter_rows(named=True):
        fields = {c: (row[c], row[f"{c}__new"]) for c in values if row[c] != row[f"{c}__new"]}
        into.changed.append(RowChange(_key_text(row, key), fields))
    into.added.sort()
    into.removed.sort()


def _keys(schema: dict[str, Any]) -> list[str]:
    return list(primary_key(schema))


def _constraint_changes(
    column: str, old: dict[str, Any], new: dict[str, Any]
) -> list[SchemaChange]:
    out = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        where = f"column {column}: constraint {name}"
        if name == "enum" and before is not None and after is not None:
            gone = [v for v in before if v not in after]
            came = [v for v in after if v not in before]
            if gone:
                out.append(SchemaChange("major", f"{where}: values removed {gone}"))
            if came:
                out.append(SchemaChange("minor", f"{where}: values added {came}"))
            continue
        if before is None:
            level = "minor" if after is False else "major"
        elif after is None:
            level = "major" if before is False else "minor"
        elif name in WIDER_WHEN_HIGHER and isinstance(before, int | float):
            level = "minor" if after > before else "major"
        elif name in WIDER_WHEN_LOWER and isinstance(before, int | float):
            level = "minor" if after < before else "major"
        elif name in ("required", "unique"):
            level = "major" if after else "minor"
        else:
            level = "major"
        out.append(SchemaChange(level, f"{where} {before!r} -> {after!r}"))
    return out


def diff_schema(old: dict[str, Any], new: dict[str, Any]) -> list[SchemaChange]:
    out: list[SchemaChange] = []
    a = {f["name"]: f for f in old.get("fields", [])}
    b = {f["name"]: f for f in new.get("fields", [])}
    for name in a:
        if name not in b:
            out.append(SchemaChange("major", f"column {name} removed"))
    for name in b:
        if name not in a:
            out.append(SchemaChange("minor", f"column {name} added"))
    for name in (n for n in a if n in b):
        fa, fb = a[name], b[name]
        ta, tb = fa.get("type", "any"), fb.get("type", "any")
        if ta != tb:
            level = "minor" if (ta, tb) in WIDENINGS or tb == "any" else "major"
            out.append(SchemaChange(level, f"column {name}: type {ta} -> {tb}"))
        out += _constraint_changes(name, fa.get("constraints", {}), fb.get("constraints", {}))
        for prop in sorted((set(fa) | set(fb)) - {"name", "type", "constraints"}):
            if fa.get(prop) != fb.get(prop):
                out.append(SchemaChange("patch", f"column {name}: {prop} changed"))
    kept_a = [n for n in a if n in b]
    kept_b = [n for n in b if n in a]
    if kept_a != kept_b:
        out.append(SchemaChange("minor", "columns reordered"))
    if _keys(old) != _keys(new):
        out.append(SchemaChange("major", f"primary key {_keys(old)} -> {_keys(new)}"))
    if old.get("foreignKeys", []) != new.get("foreignKeys", []):
        out.append(SchemaChange("major", "foreign keys changed"))
    for prop in sorted((set(old) | set(new)) - {"fields", "primaryKey", "foreignKeys"}):
        if old.get(prop) != new.get(prop):
            out.append(SchemaChange("patch", f"schema {prop} changed"))
    return out


def _resource_meta(resource: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in resource.items() if k not in FILE_STATS | {"schema", "path"}}


def diff_snapshots(old: Snapshot, new: Snapshot) -> PackageDiff:
    a, b = old.tables(), new.tables()  # first: it checks both descriptors' shape
    result = PackageDiff(old.label, new.label, old.version, new.version)
    for name in a:
        if name not in b:
            result.metadata.append(SchemaChange("major", f"table {name} removed"))
    for name in b:
        if name not in a:
            result.metadata.append(SchemaChange("minor", f"table {name} added"))
    resources_a = {r["name"]: r for r in old.descriptor.get("resources", [])}
    resources_b = {r["name"]: r for r in new.descriptor.get("resources", [])}
    for name in (n for n in b if n in a):
        table = TableDiff(name, _keys(a[name].schema))
        table.schema = diff_schema(a[name].schema, b[name].schema)
        if resources_a[name].get("path") != resources_b[name].get("path"):
            table.schema.append(SchemaChange("major", "file path changed"))
        if _resource_meta(resources_a[name]) != _resource_meta(resources_b[name]):
            table.schema.append(SchemaChange("patch", "resource metadata changed"))
        diff_rows(a[name], b[name], table)
        result.tables.append(table)
    for prop in sorted((set(old.descriptor) | set(new.descriptor)) - RELEASE_FIELDS):
        if old.descriptor.get(prop) != new.descriptor.get(prop):
            result.metadata.append(SchemaChange("patch", f"package {prop} changed"))
    return result


def diff(old: str | None, new: str | None, repo: Path | None) -> PackageDiff:
    """Compare two versions; ``old`` None is the latest release, ``new`` None the tree."""
    from manpower.errors import UsageError
    from manpower.releasing.snapshot import open_snapshot

    note = ""
    if old is None:
        from manpower.gitutil import is_repo
        from manpower.releasing.origin import RECORD, previous_release

        found, note = (None, "") if repo is None or not is_repo(repo) else previous_release(repo)
        if found is None:
            why = f"; {note}" if note else ""
            raise UsageError(f"no release recorded in {RECORD} to compare with: give OLD{why}")
        old = found.revision
    with open_snapshot(old, repo) as a, open_snapshot(new, repo) as b:
        result = diff_snapshots(a, b)
    result.note = note
    return result
