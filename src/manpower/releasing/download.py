"""Download a release: read releases.json, fetch with pooch (cache and sha256), place safely.

Everything is fetched into the cache and checked, then unpacked and validated in a staging
folder inside DEST, and moved into place only when all of it passed: a refused download leaves
nothing in DEST.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from manpower.errors import ManpowerError, UsageError
from manpower.interrupts import termination_raises
from manpower.releasing.archive import archive_name
from manpower.releasing.release_index import (
    INDEX_NAME,
    Index,
    Release,
    parse_index,
)


@dataclass(frozen=True)
class Downloaded:
    version: str
    format: str
    path: Path
    note: str = ""  # where the files came from, when that was a fallback


@contextmanager
def staging_in(dest: Path) -> Iterator[Path]:
    """A scratch folder in DEST, removed afterwards; DEST too, if it was made for nothing."""
    existed = dest.exists()
    dest.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".manpower-download-", dir=dest))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if not existed and not any(dest.iterdir()):
            dest.rmdir()


def _place(source: Path, target: Path) -> None:
    """Move ``source`` to ``target``, replacing an earlier copy only once the new one is there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(source, target)
    if old is not None and old.is_dir():
        shutil.rmtree(old, ignore_errors=True)
    elif old is not None:
        old.unlink()


def _unpack_csv(archive: Path, stage: Path) -> Path:
    from manpower.extras import installed
    from manpower.releasing.archive import extract_zip
    from manpower.releasing.snapshot import package_folder
    from manpower.releasing.trusted import check_folder

    unpacked = stage / "unpacked"
    unpacked.mkdir()
    extract_zip(archive, unpacked)
    folder = package_folder(unpacked)
    check_folder(folder)  # its shape, paths, and schemas: those of its version
    if not installed("validate"):
        # The light install: the archive's sha256 matched the release record; the full
        # validation needs manpower[validate].
        return folder
    from manpower.validation.runner import validate

    report = validate(folder)
    if not report.valid:
        first, count = report.problems[0], len(report.problems)
        raise ManpowerError(
            f"{archive.name}: refused, the package is invalid ({count} error{'s' * (count != 1)}; "
            f"first: {first.table} {first.rule}: {first.message})"
        )
    return folder


