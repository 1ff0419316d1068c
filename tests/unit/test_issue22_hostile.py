"""Issue 22 (round 3 of hostile input): each item reproduced, then held.

Every test asserts the exit code, the one line said, and that the files are as they were.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SOURCES, claim, digest, serving
from manpower.cli import cli
from manpower.validation.runner import validate

TODAY = dt.date(2026, 11, 24)


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), **kw)


# --- item 3: a date the views cannot draw is a validation error --------------------------------


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        ("claims", {"period_end": "0001-01-02", "date_precision": "day"}),
        ("claims", {"period_start": "1899-12-31"}),
        ("claims", {"period_end": "9999-12-31", "value_kind": "forecast"}),
        ("sources", {"published_date": "0001-01-01"}),
    ],
)
def test_dates_outside_what_readers_represent_are_refused(make_repo, table, changes):
    repo = (
        make_repo(claims=[claim(**changes)])
        if table == "claims"
        else make_repo(sources=[{**SOURCES[0], **changes}])
    )
    (field, value), *_ = changes.items()
    problems = [
        (p.table, p.row, p.field, p.value)
        for p in validate(repo, today=TODAY).problems
        if p.rule == "date-range"
    ]
    assert problems == [(table, 2, field, value)]


def test_dates_at_the_ends_of_the_range_are_accepted(make_repo):
    repo = make_repo(claims=[claim(period_start="1900-01-01")])
    assert [p.rule for p in validate(repo, today=TODAY).problems] == []


def test_date_range_rule_covers_every_date_field_of_the_schemas():
    """Derived from the schemas: a date field added to any table is covered without a list."""
    import json

    from conftest import ROOT
    from manpower.paths import TABLES
    from manpower.validation.rules import table_checks

    dated = {
        table
        for table in TABLES
        if any(
            f["type"] == "date"
            for f in json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text())["fields"]
        )
    }
    assert dated >= {"sources", "claims"}
    assert {t for t in TABLES if any(c.id == "date-range" for c in table_checks(t))} >= dated


def test_the_range_is_what_load_and_the_charts_read_back(make_repo, tmp_path):
    """Both ends of the range survive manpower.load (pandas) and a chart is drawn with them."""
    import pandas as pd

    from manpower.catalogue import RULES
    from manpower.limits import DATE_MAX, DATE_MIN

    assert pd.Timestamp(DATE_MIN) <= pd.Timestamp(DATE_MAX)
    summary = RULES["date-range"].summary
    assert DATE_MIN.isoformat() in summary and DATE_MAX.isoformat() in summary


@pytest.mark.slow
def test_charts_draw_both_ends_of_the_date_range(make_repo, tmp_path):
    from manpower.views.datasheet import report

    early = claim(period_start="", period_end="1900-01-01", date_precision="day")
    early["quote"] = "Russia has recruited 140,000 to 180,000 prisoners by 1900"
    late = claim(
        claim_id="paper-2025-01-03-02",
        value_kind="forecast",
        value_low="",
        value="150000",
        value_high="",
        period_start="2100-01-01",
        period_end="2100-12-31",
        quote="150,000 prisoners by 2100",
        date_precision="year",
    )
    repo = make_repo(claims=[early, late])
    _, site = report(repo, tmp_path / "site")
    assert site.charted == {"convicts_recruited_cumulative": 2}


# --- item 4: the transaction's own names ---------------------------------------------------


def _update(tmp_path):
    from conftest import NEW_CLAIM, write_table

    update = tmp_path / "update" / "claims.csv"
    update.parent.mkdir(exist_ok=True)
    write_table(update, [NEW_CLAIM])
    return update


@pytest.mark.parametrize("name", [".manpower-txn", ".manpower-txn.done", ".manpower.lock"])
def test_transaction_names_are_ignored_by_git(name):
    import subprocess

    from conftest import ROOT

    for path in (name, f"{name}/journal.json"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", path], cwd=ROOT, check=False
        )
        assert ignored.returncode == 0, path


@pytest.mark.parametrize("name", [".manpower-txn", ".manpower-txn.done"])
def test_stray_transaction_file_is_cleaned_before_writing(make_repo, tmp_path, monkeypatch, name):
    """Issue 22 item 4: a stray file of the transaction's names (a commit can bring one) is
    cleaned; submit writes all tables and says so, and later writes work."""
    repo = make_repo()
    (repo / name).write_text("stray")
    monkeypatch.chdir(repo)
    result = run("submit", str(_update(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "paper-2025-01-03-02" in (repo / "data" / "claims.csv").read_text()
    assert not (repo / name).exists()
    assert run("fmt").exit_code == 0


def test_transaction_folder_symlink_is_not_followed(make_repo, tmp_path, monkeypatch):
    """A .manpower-txn that is a symbolic link is never written into nor recovered from."""
    repo = make_repo()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "new").mkdir(parents=True)
    (elsewhere / "new" / "0").write_text("claim_id\nEVIL\n")
    (elsewhere / "journal.json").write_text("[]")
    before = digest(elsewhere)
    (repo / ".manpower-txn").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.chdir(repo)
    result = run("submit", str(_update(tmp_path)))
    assert result.exit_code == 0, result.output
    assert digest(elsewhere) == before
    assert not (repo / ".manpower-txn").exists()
    assert "EVIL" not in (repo / "data" / "claims.csv").read_text()


def test_lock_symlink_is_refused(make_repo, tmp_path, monkeypatch):
    repo = make_repo()
    target = tmp_path / "not-mine"
    (repo / ".manpower.lock").symlink_to(target)
    data = digest(repo / "data")
    monkeypatch.chdir(repo)
    result = run("submit", str(_update(tmp_path)))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: {repo / '.manpower.lock'} is not a regular file (a symbolic link or a folder); "
        "delete it and try again (it is manpower's lock file); nothing was written"
    ]
    assert not target.exists()
    assert digest(repo / "data") == data


def _submit_refused(repo, tmp_path, monkeypatch, line):
    data = digest(repo / "data")
    monkeypatch.chdir(repo)
    result = run("submit", str(_update(tmp_path)))
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [line]
    assert digest(repo / "data") == data
    assert not (repo / ".manpower-txn").exists() and not (repo / ".manpower-txn.done").exists()


def test_disk_full_is_one_line_and_data_survives(make_repo, tmp_path, monkeypatch):
    """Issue 22 item 17: ENOSPC while preparing the write (no traceback; data/ as it was)."""
    import errno
    import os

    from manpower.contributing import transaction

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    repo = make_repo()
    monkeypatch.setattr(transaction.os, "fsync", full)
    _submit_refused(
        repo,
        tmp_path,
        monkeypatch,
        f"Error: cannot prepare the write in {repo / '.manpower-txn'}: No space left on device; "
        "data/ is as it was",
    )


def test_data_on_another_file_system_is_refused_before_writing(make_repo, tmp_path, monkeypatch):
    from manpower.contributing import transaction

    repo = make_repo()
    devices = {repo.resolve() / "data": 2}
    monkeypatch.setattr(transaction, "_device", lambda path: devices.get(Path(path), 1))
    _submit_refused(
        repo,
        tmp_path,
        monkeypatch,
        f"Error: {repo.resolve() / 'data'} is on another file system than {repo}: manpower "
        "cannot replace its tables all at once there; keep data/ in the repository's file "
        "system; nothing was written",
    )


def test_read_only_repository_fmt_with_nothing_to_write(make_repo, monkeypatch):
    """A repository the user cannot write to: `fmt` with nothing to change still succeeds."""
    import errno
    import os

    from manpower.contributing import transaction

    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(".manpower.lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    repo = make_repo()
    monkeypatch.chdir(repo)
    assert run("fmt").exit_code == 0  # canonical now
    (repo / ".manpower.lock").unlink()
    before = digest(repo)
    monkeypatch.setattr(transaction.os, "open", read_only)
    result = run("fmt")
    assert result.exit_code == 0, result.output
    assert digest(repo) == before


# --- item 5: paths are literal, never globs --------------------------------------------------


@pytest.mark.parametrize("name", ["my*repo", "my?repo", "my[r]epo", "c[1]"])
def test_table_reader_takes_the_literal_path(make_repo, tmp_path, name):
    """Issue 22 item 5: in ../my*repo the polars reader also read a sibling clone's rows (124
    claims from a 61-row file); with '[' it failed. Every reader reads the one file named."""
    import shutil

    from conftest import NEW_CLAIM, write_table
    from manpower.schema import read_text

    repo = make_repo()
    literal = tmp_path / name
    shutil.copytree(repo, literal)
    for sibling in ("myXrepo", "myrepo2", "myrepo", "mysrepo", "mrepo", "c1"):
        shutil.copytree(repo, tmp_path / sibling)
        write_table(tmp_path / sibling / "data" / "claims.csv", [NEW_CLAIM])
    frame = read_text(literal / "data" / "claims.csv")
    assert frame["claim_id"].to_list() == ["paper-2025-01-03-01"]


def test_every_polars_file_reader_is_literal():
    """The class of bug: any polars read_*/scan_* call on a path says glob=False."""
    import re

    from conftest import ROOT

    calls = []
    for path in (ROOT / "src" / "manpower").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"pl\.(read|scan)_(csv|parquet|ipc|ndjson)\(([^)]*)\)", text):
            calls.append((path.name, "glob=False" in match.group(3)))
    assert calls and all(literal for _name, literal in calls), calls


# --- item 6: one confinement for every reader of data/ ---------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("fmt",),
        ("fmt", "--check"),
        ("submit", "UPDATE"),
        ("show",),
        ("validate",),
        ("diff", "OLD", "."),
    ],
)
def test_symlink_out_of_the_repository_is_refused_by_every_reader(
    make_repo, tmp_path, monkeypatch, command
):
    """Issue 22 item 6: fmt, fmt --check and submit echoed a linked secret ("unknown column
    'ghp_abcdefghijklmnop'"), show tracebacked. Each refuses the link, naming its path only."""
    old = make_repo()
    repo = make_repo()
    secret = tmp_path / "secret.txt"
    secret.write_text("ghp_abcdefghijklmnop\n")
    (repo / "data" / "claimants.csv").unlink()
    (repo / "data" / "claimants.csv").symlink_to(secret)
    before = digest(repo)
    monkeypatch.chdir(repo)
    given = {"UPDATE": str(_update(tmp_path)), "OLD": str(old)}
    result = run(*[given.get(a, a) for a in command])
    assert result.exit_code == 1, result.output
    (repo / ".manpower.lock").unlink(missing_ok=True)  # the lock (ignored by git) may stay
    assert "ghp_" not in result.output
    assert "Traceback" not in result.output
    assert "data/claimants.csv" in result.output
    assert "symbolic link" in result.output
    assert digest(repo) == before
    assert secret.read_text() == "ghp_abcdefghijklmnop\n"


# --- item 7: credentials and query strings in a release URL ----------------------------------


@pytest.mark.parametrize(
    ("how", "url", "secret"),
    [
        ("--from", "http://user:secretpw@127.0.0.1:1/", "secretpw"),
        ("env", "http://deploy:hunter2@127.0.0.1:1/dist/", "hunter2"),
        ("--from", "http://127.0.0.1:1/dist/?token=s3cr3t&x=1", "s3cr3t"),
    ],
)
def test_release_url_credentials_are_never_printed(tmp_path, monkeypatch, cache, how, url, secret):
    dest = tmp_path / "dest"
    dest.mkdir()
    if how == "env":
        monkeypatch.setenv("MANPOWER_RELEASES_URL", url)
        args = ["download", "--dest", str(dest)]
    else:
        args = ["download", "--dest", str(dest), "--from", url]
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert secret not in result.output
    assert "user" not in result.output and "deploy" not in result.output
    assert result.output.startswith("Error: http://")
    assert list(dest.iterdir()) == []


def test_signed_release_url_keeps_its_token(tmp_path, cache):
    """A ?token= URL: the index is releases.json with the query kept (not '?token=x/releases
    .json'), and each file is asked for with the token too; a server that needs it serves."""
    import functools
    import hashlib
    import json
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from manpower.releasing.fetch import fetch_file, fetch_index, index_url

    served = tmp_path / "served"
    served.mkdir()
    body = b"release bytes\n"
    (served / "manpower-0.1.0.zip").write_bytes(body)
    entry = {
        "name": "manpower-0.1.0.zip",
        "format": "csv",
        "bytes": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    index = {
        "name": "manpower",
        "releases": [{"version": "0.1.0", "date": "2026-01-15", "tag": "v0.1.0", "files": [entry]}],
    }
    (served / "releases.json").write_text(json.dumps(index))
    asked: list[str] = []

    class Signed(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            path, _, query = self.path.partition("?")
            if query != "token=s3cr3t":
                self.send_error(403)
                return
            self.path = path
            super().do_GET()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Signed, directory=served))
    with serving(httpd) as url:
        base = f"{url}/dist/?token=s3cr3t"
        assert index_url(base).endswith("/dist/releases.json?token=s3cr3t")
        base = f"{url}/?token=s3cr3t"
        parsed, at = fetch_index(base, 5)
        (release_file,) = parsed.get("0.1.0").files
        path = fetch_file(release_file, at, cache, 5, False)
        assert path.read_bytes() == body
    assert asked == ["/releases.json?token=s3cr3t", "/manpower-0.1.0.zip?token=s3cr3t"]


# --- item 8: --from FOLDER trusts the index's names and sizes no more ---------------------------


def _mirror(folder: Path, body: bytes, **entry_changes) -> None:
    import hashlib
    import json

    folder.mkdir(parents=True, exist_ok=True)
    entry = {
        "name": "manpower-0.1.0.zip",
        "format": "csv",
        "bytes": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        **entry_changes,
    }
    release = {"version": "0.1.0", "date": "2026-01-15", "tag": "v0.1.0", "files": [entry]}
    (folder / "releases.json").write_text(json.dumps({"name": "manpower", "releases": [release]}))


@pytest.mark.parametrize("url", ["/etc/passwd", "../outside.zip", "sub/../../outside.zip"])
def test_folder_index_cannot_name_a_file_outside_the_folder(tmp_path, url):
    from manpower.errors import ManpowerError
    from manpower.releasing.origin import from_folder, locate

    (tmp_path / "outside.zip").write_bytes(b"secret")
    mirror = tmp_path / "mirror"
    _mirror(mirror, b"secret", url=url)
    origin = locate(str(mirror))
    cache = tmp_path / "cache"
    with pytest.raises(ManpowerError) as refused:
        from_folder(mirror, origin.index.get("0.1.0").files, cache)
    assert str(refused.value).startswith(f"releases.json: file 'manpower-0.1.0.zip': path {url!r} ")
    assert str(refused.value).endswith("refused, nothing was read")
    assert not cache.exists() or list(cache.iterdir()) == []


def test_folder_file_larger_than_declared_is_not_copied(tmp_path):
    from manpower.errors import ManpowerError
    from manpower.releasing.origin import from_folder, locate

    mirror = tmp_path / "mirror"
    _mirror(mirror, b"0123456789")  # 10 bytes declared
    (mirror / "manpower-0.1.0.zip").write_bytes(b"x" * 1_000_000)
    cache = tmp_path / "cache"
    with pytest.raises(ManpowerError) as refused:
        from_folder(mirror, locate(str(mirror)).index.get("0.1.0").files, cache)
    assert str(refused.value) == (
        "manpower-0.1.0.zip: refused, it has 1,000,000 bytes where releases.json declares 10; "
        "not copied"
    )
    assert not cache.exists() or list(cache.iterdir()) == []


# --- item 17: settings said wrong --------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e400", "abc", "100000"])
def test_bad_timeout_is_a_usage_error(tmp_path, monkeypatch, cache, value):
    monkeypatch.setenv("MANPOWER_TIMEOUT", value)
    dest = tmp_path / "dest"
    result = run("download", "--dest", str(dest), "--from", "http://127.0.0.1:1/")
    assert result.exit_code == 2, result.output
    assert result.output == (
        "Error: MANPOWER_TIMEOUT must be a number of seconds above 0 and at most 86,400, "
        f"not {value!r}\n"
    )
    assert not dest.exists()


def test_cache_that_is_a_file_is_a_usage_error(tmp_path, monkeypatch):
    cache = tmp_path / "c[1]"
    cache.write_text("not a folder")
    monkeypatch.setenv("MANPOWER_CACHE", str(cache))
    monkeypatch.delenv("MANPOWER_RELEASES_URL", raising=False)
    result = run("download", "--dest", str(tmp_path / "dest"), "--from", "http://127.0.0.1:1/")
    assert result.exit_code == 2, result.output
    assert result.output == f"Error: MANPOWER_CACHE={str(cache)!r} is not a folder (it is a file)\n"
    assert cache.read_text() == "not a folder"


@pytest.mark.parametrize("where", ["through-a-file", "proc"])
@pytest.mark.parametrize("command", ["download", "show"])
def test_cache_that_cannot_be_created_is_a_usage_error(tmp_path, monkeypatch, where, command):
    """Not only a file: any cache folder that cannot be made is one line, exit 2 (item 17)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = blocker / "sub" if where == "through-a-file" else Path("/proc/nope")
    monkeypatch.setenv("MANPOWER_CACHE", str(cache))
    monkeypatch.delenv("MANPOWER_RELEASES_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    args = {
        "download": ["download", "--dest", str(tmp_path / "dest"), "--from", "http://127.0.0.1:1/"],
        "show": ["show", "--version", "0.1.0"],
    }[command]
    result = run(*args)
    assert result.exit_code == 2, result.output
    reason = "Not a directory" if where == "through-a-file" else "No such file or directory"
    assert result.output == f"Error: MANPOWER_CACHE={str(cache)!r} cannot be created ({reason})\n"
    assert blocker.read_text() == "not a folder"
    assert not (tmp_path / "dest").exists()


@pytest.mark.parametrize("source", ["/nonexistent", "relative/missing", "ftp://host/x", "http:x"])
def test_from_that_is_neither_a_folder_nor_a_url_is_said_plainly(tmp_path, source):
    dest = tmp_path / "dest"
    result = run("download", "--dest", str(dest), "--from", source)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Error: --from {source!r} is neither an existing folder nor an http(s) URL\n"
    )
    assert not dest.exists()


# --- item 19: smaller ones ----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["", "  "])
def test_load_of_an_empty_version_does_not_load_the_current_folder(make_repo, monkeypatch, version):
    import manpower
    from manpower.errors import UsageError

    monkeypatch.chdir(make_repo())
    with pytest.raises(UsageError, match="the version is empty"):
        manpower.load(version)


def test_load_with_a_source_asks_that_source_even_when_cached(monkeypatch):
    """load("0.1.0", source=X) used the cached release and never looked at X."""
    from manpower.errors import ManpowerError
    from manpower.releasing import loader

    asked = []
    monkeypatch.setattr(loader, "_cached", lambda _v: Path("/nonexistent-cached"))

    def download(version, cache, source, fmt):
        asked.append(source)
        raise ManpowerError(f"{source}: refused")

    import manpower.releasing.download as download_module

    monkeypatch.setattr(download_module, "download", download)
    with pytest.raises(ManpowerError, match=r"http://mirror\.invalid/: refused"):
        loader.load("0.1.0", source="http://mirror.invalid/")
    assert asked == ["http://mirror.invalid/"]


def test_show_styles_its_own_lines_and_escapes_the_data(make_repo):
    """show on a terminal printed a literal \\u001b[1m around every claim (its own bold
    escaped with the data); the data's escapes must still be written out."""
    from manpower.views import show as view
    from manpower.views.claims_view import load

    evil = "Russia has recruited 140,000 to 180,000 prisoners \x1b]0;pwned\x07"
    repo = make_repo(claims=[claim(quote=evil)])
    rows = view.select(load(repo), "convicts_recruited_cumulative")
    text = view.render_rows(rows, "table", color=True)
    assert "\x1b[1m  140,000" in text and "\\u001b[1m" not in text
    assert "\\u001b]0;pwned\\u0007" in text
    assert "\x1b]" not in text and "\x07" not in text
    plain = view.render_rows(rows, "table", color=False)
    assert "\x1b" not in plain
    for fmt in ("json", "csv"):
        assert "\x1b" not in view.render_rows(rows, fmt)


# --- item 10: terminal injection through documents ----------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_coverage_writes_a_documents_escape_sequences_out(make_repo, tmp_path, monkeypatch, fmt):
    import hashlib

    from conftest import SOURCES as BASE

    text = (
        "Russia has recruited 140,000 to 180,000 prisoners.\n"
        "\x1b]0;owned\x07 About 7% were \x1b]8;;http://evil.invalid/\x1b\\officers\x1b]8;;\x1b\\.\n"
    )
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "000_test.txt").write_text(text, encoding="utf-8")
    source = {
        **BASE[0],
        "document": "000_test.txt",
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    repo = make_repo(sources=[source])
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(folder))
    monkeypatch.chdir(repo)
    result = run("coverage", "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "7%" in result.output


def test_draft_printed_to_the_terminal_writes_escapes_out(make_repo, tmp_path, monkeypatch):
    document = tmp_path / "doc.txt"
    document.write_text("\x1b]0;owned\x07 Russia recruited 140,000 prisoners in 2024.\n")
    monkeypatch.chdir(make_repo())
    result = run("draft", str(document), "--source-id", "paper-2025-01-03")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\u001b]0;owned\\u0007" in result.output


# --- item 17: more clean errors -----------------------------------------------------------------


def test_show_with_a_renamed_metric_id_header_says_so(make_repo, monkeypatch):
    repo = make_repo()
    claims = repo / "data" / "claims.csv"
    claims.write_text(claims.read_text().replace("metric_id", "metric", 1))
    before = digest(repo)
    monkeypatch.chdir(repo)
    for args in (["show"], ["show", "convicts_recruited_cumulative"]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert result.output == (
            "Error: claims.csv: the header has no column 'metric_id'; run `manpower validate` "
            "to see what is wrong with the table\n"
        )
    assert digest(repo) == before


def test_coverage_of_a_non_utf8_document_is_one_line(make_repo, tmp_path, monkeypatch):
    import hashlib

    folder = tmp_path / "documents"
    folder.mkdir()
    body = "Russia recruited 140,000 prisoners. Über".encode("latin-1")
    (folder / "000_test.txt").write_bytes(body)
    source = {**SOURCES[0], "document": "000_test.txt", "sha256": hashlib.sha256(body).hexdigest()}
    repo = make_repo(sources=[source])
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(folder))
    monkeypatch.chdir(repo)
    result = run("coverage")
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: {folder / '000_test.txt'}: the archived document of source 'paper-2025-01-03' "
        "is not UTF-8 text (byte 36); save it as UTF-8 and update its sha256 in sources.csv\n"
    )


