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
from urllib.parse import urljoin

from manpower.errors import ManpowerError
from manpower.index import INDEX_NAME, Index, Release, ReleaseFile, parse_index

# Files above this size get a progress bar (when the caller asks for one).
PROGRESS_BYTES = 1 << 20


@dataclass(frozen=True)
class Downloaded:
    version: str
    format: str
    path: Path
    note: str = ""  # where the files came from, when that was a fallback


def index_url(base: str) -> str:
    return base if base.endswith(".json") else base.rstrip("/") + "/" + INDEX_NAME


def _network_error(url: str, exc: Exception, timeout: float) -> ManpowerError:
    import requests

    if isinstance(exc, requests.Timeout):
        return ManpowerError(f"{url}: no answer within {timeout:g} s (timeout)")
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return ManpowerError(f"{url}: HTTP {exc.response.status_code} {exc.response.reason}")
    if isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return ManpowerError(f"{url}: the download broke off before the end (truncated)")
    if isinstance(exc, requests.ConnectionError):
        return ManpowerError(f"{url}: cannot connect ({type(exc).__name__})")
    return ManpowerError(f"{url}: download failed ({exc})")


def fetch_index(base: str, timeout: float) -> tuple[Index, str]:
    """The parsed index at ``base`` and its URL (files are resolved against it)."""
    import requests

    url = index_url(base)
    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise _network_error(url, exc, timeout) from None
    try:
        return parse_index(response.content), url
    except ManpowerError as exc:
        raise ManpowerError(f"{url}: {exc}") from None


def fetch_file(
    file: ReleaseFile, base_url: str, cache: Path, timeout: float, progress: bool
) -> Path:
    """The file in the cache, downloaded if missing or different; its sha256 is checked."""
    import pooch
    import requests

    url = urljoin(base_url, file.url or file.name)
    pooch.get_logger().setLevel("WARNING")
    downloader = pooch.HTTPDownloader(
        progressbar=progress and file.bytes > PROGRESS_BYTES, chunk_size=1 << 16, timeout=timeout
    )
    try:
        path = pooch.retrieve(
            url,
            known_hash=f"sha256:{file.sha256}",
            fname=file.name,
            path=cache,
            downloader=downloader,
        )
    except requests.RequestException as exc:
        raise _network_error(url, exc, timeout) from None
    except ValueError:
        # pooch deletes the partial file: a truncated or tampered download never stays cached
        raise ManpowerError(
            f"{file.name}: refused, its sha256 does not match the release index "
            f"(expected {file.sha256}): truncated or tampered download, not kept"
        ) from None
    return Path(path)


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
    from manpower.archive import extract_zip
    from manpower.extras import installed
    from manpower.snapshot import package_folder

    unpacked = stage / "unpacked"
    unpacked.mkdir()
    extract_zip(archive, unpacked)
    folder = package_folder(unpacked)
    if not installed("validate"):
        # The light install: the archive's sha256 matched the release record; the full
        # validation needs manpower[validate].
        return folder
    from manpower.validate import validate

    report = validate(folder)
    if not report.valid:
        first = report.problems[0]
        raise ManpowerError(
            f"{archive.name}: refused, the package is invalid ({len(report.problems)} errors; "
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
    stem = f"manpower-{release.version}"
    with staging_in(dest) as stage:
        if fmt == "csv":
            built = _unpack_csv(files[0], stage)
            target = dest / stem
        elif fmt == "sqlite":
            built = stage / f"{stem}.sqlite"
            shutil.copyfile(files[0], built)
            _check_sqlite(built)
            target = dest / built.name
        else:
            built = stage / f"{stem}-parquet"
            built.mkdir()
            for path in files:
                _check_parquet(path)
                shutil.copyfile(path, built / path.name)
            target = dest / built.name
        _place(built, target)
    return target


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
    ``manpower.origin`` for where the release comes from.
    """
    from manpower import config
    from manpower.origin import fetch_release

    wait = config.timeout() if timeout is None else timeout
    release, fetched, note = fetch_release(version, fmt, source, wait, progress)
    target = install(release, fmt, fetched, (dest or Path.cwd()).resolve())
    if fmt == "csv":
        _fill_cache(release, target, config.cache_dir())
    return Downloaded(release.version, fmt, target, note)


def _fill_cache(release: Release, folder: Path, cache: Path) -> None:
    """The unpacked release in the cache too, where ``manpower.load`` reads it."""
    target = cache / f"manpower-{release.version}"
    if folder == target or (target / "datapackage.json").is_file():
        return
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".manpower-cache-", dir=cache))
    try:
        shutil.copytree(folder, staging / "copy")
        _place(staging / "copy", target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
