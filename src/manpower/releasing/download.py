"""Download a release: read releases.json, fetch with pooch (cache and sha256), place safely.

Everything is fetched into the cache and checked, then unpacked and validated in a staging
folder inside DEST, and moved into place only when all of it passed: a refused download leaves
nothing in DEST.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from manpower.errors import ManpowerError
from manpower.releasing.release_index import (
    INDEX_NAME,
    MAX_INDEX_BYTES,
    Index,
    Release,
    ReleaseFile,
    parse_index,
)

# Reads of at most this many bytes (after decompression), so limits are checked as data comes.
CHUNK_BYTES = 1 << 16
MAX_REDIRECTS = 10
# Files above this size get a progress bar (when the caller asks for one).
PROGRESS_BYTES = 1 << 20


@dataclass(frozen=True)
class Downloaded:
    version: str
    format: str
    path: Path


def index_url(base: str) -> str:
    return base if base.endswith(".json") else base.rstrip("/") + "/" + INDEX_NAME


def _network_error(url: str, exc: Exception, timeout: float) -> ManpowerError:
    import requests
    import urllib3.exceptions as u3

    if isinstance(exc, requests.Timeout | u3.TimeoutError):
        return ManpowerError(f"{url}: no answer within {timeout:g} s (timeout)")
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return ManpowerError(f"{url}: HTTP {exc.response.status_code} {exc.response.reason}")
    if isinstance(exc, requests.TooManyRedirects):
        return ManpowerError(f"{url}: more than {MAX_REDIRECTS} redirects")
    if isinstance(
        exc,
        requests.exceptions.ChunkedEncodingError
        | requests.exceptions.ContentDecodingError
        | u3.ProtocolError
        | u3.DecodeError,
    ):
        return ManpowerError(f"{url}: the download broke off before the end (truncated)")
    if isinstance(exc, requests.ConnectionError):
        return ManpowerError(f"{url}: cannot connect ({type(exc).__name__})")
    return ManpowerError(f"{url}: download failed ({type(exc).__name__})")


def fetch_bounded(
    url: str,
    sink: Callable[[bytes], object],
    *,
    limit: int,
    timeout: float,
    what: str,
    decode: bool,
) -> str:
    """Stream ``url`` into ``sink``; the URL it finally came from, after redirects.

    A server decides how much it sends and how slowly, so both are bounded here: more than
    ``limit`` bytes (counted after any Content-Encoding is undone, a chunk at a time) is
    refused as soon as it arrives, and ``timeout`` bounds the whole transfer, not each read
    (one byte every few seconds would never trip a per-read timeout): each read may wait only
    for what is left of it.
    """
    import requests
    import urllib3.exceptions as u3

    deadline = time.monotonic() + timeout
    headers = {} if decode else {"Accept-Encoding": "identity"}
    with requests.Session() as session:
        session.max_redirects = MAX_REDIRECTS
        try:
            response = session.get(url, stream=True, timeout=timeout, headers=headers)
        except requests.RequestException as exc:
            raise _network_error(url, exc, timeout) from None
        with response:
            try:
                response.raise_for_status()
            except requests.RequestException as exc:
                raise _network_error(url, exc, timeout) from None
            announced = response.headers.get("Content-Length", "")
            if not decode and announced.isdigit() and int(announced) > limit:
                raise _too_large(url, what, limit)
            sock = _socket_of(response)
            received = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _deadline(url, timeout)
                sock = _limit_wait(sock, min(timeout, left))
                try:
                    chunk = response.raw.read1(CHUNK_BYTES, decode_content=decode)
                except (requests.RequestException, u3.HTTPError, OSError) as exc:
                    if time.monotonic() >= deadline:
                        raise _deadline(url, timeout) from None
                    raise _network_error(url, exc, timeout) from None
                if not chunk:
                    break
                received += len(chunk)
                if received > limit:
                    raise _too_large(url, what, limit)
                sink(chunk)
            return response.url


def _socket_of(response: Any) -> socket.socket | None:
    """The socket a streamed response reads from, so each read can be given the time left.

    urllib3 exposes no public handle on it; if its internals change this finds None and a
    read still ends within one ``timeout`` past the deadline.
    """
    raw = getattr(getattr(getattr(response.raw, "_fp", None), "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _limit_wait(sock: socket.socket | None, seconds: float) -> socket.socket | None:
    """Let the next read wait at most ``seconds``; the socket, or None once that cannot be done
    (http.client closes its handle on a response that ends with the connection)."""
    if sock is None:
        return None
    try:
        sock.settimeout(seconds)
    except OSError:
        return None
    return sock


def _deadline(url: str, timeout: float) -> ManpowerError:
    return ManpowerError(
        f"{url}: not complete within {timeout:g} s (timeout for the whole download)"
    )


def _too_large(url: str, what: str, limit: int) -> ManpowerError:
    return ManpowerError(f"{url}: refused, the server sent more than {limit:,} bytes ({what})")


def fetch_index(base: str, timeout: float) -> tuple[Index, str]:
    """The parsed index at ``base`` and its URL after redirects (files are resolved against
    it)."""
    url = index_url(base)
    body = bytearray()
    final = fetch_bounded(
        url,
        body.extend,
        limit=MAX_INDEX_BYTES,
        timeout=timeout,
        what="the most a release index may have",
        decode=True,
    )
    try:
        return parse_index(bytes(body)), final
    except ManpowerError as exc:
        raise ManpowerError(f"{url}: {exc}") from None


def fetch_file(
    file: ReleaseFile, base_url: str, cache: Path, timeout: float, progress: bool
) -> Path:
    """The file in the cache, downloaded if missing or different; its sha256 is checked.

    pooch keeps the cache: it writes into a temporary file that it removes on any exception
    (a refusal, Ctrl-C, or SIGTERM, which :func:`download` turns into an exception) and
    re-checks the sha256 of a file already cached before using it.
    """
    import pooch

    url = urljoin(base_url, file.url or file.name)
    pooch.get_logger().setLevel("WARNING")

    def bounded(url: str, output_file: str, _pooch: object) -> None:
        with open(output_file, "wb") as out, _progress(progress, file) as advance:

            def sink(chunk: bytes) -> None:
                out.write(chunk)
                advance(len(chunk))

            fetch_bounded(
                url,
                sink,
                limit=file.bytes,
                timeout=timeout,
                what=f"the release index declares {file.bytes:,} for {file.name}",
                decode=False,
            )

    try:
        path = pooch.retrieve(
            url,
            known_hash=f"sha256:{file.sha256}",
            fname=file.name,
            path=cache,
            downloader=bounded,
        )
    except ValueError:
        # pooch deletes the partial file: a truncated or tampered download never stays cached
        raise ManpowerError(
            f"{file.name}: refused, its sha256 does not match the release index "
            f"(expected {file.sha256}): truncated or tampered download, not kept"
        ) from None
    return Path(path)


@contextmanager
def _progress(wanted: bool, file: ReleaseFile) -> Iterator[Callable[[int], object]]:
    try:
        from tqdm import tqdm  # installed with pooch's progress bars; optional here too
    except ImportError:
        wanted = False
    if not wanted or file.bytes <= PROGRESS_BYTES:
        yield lambda _n: None
        return

    with tqdm(total=file.bytes, unit="B", unit_scale=True, desc=file.name, leave=False) as bar:
        yield bar.update


@contextmanager
def _termination_raises() -> Iterator[None]:
    """While downloading, SIGTERM unwinds like Ctrl-C, so partial files are removed."""

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    from manpower.confine import check_folder
    from manpower.releasing.archive import extract_zip
    from manpower.releasing.snapshot import package_folder
    from manpower.validation.runner import validate

    unpacked = stage / "unpacked"
    unpacked.mkdir()
    extract_zip(archive, unpacked)
    folder = package_folder(unpacked)
    check_folder(folder)
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


def cached_release(version: str) -> Path | None:
    """The release folder ``load`` downloaded before, if the cache still holds exactly what was
    verified: the archive matches the sha256 of the index it came with, and every file
    extracted from it still matches the archive. Otherwise None (download it again)."""
    from manpower import config
    from manpower.fsutil import sha256_file

    cache = config.cache_dir()
    folder = cache / f"manpower-{version}"
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

    from manpower.fsutil import sha256_file

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


def download(
    version: str = "latest",
    dest: Path | None = None,
    source: str | None = None,
    fmt: str = "csv",
    *,
    progress: bool = False,
    timeout: float | None = None,
) -> Downloaded:
    """Download release ``version`` (or ``latest``) in ``fmt`` into ``dest``; where it is."""
    from manpower import config

    wait = config.timeout() if timeout is None else timeout
    index, url = fetch_index(config.releases_url(source), wait)
    release = index.get(version)
    if fmt == "csv":
        from manpower.fsutil import write_atomic

        # what cached_release re-verifies the cache against when it is used offline later
        write_atomic(config.cache_dir() / INDEX_NAME, index.to_json())
    wanted = release.files_of(fmt)
    if not wanted:
        raise ManpowerError(f"release {release.version} has no {fmt} files")
    cache = config.cache_dir() / "downloads"
    with _termination_raises():
        fetched = [fetch_file(f, url, cache, wait, progress) for f in wanted]
        target = install(release, fmt, fetched, (dest or Path.cwd()).resolve())
    return Downloaded(release.version, fmt, target)