def test_index_whose_version_does_not_match_its_file_names_is_refused():
    import json

    from manpower.errors import ManpowerError
    from manpower.releasing.release_index import parse_index

    entry = {"name": "manpower-0.1.0.zip", "format": "csv", "bytes": 1, "sha256": "0" * 64}
    release = {"version": "0.2.0", "date": "2026-01-15", "tag": "v0.2.0", "files": [entry]}
    text = json.dumps({"name": "manpower", "releases": [release]}).encode()
    with pytest.raises(ManpowerError) as refused:
        parse_index(text)
    assert "release 0.2.0: file manpower-0.1.0.zip is not named after it (manpower-0.2.0...)" in (
        str(refused.value)
    )


def test_value_rules_name_the_column_that_breaks_them(make_repo):
    """finite said "column value: value 'value_low=1e309'": a value rule names the cell that
    breaks it; 1e309 is no number of the bounded grammar at all, in its own column."""
    repo = make_repo(claims=[claim(value_low="-5", quote="Russia has -5 to 180,000")])
    found = [
        (p.field, p.value) for p in validate(repo, today=TODAY).problems if p.rule == "non-negative"
    ]
    assert found == [("value_low", "-5")]
    repo = make_repo(claims=[claim(value_low="1e309", quote="Russia has 1e309 to 180,000")])
    found = [(p.field, p.rule) for p in validate(repo, today=TODAY).problems]
    assert ("value_low", "type-error") in found


