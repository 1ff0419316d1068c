"""Update files that are not what they seem (issue 9, items 5 and 6): only regular files are
read, nothing echoes more than a short escaped excerpt, and GitHub annotations cannot be forged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import assert_rejected, claim, digest, run_submit, write_table
from manpower.cli import cli
from manpower.contributing.submit import submit
from manpower.render import _annotation

SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def upd(tmp_path: Path) -> Path:
    folder = tmp_path / "upd"
    folder.mkdir()
    return folder


def not_regular(path: Path, kind: str) -> str:
    return (
        f"{path}: [not-a-regular-file] the file is {kind}, not a regular file. Fix: use the "
        "CSV file itself, not a link, pipe or device."
    )


def test_symlink_to_a_secret_is_refused_unread(repo, upd):
    secret = upd / ".env"
    secret.write_text(SECRET + "\n")
    link = upd / "claims.csv"
    link.symlink_to(secret)
    before = digest(repo / "data")
    result = run_submit(link)
    assert_rejected(result, link, not_regular(link, "a symbolic link"))
    assert "wJalr" not in result.output and "AWS" not in result.output
    assert digest(repo / "data") == before


def test_fifo_is_refused_without_blocking(repo, upd):
    fifo = upd / "claims.csv"
    os.mkfifo(fifo)  # nobody ever writes to it: reading it would block forever
    before = digest(repo / "data")
    result = run_submit(fifo)
    assert_rejected(result, fifo, not_regular(fifo, "a named pipe (FIFO)"))
    assert digest(repo / "data") == before


def test_endless_device_is_refused_without_reading(repo):
    before = digest(repo / "data")
    result = run_submit("/dev/zero")
    assert_rejected(result, "/dev/zero", not_regular(Path("/dev/zero"), "a device"))
    assert digest(repo / "data") == before


def test_folder_is_refused_by_the_library_too(repo, upd):
    # the CLI refuses a folder before the library sees it (exit 2); the library refuses it too
    result = submit(repo, [upd])
    assert [(f.file, f.rule, f.message) for f in result.findings] == [
        (str(upd), "not-a-regular-file", "the file is a folder, not a regular file")
    ]
    assert result.written == []


def test_unknown_header_label_is_echoed_as_a_short_excerpt(repo, upd):
    path = upd / "claims.csv"
    path.write_text(SECRET + "\nx\n")
    before = digest(repo / "data")
    result = run_submit(path)
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith(
        f"{path}, row 1: [unknown-column] unknown column 'AWS_SECRET_ACCESS_KE'... "
        "(62 characters); table claims has claim_id, "
    )
    assert "wJalr" not in result.output
    assert digest(repo / "data") == before


def test_many_unknown_labels_are_listed_up_to_five(repo, upd):
    path = upd / "claims.csv"
    path.write_text(",".join(f"c{n}" for n in range(1000)) + "\n" + "x," * 999 + "x\n")
    result = run_submit(path)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(
        f"{path}, row 1: [unknown-column] unknown columns 'c0', 'c1', 'c2', 'c3', 'c4' and 995 "
        "more; table claims has "
    )
    assert len(result.output) < 1000


@pytest.mark.parametrize("command", [["fmt"], ["fmt", "--check"], ["submit", "UPDATE"]])
def test_table_in_data_that_is_a_fifo_is_refused_without_blocking(repo, upd, command):
    write_table(upd / "claims.csv", [claim(claim_id="x-01")])
    table = repo / "data" / "sources.csv"
    table.unlink()
    os.mkfifo(table)
    before = digest(repo / "data")
    args = [str(upd / "claims.csv") if a == "UPDATE" else a for a in command]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output == (
        "Error: data/sources.csv: the file is a named pipe (FIFO), not a regular file; use the "
        "CSV file itself, not a link, pipe or device\n"
    )
    assert table.is_fifo() and digest(repo / "data") == before


# --- item 6: --format github ----------------------------------------------------------------


def test_folder_name_cannot_forge_a_github_annotation(repo, upd):
    folder = upd / "x\n::warning file=README.md,line=1::injected\n"
    folder.mkdir()
    write_table(folder / "claims.csv", [claim(claim_id="x-01", value_low="200000")])
    before = digest(repo / "data")
    result = run_submit(folder / "claims.csv", "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    shown = f"{upd}/x\\n::warning file=README.md,line=1::injected\\n/claims.csv"
    prop = shown.replace(":", "%3A").replace(",", "%2C")
    *annotations, summary = lines
    assert annotations and all(
        a.startswith(f"::error file={prop},line=2,title=") and f"::{shown}, row 2" in a
        for a in annotations
    ), lines
    errors = len(annotations)
    assert summary == f"rejected: {errors} errors ({shown}); nothing was written to data/"
    assert digest(repo / "data") == before


def test_annotation_escapes_properties_and_message_as_github_requires():
    line = _annotation("a\r\nb:c,d%e", 3, "rule,x:y", "50% of\r\nthem")
    assert line == (
        "::error file=a%0D%0Ab%3Ac%2Cd%25e,line=3,title=rule%2Cx%3Ay::50%25 of%0D%0Athem"
    )


def test_reading_a_large_file_leaves_the_csv_field_limit_as_it_was():
    # the limit is the process's: left raised, it changed what a later reader in the same
    # process reports (test_wide_tables' header label passed alone and failed after a submit)
    import csv

    from manpower.contributing.intake import IntakeError, read_csv

    before = csv.field_size_limit()
    with pytest.raises(IntakeError, match="the cell has 300,000 characters"):
        read_csv(b"a,b\n" + b"x" * 300_000 + b",y\n", "big.csv")
    assert csv.field_size_limit() == before