def _check_sqlite(path: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise ManpowerError(f"{path.name}: refused, not a SQLite database ({exc})") from None
    finally:
        con.close()
    if ok != "ok" or broken:
        raise ManpowerError(f"{path.name}: refused, integrity or foreign key check failed")


def _check_json(path: Path) -> None:
    import json

    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManpowerError(f"{path.name}: refused, not UTF-8 JSON ({exc})") from None


def _check_parquet(path: Path) -> None:
    from manpower.extras import installed

    if not installed("validate"):
        with path.open("rb") as handle:
            if handle.read(4) != b"PAR1":
                raise ManpowerError(f"{path.name}: refused, not a Parquet file")
        return
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise ManpowerError(f"{path.name}: refused, not a Parquet file ({exc})") from None


def install(release: Release, fmt: str, files: list[Path], dest: Path) -> Path:
    """Unpack and check the fetched files in a staging folder, then move them into DEST."""
    stem = archive_name(release.version)
    with staging_in(dest) as stage:
        if fmt == "csv":
            built = _unpack_csv(files[0], stage)
            target = dest / stem
        elif fmt == "sqlite":
            built = stage / f"{stem}.sqlite"
            database = next((p for p in files if p.suffix == ".sqlite"), files[0])
            shutil.copyfile(database, built)
            _check_sqlite(built)
            target = dest / built.name
            # Datasette's metadata, when the release has it, lands beside the database
            for other in files:
                if other is not database:
                    _check_json(other)
                    shutil.copyfile(other, stage / other.name)
                    _place(stage / other.name, dest / other.name)
        else:
            built = stage / f"{stem}-parquet"
            built.mkdir()
            for path in files:
                _check_parquet(path)
                shutil.copyfile(path, built / path.name)
            target = dest / built.name
        _place(built, target)
    return target


def cached_release(version: str) -> Path | None:
    """The release folder ``load`` downloaded before, if the cache still holds exactly what was
    verified: the archive matches the sha256 of the index it came with, and every file
    extracted from it still matches the archive. Otherwise None (download it again)."""
    from manpower import config
    from manpower.files import sha256_file

    cache = config.cache_dir()
    folder = cache / archive_name(version)
    record = cache / INDEX_NAME
    if not (folder / "datapackage.json").is_file() or not record.is_file():
        return None
    try:
        files = parse_index(record.read_bytes()).get(version).files_of("csv")
    except ManpowerError:
        return None
    archive = cache / "downloads" / files[0].name if len(files) == 1 else None
    if archive is None or not archive.is_file() or sha256_file(archive) != files[0].sha256:
        return None
    return folder if _extracted_intact(archive, folder) else None


def _extracted_intact(archive: Path, folder: Path) -> bool:
    """Whether each file of ``archive`` is in ``folder`` with the same bytes (the archive's one
    top folder, if it wraps the package in one, is ``folder`` itself)."""
    import hashlib
    import zipfile

    from manpower.files import sha256_file

    with zipfile.ZipFile(archive) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        tops = {m.filename.split("/", 1)[0] for m in members}
        strip = len(tops) == 1 and all("/" in m.filename for m in members)
        for member in members:
            name = member.filename.split("/", 1)[1] if strip else member.filename
            path = folder / name
            if not path.is_file() or path.stat().st_size != member.file_size:
                return False
            digest = hashlib.sha256()
            with zf.open(member) as src:
                for block in iter(lambda: src.read(1 << 20), b""):
                    digest.update(block)
            if sha256_file(path) != digest.hexdigest():
                return False
    return True


# The folders of a clone that hold the curated package: a download never lands in them, where
# it would pass for curated data (``--dest data``, or a bare download run inside data/).
CURATED = ("data", "schemas")


def outside_curated(folder: Path) -> None:
    """Refuse (exit 2, before anything is fetched) a DEST inside a clone's curated folders."""
    from manpower.paths import find_root

    existing = next((p for p in (folder, *folder.parents) if p.is_dir()), folder)
    try:
        root = find_root(existing)
    except ManpowerError:
        return
    for name in CURATED:
        if folder.is_relative_to(root / name):
            raise UsageError(
                f"{folder}: inside the curated folder {name}/ of the clone at {root}; a download "
                "goes elsewhere (e.g. --dest downloads, which git ignores)"
            )


def download(
    version: str = "latest",
    dest: Path | None = None,
    source: str | None = None,
    fmt: str = "csv",
    *,
    progress: bool = False,
    timeout: float | None = None,
) -> Downloaded:
    """Download release ``version`` (or ``latest``) in ``fmt`` into ``dest``; where it is.

    ``source`` is a URL (of releases.json or its folder) or a local folder; without one, see
    ``manpower.releasing.origin`` for where the release comes from.
    """
    from manpower import config
    from manpower.releasing.origin import fetch_release

    wait = config.timeout() if timeout is None else timeout
    folder = (dest or Path.cwd()).resolve()
    outside_curated(folder)
    with termination_raises():  # partial files are removed
        release, fetched, note = fetch_release(version, fmt, source, wait, progress)
        target = install(release, fmt, fetched, folder)
        if fmt == "csv":
            _fill_cache(release, target, config.cache_dir())
    return Downloaded(release.version, fmt, target, note)


def _fill_cache(release: Release, folder: Path, cache: Path) -> None:
    """The unpacked release in the cache too, where ``manpower.load`` reads it, and its entry in
    the cache's index, which :func:`cached_release` re-verifies the cached files against."""
    from manpower.files import write_atomic

    cache.mkdir(parents=True, exist_ok=True)
    record = cache / INDEX_NAME
    try:
        known = parse_index(record.read_bytes()) if record.is_file() else Index()
    except ManpowerError:
        known = Index()  # an unreadable cache index is rebuilt, never trusted
    known.add(release)
    write_atomic(record, known.to_json())
    target = cache / archive_name(release.version)
    if folder == target or (target / "datapackage.json").is_file():
        return
    staging = Path(tempfile.mkdtemp(prefix=".manpower-cache-", dir=cache))
    try:
        shutil.copytree(folder, staging / "copy")
        _place(staging / "copy", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