@pytest.mark.parametrize(
    ("cells", "column", "value"),
    [
        ({"value_low": "60000", "value_high": "50000"}, "value_low", "60000"),
        (
            {"value_kind": "approximate", "value_low": "60000", "value": "55000"},
            "value_low",
            "60000",
        ),
        (
            {"value_kind": "approximate", "value_low": "", "value": "60000", "value_high": "50000"},
            "value",
            "60000",
        ),
    ],
)
def test_value_bounds_names_the_column_that_breaks_it(make_repo, monkeypatch, cells, column, value):
    """value-bounds said "column value: value 'value_low=60000, value_high=50000'": it names
    the cell out of order, as finite and non-negative do (item 19)."""
    repo = make_repo(claims=[claim(**cells, quote="between 60000 and 50000, or 55000")])
    before = digest(repo)
    monkeypatch.chdir(repo)
    result = run("validate")
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "[value-bounds]" in x)
    assert line.startswith(f"claims.csv, row 2, column {column}: value '{value}': [value-bounds] ")
    assert digest(repo) == before


# --- item 19: interrupts and places submit does not belong -------------------------------------

SUBMIT_TERMINATED = """
import sys, time
from pathlib import Path
from manpower.validation import runner
ready = Path(sys.argv[1])
def stalled(package, *args, **kwargs):
    ready.write_text(str(package))  # the scratch copy exists: the test may stop us now
    time.sleep(60)
runner.validate_descriptor = stalled
from manpower.cli import main
sys.argv = ["manpower", "submit", *sys.argv[2:]]
main()
"""


