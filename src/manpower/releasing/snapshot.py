"""One version of the package on disk, whatever it came from.

A snapshot is a folder with ``datapackage.json`` (or the schemas to build one), made from a git
revision or tag, a package folder, a release archive (.zip), or the working tree.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError, UsageError
from manpower.paths import PACKAGE_PATHS, read_json
from manpower.schema import TableSchema


@dataclass(frozen=True)
class TableFile:
    """One table of a snapshot: its name, its schema and the file that holds it."""

    name: str
    schema: dict[str, Any]  # the descriptor as the package writes it (diff compares these)
    path: Path

    @property
    def model(self) -> TableSchema:
        return TableSchema.from_dict(self.name, self.schema)


@dataclass(frozen=True)
class Snapshot:
    label: str
    root: Path
    descriptor: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version") or "")

    def tables(self) -> dict[str, TableFile]:
        from manpower.safe_paths import check_descriptor

        check_descriptor(self.root, self.descriptor)  # before any file is read
        out = {}
        for resource in self.descriptor.get("resources", []):
            schema = resource.get("schema", {})
            if isinstance(schema, str):
                schema = read_json(self.root / schema)
            out[resource["name"]] = TableFile(
                resource["name"], schema, self.root / resource["path"]
            )
        return out


def load_descriptor(root: Path) -> dict[str, Any]:
    if (root / "datapackage.json").is_file():
        return read_json(root / "datapackage.json")
    if (root / "schemas" / "package.json").is_file():
        from manpower.descriptor import build_descriptor

        return build_descriptor(root, stats=False, derived=False)
    raise UsageError(f"{root}: no datapackage.json and no schemas/ to build one from")


def _from_git(repo: Path, rev: str, into: Path) -> None:
    from manpower.gitutil import extract_paths

    present = extract_paths(repo, rev, PACKAGE_PATHS, into)
    if "datapackage.json" not in present and "data" not in present:
        raise ManpowerError(f"revision {rev} holds no package (no datapackage.json, data/)")


@contextmanager
def open_snapshot(spec: str | None, repo: Path | None) -> Iterator[Snapshot]:
    """The snapshot ``spec`` names: a folder, a .zip, a datapackage.json, or a git revision.

    ``None`` is the working tree of ``repo``.
    """
    if spec is None:
        if repo is None:
            raise UsageError("no manpower repository here: give a version to compare")
        yield Snapshot("working tree", repo, load_descriptor(repo))
        return
    path = Path(spec)
    if path.is_dir():
        yield Snapshot(spec, path, load_descriptor(path))
        return
    if path.is_file() and path.name == "datapackage.json":
        yield Snapshot(spec, path.parent, read_json(path))
        return
    with tempfile.TemporaryDirectory(prefix="manpower-snapshot-") as tmp:
        folder = Path(tmp)
        if path.is_file() and path.suffix == ".zip":
            from manpower.releasing.archive import extract_zip

            extract_zip(path, folder)
            yield Snapshot(spec, package_folder(folder), load_descriptor(package_folder(folder)))
            return
        if repo is not None:
            from manpower.gitutil import commit_of, is_repo

            if is_repo(repo) and commit_of(repo, spec):
                _from_git(repo, spec, folder)
                yield Snapshot(spec, folder, load_descriptor(folder))
                return
        raise UsageError(f"{spec!r} is neither a git revision, a package folder nor a .zip archive")


def package_folder(folder: Path) -> Path:
    """The folder holding datapackage.json: the top, or the one folder an archive wraps it in."""
    if (folder / "datapackage.json").is_file():
        return folder
    inner = [p for p in folder.iterdir() if p.is_dir()]
    if len(inner) == 1 and (inner[0] / "datapackage.json").is_file():
        return inner[0]
    raise ManpowerError("the archive holds no datapackage.json")
