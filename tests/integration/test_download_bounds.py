"""Downloads from a misbehaving server on 127.0.0.1: every bound holds, DEST stays empty and no
partial file stays in the cache (issue 9, items 10-14)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import os
import signal
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import serving
from manpower import limits
from manpower.cli import cli
from manpower.releasing import archive
from manpower.releasing.release_index import parse_index

DECLARED = 42_073
GZIP_EXPANDED = 16 << 20  # twice the index cap, sent as about 16 kB of gzip


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def index_for(files: list[tuple[str, bytes | int, str]], version: str = "0.1.0") -> bytes:
    """A release index: each file as (name, its bytes or just a declared size, sha256)."""
    entries = [
        {
            "name": name,
            "format": "csv",
            "bytes": body if isinstance(body, int) else len(body),
            "sha256": digest,
        }
        for name, body, digest in files
    ]
    release = {"version": version, "date": "2026-01-15", "tag": f"v{version}", "files": entries}
    return json.dumps({"name": "manpower", "releases": [release]}).encode()


def zip_of(members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


class Hostile(SimpleHTTPRequestHandler):
    """Serves ``folder``; the paths below misbehave on purpose."""

    good = ""  # the conftest server, for redirects

    def log_message(self, *args) -> None:
        pass

    def _send(self, body: bytes, **headers: str) -> None:
        self.send_response(200)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        try:
            if path == "/endless/manpower-0.1.0.zip":  # no length, never ends
                self.send_response(200)
                self.end_headers()
                while True:
                    self.wfile.write(b"\0" * (1 << 16))
            elif path == "/trickle/manpower-0.1.0.zip":  # no length, slowly, never ends
                self.send_response(200)
                self.end_headers()
                while True:
                    self.wfile.write(b"\0" * 1024)
                    self.wfile.flush()
                    time.sleep(0.05)
            elif path == "/drip/manpower-0.1.0.zip":  # a byte at a time, each well in time
                self.send_response(200)
                self.send_header("Content-Length", str(DECLARED))
                self.end_headers()
                for _ in range(DECLARED):
                    self.wfile.write(b"\0")
                    self.wfile.flush()
                    time.sleep(0.3)
            elif path == "/gzip-bomb/releases.json":
                self._send(self.server.gzip_bomb, Content_Encoding="gzip")  # type: ignore[attr-defined]
            elif path == "/redirect/releases.json":
                self.send_response(302)
                self.send_header("Location", f"{self.good}/good/releases.json")
                self.end_headers()
            else:
                super().do_GET()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should


@pytest.fixture(scope="session")
def hostile(tmp_path_factory, server) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    index = index_for([("manpower-0.1.0.zip", DECLARED, "0" * 64)])
    for name in ("endless", "trickle", "drip"):
        (folder / name).mkdir()
        (folder / name / "releases.json").write_bytes(index)
    handler = type("Handler", (Hostile,), {"good": server})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=folder))
    httpd.daemon_threads = True
    httpd.gzip_bomb = gzip.compress(b" " * GZIP_EXPANDED, 9)  # type: ignore[attr-defined]
    with serving(httpd) as url:
        yield url, folder


def refused(result, dest: Path, cache: Path, line: str) -> None:
    """Exit 1, exactly ``line``, DEST empty and nothing but verified files in the cache."""
    assert result.exit_code == 1, result.output
    assert result.output == line + "\n"
    assert not dest.exists() or list(dest.iterdir()) == []
    downloads = cache / "downloads"
    assert not downloads.exists() or list(downloads.iterdir()) == []


def test_endless_body_stops_at_the_declared_size(hostile, cache, tmp_path):
    url, _ = hostile
    dest = tmp_path / "dest"
    result = run("download", "--dest", str(dest), "--from", f"{url}/endless/")
    refused(
        result,
        dest,
        cache,
        f"Error: {url}/endless/manpower-0.1.0.zip: refused, the server sent more than "
        f"{DECLARED:,} bytes (the release index declares {DECLARED:,} for manpower-0.1.0.zip)",
    )


def test_slow_drip_is_bounded_by_a_deadline_for_the_whole_transfer(
    hostile, cache, tmp_path, monkeypatch
):
    # each byte comes 0.3 s after the last, well within a 1 s read timeout: only a deadline
    # for the whole download stops it
    url, _ = hostile
    monkeypatch.setenv("MANPOWER_TIMEOUT", "1")
    dest = tmp_path / "dest"
    result = run("download", "--dest", str(dest), "--from", f"{url}/drip/")
    refused(
        result,
        dest,
        cache,
        f"Error: {url}/drip/manpower-0.1.0.zip: not complete within 1 s (timeout for the whole "
        "download)",
    )


def test_gzip_bomb_index_is_capped_after_decompression(hostile, cache, tmp_path):
    url, _ = hostile
    dest = tmp_path / "dest"
    result = run("download", "--dest", str(dest), "--from", f"{url}/gzip-bomb/")
    refused(
        result,
        dest,
        cache,
        f"Error: {url}/gzip-bomb/releases.json: refused, the server sent more than 8,388,608 "
        "bytes (the most a release index may have)",
    )


def test_files_are_fetched_relative_to_the_redirected_index(hostile, cache, tmp_path):
    url, _ = hostile
    dest = tmp_path / "dest"
    result = run("download", "0.1.0", "--dest", str(dest), "--from", f"{url}/redirect/")
    assert result.exit_code == 0, result.output
    assert result.output == f"manpower 0.1.0 (csv): {dest / 'manpower-0.1.0'}\n"
    assert (dest / "manpower-0.1.0" / "datapackage.json").is_file()


def test_sigterm_during_a_download_leaves_no_partial_file(hostile, cache, tmp_path):
    url, _ = hostile
    dest = tmp_path / "dest"
    env = {**os.environ, "MANPOWER_CACHE": str(cache), "MANPOWER_TIMEOUT": "60"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "manpower",
            "download",
            "--dest",
            str(dest),
            "--from",
            url + "/trickle/",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    downloads = cache / "downloads"
    try:
        for _ in range(300):  # until the partial file has some bytes in it
            partial = list(downloads.iterdir()) if downloads.exists() else []
            if partial and partial[0].stat().st_size > 0:
                break
            time.sleep(0.05)
        assert partial and partial[0].stat().st_size > 0, "the download never started"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM
    assert list(downloads.iterdir()) == []
    assert not dest.exists()


# --- the index: one clear error for each malformed field --------------------------------------

GOOD_FILE = {"name": "manpower-0.1.0.zip", "format": "csv", "bytes": 10, "sha256": "a" * 64}


def release(**changes: object) -> dict:
    # a release's files are named after its version (issue 22: the index checks it)
    version = str(changes.get("version", "0.1.0"))
    named = {**GOOD_FILE, "name": str(GOOD_FILE["name"]).replace("0.1.0", version)}
    return {"version": "0.1.0", "date": "2026-01-15", "tag": "v0.1.0", "files": [named]} | (changes)


INDEX_REFUSALS = {
    "nested": (
        "[" * 100_000 + "]" * 100_000,
        "malformed release index: it is nested too deeply to be a release index",
    ),
    "huge-int": (
        '{"releases": [{"version": "0.1.0", "files": [{"name": "a.zip", "format": "csv", '
        '"bytes": 1' + "0" * 5000 + "}]}]}",
        "malformed release index: the number 10000000000000000000... has 5,001 digits",
    ),
    "newline-version": (
        json.dumps({"releases": [release(version="0.2.0\n")]}),
        "malformed release index: version '0.2.0\\n' is not MAJOR.MINOR.PATCH",
    ),
    "newline-name": (
        json.dumps({"releases": [release(files=[GOOD_FILE | {"name": "a.zip\n"}])]}),
        "malformed release index: file name 'a.zip\\n' of 0.1.0 is not a plain file name",
    ),
    "negative-size": (
        json.dumps({"releases": [release(files=[GOOD_FILE | {"bytes": -1}])]}),
        "malformed release index: file manpower-0.1.0.zip: bytes -1 is not a size from 0 to "
        "4,294,967,296",
    ),
    "float-size": (
        json.dumps({"releases": [release(files=[GOOD_FILE | {"bytes": 1e300}])]}),
        "malformed release index: file manpower-0.1.0.zip: bytes 1e+300 is not a size from 0 to "
        "4,294,967,296",
    ),
    "nan": (
        '{"releases": [{"version": "0.1.0", "files": [{"bytes": NaN}]}]}',
        "malformed release index: NaN is not a JSON number",
    ),
    "duplicate-version": (
        json.dumps({"releases": [release(), release()]}),
        "malformed release index: version 0.1.0 is listed twice",
    ),
    "duplicate-file": (
        json.dumps({"releases": [release(files=[GOOD_FILE, GOOD_FILE])]}),
        "malformed release index: release 0.1.0 lists the file manpower-0.1.0.zip twice",
    ),
    "bad-date": (
        json.dumps({"releases": [release(date="2026-02-30")]}),
        "malformed release index: release 0.1.0: date '2026-02-30' is not a YYYY-MM-DD date",
    ),
    "bad-tag": (
        json.dumps({"releases": [release(tag="v0.1.0\n::warning::x")]}),
        "malformed release index: release 0.1.0: tag 'v0.1.0\\n::warning::x' is not a plain "
        "tag name",
    ),
    "file-url-scheme": (
        json.dumps({"releases": [release(files=[GOOD_FILE | {"url": "file:///etc/passwd"}])]}),
        "malformed release index: file manpower-0.1.0.zip: url 'file:///etc/passwd' is not a "
        "plain http(s) URL",
    ),
}


@pytest.mark.parametrize("case", sorted(INDEX_REFUSALS))
def test_malformed_index_is_one_clear_error(hostile, cache, tmp_path, case):
    text, message = INDEX_REFUSALS[case]
    url, folder = hostile
    (folder / f"index-{case}").mkdir(exist_ok=True)
    (folder / f"index-{case}" / "releases.json").write_text(text)
    dest = tmp_path / "dest"
    result = run("download", "--dest", str(dest), "--from", f"{url}/index-{case}/")
    refused(result, dest, cache, f"Error: {url}/index-{case}/releases.json: {message}")


def test_index_text_is_capped_in_the_parser_too():
    # release and load read an index from disk as well: the parser keeps the same cap
    with pytest.raises(Exception) as caught:
        parse_index(" " * (8 << 20) + "{}")
    assert str(caught.value) == (
        "malformed release index: it has 8,388,610 bytes, more than the 8,388,608 allowed"
    )


def test_index_of_many_releases_parses_each_once():
    releases = [release(version=f"0.{n}.0") for n in range(10_000)]
    index = parse_index(json.dumps({"releases": releases}))
    assert [r.version for r in index.releases] == [f"0.{n}.0" for n in range(10_000)]
    assert index.latest is not None and index.latest.version == "0.9999.0"
    with pytest.raises(
        Exception,
        match="unknown version '9.9.9'; released versions: 0.9999.0, "
        r"0.9998.0, .*, 0.9990.0 and 9,990 more$",
    ):
        index.get("9.9.9")


# --- archives: bombs, member limits and collisions ----------------------------------------------


def serve_archive(folder: Path, name: str, data: bytes) -> None:
    (folder / name).mkdir(exist_ok=True)
    (folder / name / "manpower-0.1.0.zip").write_bytes(data)
    (folder / name / "releases.json").write_bytes(
        index_for([("manpower-0.1.0.zip", data, sha(data))])
    )


def lying(data: bytes, size: int) -> bytes:
    """The zip ``data`` (one member) with its headers claiming ``size`` unpacked bytes."""
    patched = bytearray(data)
    struct.pack_into("<I", patched, 22, size)  # local file header
    struct.pack_into("<I", patched, patched.find(b"PK\x01\x02") + 24, size)  # central directory
    return bytes(patched)


P = "manpower-0.1.0/"
NFD = unicodedata.normalize("NFD", "é")
ARCHIVE_REFUSALS = {
    # 8 MiB of zeros in some 8 kB of deflate: past 100 times the archive's size
    "bomb": (
        [(P + "data/claims.csv", b"0" * (8 << 20))],
        "it would unpack to more than {limit:,} bytes (8,388,608 bytes), a zip bomb or the "
        "wrong file",
    ),
    "count-understated": (
        "understated",
        "it has 1,001 members, more than 1,000",
    ),
    "lying-header": (
        "lying",
        "it is corrupt (Bad CRC-32 for file 'manpower-0.1.0/data/claims.csv')",
    ),
    "many-members": (
        [(f"{P}{n}.txt", b"") for n in range(1_001)],
        "it has 1,001 members, more than 1,000",
    ),
    "long-name": (
        [(P + "a" * 300, b"")],
        f"member {(P + 'a' * 300)!r:.80}... has a name of 315 characters, more than 255",
    ),
    "deep": (
        [(P + "a/" * 9 + "x.csv", b"")],
        f"member {P + 'a/' * 9 + 'x.csv'!r} is 11 folders deep, more than 8",
    ),
    "duplicate": (
        [(P + "datapackage.json", b"{}"), (P + "datapackage.json", b"{}")],
        f"member '{P}datapackage.json' has the same name as member '{P}datapackage.json' (up to "
        "case and Unicode form)",
    ),
    "case": (
        [(P + "data/Claims.csv", b""), (P + "data/claims.csv", b"")],
        f"member '{P}data/claims.csv' has the same name as member '{P}data/Claims.csv' (up to "
        "case and Unicode form)",
    ),
    "unicode-form": (
        [(P + "data/é.csv", b""), (P + f"data/{NFD}.csv", b"")],
        f"member {P + f'data/{NFD}.csv'!r} has the same name as member '{P}data/é.csv' (up to "
        "case and Unicode form)",
    ),
    "file-then-folder": (
        [(P + "data", b""), (P + "data/claims.csv", b"")],
        f"member '{P}data' is a file where member '{P}data/claims.csv' needs a folder",
    ),
    "folder-then-file": (
        [(P + "data/claims.csv", b""), (P + "DATA", b"")],
        f"member '{P}DATA' is a file where member '{P}data/claims.csv' needs a folder",
    ),
}


@pytest.mark.parametrize("case", sorted(ARCHIVE_REFUSALS))
def test_unsafe_archive_is_refused_before_anything_lands(hostile, cache, tmp_path, case):
    members, why = ARCHIVE_REFUSALS[case]
    if members == "lying":
        data = lying(zip_of([(P + "data/claims.csv", b"0" * (4 << 20))]), 100)
    elif members == "understated":  # the end record says 1 member, the directory lists 1,001
        data = bytearray(zip_of([(f"{P}{n}.txt", b"") for n in range(1_001)]))
        end = data.rfind(b"PK\x05\x06")
        struct.pack_into("<HH", data, end + 8, 1, 1)
        data = bytes(data)
    else:
        with pytest.warns(UserWarning) if case == "duplicate" else _nothing():
            data = zip_of(members)
    url, folder = hostile
    serve_archive(folder, f"zip-{case}", data)
    dest = tmp_path / "dest"
    dest.mkdir()
    result = run("download", "--dest", str(dest), "--from", f"{url}/zip-{case}/")
    assert result.exit_code == 1, result.output
    why = why.format(limit=len(data) * limits.MAX_UNPACK_RATIO)
    assert result.output == f"Error: manpower-0.1.0.zip: refused, {why}; nothing extracted\n"
    assert list(dest.iterdir()) == []
    # the archive itself matched its sha256, so it stays cached; nothing else does
    assert [p.name for p in (cache / "downloads").iterdir()] == ["manpower-0.1.0.zip"]


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_unpacked_bytes_are_counted_not_taken_from_headers(tmp_path, monkeypatch):
    # zipfile itself stops a member at its announced size (the lying-header case above); the
    # counter is the last line: with the header check skipped, it still stops at the limit and
    # removes what it wrote
    data = zip_of([(f"{P}{n}.csv", b"x" * 1000) for n in range(5)])
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    target = tmp_path / "out"
    target.mkdir()
    monkeypatch.setattr(archive, "check_zip", lambda a, limit: zipfile.ZipFile(a).infolist())
    with pytest.raises(archive.ManpowerError) as caught:
        archive.extract_zip(path, target, limit=2500)
    assert str(caught.value) == (
        "a.zip: refused, it would unpack to more than 2,500 bytes, a zip bomb or the wrong "
        "file; nothing extracted"
    )
    assert [p for p in target.rglob("*") if p.is_file()] == []


# --- the cache: re-verified each time it is used ------------------------------------------------


@pytest.mark.parametrize("tampered", ["extracted", "archive"])
def test_cached_release_is_reverified_before_use(server, cache, tampered):
    import manpower

    good = manpower.load("0.1.0", source=f"{server}/good/")
    claims = cache / "manpower-0.1.0" / "data" / "claims.csv"
    if tampered == "extracted":  # a cached table edited after download
        claims.write_text(claims.read_text() + claims.read_text().splitlines()[-1] + "\n")
    else:  # the cached archive corrupted: the extracted copy cannot be trusted either
        zipped = cache / "downloads" / "manpower-0.1.0.zip"
        data = bytearray(zipped.read_bytes())
        data[len(data) // 2] ^= 0xFF
        zipped.write_bytes(bytes(data))
    with pytest.raises(manpower.ManpowerError) as caught:
        manpower.load("0.1.0", source="http://127.0.0.1:9/unreachable/")
    assert str(caught.value) == (
        "http://127.0.0.1:9/unreachable/releases.json: cannot connect (ConnectionError)"
    )
    again = manpower.load("0.1.0", source=f"{server}/good/")  # downloaded and verified anew
    assert again["claims"].equals(good["claims"])
    assert manpower.load("0.1.0")["claims"].equals(good["claims"])  # the cache, verified