def test_sigterm_during_submit_removes_the_scratch_copy(make_repo, tmp_path):
    """SIGTERM left /tmp/manpower-submit-* behind, holding the whole merged data."""
    import os
    import signal
    import subprocess
    import sys
    import time

    repo = make_repo()
    scratch, ready = tmp_path / "tmp", tmp_path / "ready"
    scratch.mkdir()
    before = digest(repo / "data")
    proc = subprocess.Popen(
        [sys.executable, "-c", SUBMIT_TERMINATED, str(ready), str(_update(tmp_path))],
        cwd=repo,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(600):
            if ready.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert ready.exists(), proc.communicate()
        assert Path(ready.read_text()).parent == scratch
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM
    assert err == b""
    assert list(scratch.iterdir()) == []
    assert digest(repo / "data") == before


def _interrupted_after(monkeypatch, step: str) -> None:
    """Ctrl-C right after the transaction's ``step`` ("commit": the marker is down;
    "replace": the first table is replaced), as a raised exception or a real signal."""
    import os
    import signal

    from manpower.contributing import transaction

    if step == "commit":
        durable = transaction._write_durable

        def then_interrupted(path: Path, payload: bytes) -> None:
            durable(path, payload)
            if path.name == transaction.COMMITTED:
                raise KeyboardInterrupt

        monkeypatch.setattr(transaction, "_write_durable", then_interrupted)
        return
    replace = os.replace

    def then_signalled(src, dst) -> None:
        replace(src, dst)
        if Path(dst).parent.name == "data":
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(transaction.os, "replace", then_signalled)


@pytest.mark.parametrize("step", ["commit", "replace"])
def test_ctrl_c_once_the_tables_are_being_replaced_does_not_claim_failure(
    make_repo, tmp_path, monkeypatch, step
):
    """Ctrl-C after the commit point printed "Aborted!" and exited 1 with data/ written."""
    from conftest import NEW_CLAIM

    repo = make_repo()
    monkeypatch.chdir(repo)
    _interrupted_after(monkeypatch, step)
    result = run("submit", str(_update(tmp_path)))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "Interrupted during the write: it was completed first, so data/ has the new tables.\n"
    )
    assert result.stdout.splitlines()[:2] == [
        "claims: 1 added, 0 already present",
        "Wrote data/claims.csv.",
    ]
    assert NEW_CLAIM["claim_id"] in (repo / "data" / "claims.csv").read_text()
    monkeypatch.undo()
    monkeypatch.chdir(repo)
    again = run("fmt")  # nothing was left half-done for a recovery to find
    assert (again.exit_code, again.output) == (0, "5 tables already canonical\n")


@pytest.mark.parametrize("args", [["submit", "UPDATE"], ["submit", "--dry-run", "UPDATE"], ["fmt"]])
def test_writers_refuse_a_published_package_folder_and_leave_no_lock(
    make_repo, tmp_path, monkeypatch, args
):
    """submit in a downloaded release failed on a scratch copy's schemas/package.json and left
    .manpower.lock in the folder (which, not being a clone, ignores nothing)."""
    from conftest import published

    folder = published(make_repo)
    update = str(_update(tmp_path))
    before = digest(folder)
    monkeypatch.chdir(folder)
    result = run(*(update if a == "UPDATE" else a for a in args))
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Error: {folder} is a published package (no schemas/package.json), not a clone of the "
        "project: its datapackage.json pins the bytes of data/, so manpower changes data/ only "
        "in a clone; nothing was written\n"
    )
    assert digest(folder) == before
    assert not (folder / ".manpower.lock").exists()
