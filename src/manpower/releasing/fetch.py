"""Fetch release files over HTTP, bounded: the index and each file, into the download cache.

A server is not trusted: reading stops past the size the index declares (or the index's own
cap), the timeout bounds each whole transfer, redirects are followed a bounded number of times
and never from https to plain http (the index carries the hashes every file is checked
against, so it must not travel where it can be swapped); files are resolved against the
index's final URL, every file is checked against its sha256 and a partial file is removed on
any failure.
"""

from __future__ import annotations

import functools
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from manpower.errors import ManpowerError
from manpower.limits import MAX_INDEX_BYTES, MAX_REDIRECTS
from manpower.releasing.release_index import (
    INDEX_NAME,
    Index,
    ReleaseFile,
    parse_index,
)

# Reads of at most this many bytes (after decompression), so limits are checked as data comes.
CHUNK_BYTES = 1 << 16
# Files above this size get a progress bar (when the caller asks for one).
PROGRESS_BYTES = 1 << 20


def index_url(base: str) -> str:
    """The index at ``base``: the URL itself when its path names a .json file, else
    ``releases.json`` in that folder. The query string (a signed URL's ``?token=``) is kept."""
    parts = urlsplit(base)
    if parts.path.endswith(".json") or base.endswith(".json"):
        return base
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + INDEX_NAME))


def file_url(index: str, name: str) -> str:
    """A release file named in the index, resolved against the index's URL; a relative name
    keeps the index's query string (a signed URL's token), since it names the same place."""
    joined = urlsplit(urljoin(index, name))
    base = urlsplit(index)
    if not joined.query and (joined.scheme, joined.netloc) == (base.scheme, base.netloc):
        joined = joined._replace(query=base.query)
    return urlunsplit(joined)


def shown(url: str) -> str:
    """``url`` as a message may print it: no userinfo (``user:password@``) and no query
    values (``?token=...``), which are credentials; the host and path say which URL it is."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<a malformed URL>"
    netloc = ("***@" if "@" in parts.netloc else "") + host + port
    query = "&".join(
        f"{pair.split('=', 1)[0]}=***" if "=" in pair else "***"
        for pair in parts.query.split("&")
        if pair
    )
    return urlunsplit(parts._replace(netloc=netloc, query=query, fragment=""))


def _network_error(url: str, exc: Exception, timeout: float) -> ManpowerError:
    import requests

    url = shown(url)
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
        # a response hook sees each 3xx before requests follows it: the one place to refuse
        session.hooks["response"].append(functools.partial(_refuse_downgrade, url))
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


def _refuse_downgrade(url: str, response: Any, *args: object, **kwargs: object) -> None:
    if not response.is_redirect or urlsplit(response.url).scheme.lower() != "https":
        return
    target = urljoin(response.url, response.headers.get("location", ""))
    if urlsplit(target).scheme.lower() != "https":
        response.close()
        raise ManpowerError(
            f"{shown(url)}: refused, a redirect from https to {shown(target)} would drop the "
            "encryption"
        )


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
        f"{shown(url)}: not complete within {timeout:g} s (timeout for the whole download)"
    )


def _too_large(url: str, what: str, limit: int) -> ManpowerError:
    return ManpowerError(
        f"{shown(url)}: refused, the server sent more than {limit:,} bytes ({what})"
    )


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
        raise ManpowerError(f"{shown(url)}: {exc}") from None


def fetch_file(
    file: ReleaseFile, base_url: str, cache: Path, timeout: float, progress: bool
) -> Path:
    """The file in the cache, downloaded if missing or different; its sha256 is checked.

    pooch keeps the cache: it writes into a temporary file that it removes on any exception
    (a refusal, Ctrl-C, or SIGTERM, which :func:`download` turns into an exception) and
    re-checks the sha256 of a file already cached before using it.
    """
    import pooch

    url = file_url(base_url, file.url or file.name)
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
    if not wanted or file.bytes <= PROGRESS_BYTES:
        yield lambda _n: None
        return
    from tqdm import tqdm  # only when a bar is shown: it costs an import

    with tqdm(total=file.bytes, unit="B", unit_scale=True, desc=file.name, leave=False) as bar:
        yield bar.update
