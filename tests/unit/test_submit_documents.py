"""submit checks every new quote and excerpt against the source's pinned document (issue 19.1):
the same functions as `manpower coverage`, refused with one line and data/ left as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import SOURCES, assert_rejected, claim, digest, run_submit, write_table

TEXT = (
    "Prisoners in numbers\n"
    "Russia has recruited 140,000 to 180,000 prisoners to fight, the agency said.\n"
    "About 4,500 of them are still held in camps, two years after the start.\n"
)
DOC = "900_test.txt"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def docs(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / DOC).write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(folder))
    return folder


@pytest.fixture
def repo(make_repo, monkeypatch, docs):
    pinned = [{**SOURCES[0], "document": DOC, "sha256": sha(TEXT)}]
    repo = make_repo(sources=pinned)
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def upd(tmp_path) -> Path:
    folder = tmp_path / "upd"
    folder.mkdir()
    return folder


def held(**changes: str) -> dict[str, str]:
    base = {
        "claim_id": "paper-2025-01-03-02",
        "value_kind": "approximate",
        "value_low": "",
        "value": "4500",
        "value_high": "",
        "quote": "About 4,500 of them are still held in camps",
    }
    return claim(**{**base, **changes})


def exclusion(**changes: str) -> dict[str, str]:
    base = {
        "exclusion_id": "paper-2025-01-03-x01",
        "source_id": "paper-2025-01-03",
        "excerpt": "two years after the start",
        "figure": "two years",
        "reason": "date_or_duration",
        "notes": "",
    }
    return {**base, **changes}


def test_a_quote_that_stands_in_the_document_is_merged(repo, upd):
    write_table(upd / "claims.csv", [held()])
    write_table(upd / "exclusions.csv", [exclusion()])
    result = run_submit(upd / "claims.csv", upd / "exclusions.csv")
    assert result.exit_code == 0, result.output
    assert "paper-2025-01-03-02" in (repo / "data" / "claims.csv").read_text()


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize(
    "quote",
    [
        "About 5,000 of them are still held in camps",  # altered
        "Russia says 9,000 prisoners escaped",  # invented
    ],
)
def test_a_quote_not_in_the_document_is_refused_with_the_closest_passage(repo, upd, quote, dry_run):
    write_table(upd / "claims.csv", [held(quote=quote, value="5000")])
    before = digest(repo / "data")
    args = [upd / "claims.csv", *(["--dry-run"] if dry_run else [])]
    result = run_submit(*args)
    problems = [line for line in result.output.splitlines() if "[quote-not-found]" in line]
    assert len(problems) == 1, result.output
    (line,) = problems
    assert line.startswith(f"{upd / 'claims.csv'}, row 2, column quote:")
    assert f"claim paper-2025-01-03-02: its quote is not in {DOC}" in line
    assert "the closest passage is" in line
    if quote.startswith("About"):
        assert "'About 4,500 of them are still held in camps" in line
    assert result.exit_code == 1
    assert digest(repo / "data") == before


def test_an_excerpt_not_in_the_document_is_refused(repo, upd):
    write_table(upd / "exclusions.csv", [exclusion(excerpt="three years after the start")])
    before = digest(repo / "data")
    result = run_submit(upd / "exclusions.csv")
    assert_rejected(
        result,
        upd / "exclusions.csv",
        next(line for line in result.output.splitlines() if "[exclusion-not-found]" in line),
    )
    assert f"exclusion paper-2025-01-03-x01: its excerpt is not in {DOC}" in result.output
    assert "'two years after the start" in result.output
    assert digest(repo / "data") == before


def test_an_excerpt_whose_figure_is_no_figure_is_refused(repo, upd):
    write_table(upd / "exclusions.csv", [exclusion(figure="start")])
    before = digest(repo / "data")
    result = run_submit(upd / "exclusions.csv")
    assert result.exit_code == 1
    assert "'start' is not a figure of its excerpt" in result.output
    assert digest(repo / "data") == before


def test_a_missing_document_is_refused_naming_folder_and_variable(repo, upd, docs):
    (docs / DOC).unlink()
    write_table(upd / "claims.csv", [held()])
    before = digest(repo / "data")
    result = run_submit(upd / "claims.csv")
    assert_rejected(
        result,
        upd / "claims.csv",
        f"{upd / 'claims.csv'}, row 2, column source_id: value '{DOC}': [document-missing] "
        f"document {DOC} is not in {docs}. Fix: put the document in the documents folder under "
        "the file name sources.csv gives, or set MANPOWER_DOCUMENTS to the folder that holds it "
        "(default ../shared/sources beside the repository).",
    )
    assert digest(repo / "data") == before


def test_a_missing_documents_folder_is_refused_not_skipped(repo, upd, monkeypatch, tmp_path):
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(tmp_path / "nowhere"))
    write_table(upd / "claims.csv", [held()])
    before = digest(repo / "data")
    result = run_submit(upd / "claims.csv", "--dry-run")
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if "[document-missing]" in line]
    assert f"no documents folder at {tmp_path / 'nowhere'}" in line
    assert "set MANPOWER_DOCUMENTS" in line
    assert digest(repo / "data") == before


def test_a_new_source_with_a_wrong_sha256_is_refused(repo, upd, docs):
    (docs / "901_new.txt").write_text(TEXT, encoding="utf-8")
    new_source = {
        **SOURCES[0],
        "source_id": "paper-2025-02-01",
        "document": "901_new.txt",
        "sha256": sha(TEXT + "edited"),
    }
    write_table(upd / "sources.csv", [new_source])
    before = digest(repo / "data")
    result = run_submit(upd / "sources.csv")
    assert_rejected(
        result,
        upd / "sources.csv",
        f"{upd / 'sources.csv'}, row 2, column document: value '901_new.txt': [document-changed] "
        f"document 901_new.txt has sha256 {sha(TEXT)}, sources.csv pins {sha(TEXT + 'edited')}. "
        "Fix: the document must be byte-identical to the one sources.csv pins: restore it, or "
        "for a new source give its sha256 (sha256sum FILE) in sources.csv.",
    )
    assert digest(repo / "data") == before


def test_a_new_source_absent_from_the_folder_is_refused(repo, upd):
    new_source = {
        **SOURCES[0],
        "source_id": "paper-2025-02-01",
        "document": "902_absent.txt",
        "sha256": sha(TEXT),
    }
    write_table(upd / "sources.csv", [new_source])
    result = run_submit(upd / "sources.csv")
    assert result.exit_code == 1
    assert "[document-missing] document 902_absent.txt is not in" in result.output


def test_a_source_without_a_document_pins_nothing_and_is_not_checked(make_repo, monkeypatch, upd):
    repo = make_repo()  # its source names no document
    monkeypatch.chdir(repo)
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(upd / "nowhere"))
    write_table(upd / "claims.csv", [held(quote="About 4,500 of them")])
    assert run_submit(upd / "claims.csv").exit_code == 0


def test_existing_rows_are_not_checked_again(repo, upd, docs):
    """Only what a submission adds is refused: an old wrong row is coverage's (and repair's)."""
    claims = (repo / "data" / "claims.csv").read_text()
    assert "Russia has recruited 140,000 to 180,000 prisoners" in claims
    (docs / DOC).write_text(TEXT, encoding="utf-8")
    write_table(upd / "claims.csv", [held()])
    assert run_submit(upd / "claims.csv").exit_code == 0


def test_closest_passage_is_bounded_and_local():
    from manpower.contributing.coverage import closest_passage

    text = "\n".join(f"Line {n}: nothing to see here at all." for n in range(5000))
    text += "\nAbout 4,500 of them are still held in camps, two years on.\n"
    got = closest_passage(text, "About 4,600 of them are still held in camps")
    assert got.startswith("About 4,500 of them are still held in camps")
    assert closest_passage("", "anything") == ""
