"""The files of a release, built from a package folder: the zip, Parquet files, SQLite database.

The same package gives the same bytes, so a release can be rebuilt from its commit and checked
against the sha256 its record holds (``manpower download`` inside a clone, the release workflow).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from manpower.files import sha256_file, write_atomic
from manpower.paths import RELEASE_DOCUMENTS, read_json
from manpower.releasing.archive import archive_name, write_zip
from manpower.releasing.release_index import FORMATS, ReleaseFile


def _entry(path: Path, fmt: str, table: str | None = None) -> ReleaseFile:
    return ReleaseFile(path.name, fmt, path.stat().st_size, sha256_file(path), table)


def build_files(
    root: Path, version: str, folder: Path, formats: Iterable[str] = FORMATS
) -> list[ReleaseFile]:
    """The zip, the Parquet files and the SQLite database of the package at ``root`` (those of
    ``formats``); the same files give the same bytes, so a release can be rebuilt and checked."""
    from manpower.releasing.export import datasette_metadata, write_parquet, write_sqlite
    from manpower.releasing.snapshot import Snapshot

    snapshot = Snapshot(version, root, read_json(root / "datapackage.json"))
    stem = archive_name(version)
    members = ["datapackage.json"]
    members += sorted(t.path.relative_to(root).as_posix() for t in snapshot.tables().values())
    # schemas/package.json is build input, not package content: datapackage.json carries it.
    schemas = (root / "schemas").glob("*.schema.json")
    members += sorted(p.relative_to(root).as_posix() for p in schemas)
    members += [name for name in RELEASE_DOCUMENTS if (root / name).is_file()]
    wanted = set(formats)
    files = []
    if "csv" in wanted:
        archive = folder / f"{stem}.zip"
        write_zip(archive, ((f"{stem}/{m}", root / m) for m in members))
        files.append(_entry(archive, "csv"))
    if "parquet" in wanted:
        for path in write_parquet(snapshot, folder, f"{stem}-"):
            files.append(_entry(path, "parquet", path.stem.removeprefix(f"{stem}-")))
    if "sqlite" in wanted:
        database = folder / f"{stem}.sqlite"
        write_sqlite(snapshot, database)
        files.append(_entry(database, "sqlite"))
        # Datasette's metadata.json, beside the database: `datasette X.sqlite -m X-datasette.json`
        metadata = folder / f"{stem}-datasette.json"
        text = json.dumps(datasette_metadata(snapshot, stem), indent=2, ensure_ascii=False)
        write_atomic(metadata, text + "\n")
        files.append(_entry(metadata, "sqlite"))
    return files
