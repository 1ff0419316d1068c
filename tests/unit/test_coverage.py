"""`manpower coverage`: every figure of every archived document is a claim or an exclusion."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CLAIM, ROOT, SOURCES, claim, write_table
from manpower.cli import cli
from manpower.config import documents_dir
from manpower.contributing.coverage import account, read_rows
from manpower.contributing.figures import find_figures

DOCUMENTS = documents_dir(ROOT)
needs_documents = pytest.mark.skipif(
    not DOCUMENTS.is_dir(), reason=f"no documents folder at {DOCUMENTS} (MANPOWER_DOCUMENTS)"
)
TEXT = (
    "Prisoners in Numbers\n"
    "Russia has recruited 140,000 to 180,000 prisoners, the agency said on Jan. 2, 2025.\n"
    "About 7% were officers; at least four escaped in 2024 at 9:57 AM.\n"
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def texts(text: str) -> list[str]:
    return [f.text for f in find_figures(text)]


def test_figure_forms_are_found_and_dates_are_not():
    text = (
        "10,000 and 50 554 and 3.5 and 7% and $3,524 and 1 million and six and half and "
        "six times and 60 to 90 and 60-90 and 2–3 and two to four times and between 18 and 65 "
        "and two dozen and thousands and tens of thousands and the 20th and the fourth and "
        "similar numbers, on December 31, Jan. 2, 2025-12-15, 9:57 AM, in 2024, "
        "https://example.org/2025/06/09/a-89 and photo-111f0e5.jpeg)"
    )
    assert texts(text) == [
        "10,000", "50 554", "3.5", "7%", "$3,524", "1 million", "six", "half", "six times",
        "60 to 90", "60-90", "2–3", "two to four times", "between 18 and 65", "two dozen",
        "thousands", "tens of thousands", "20th", "fourth", "similar numbers",
    ]  # fmt: skip


def test_figure_values_follow_the_quote_grammar():
    found = {f.text: set(f.values) for f in find_figures("1 million, 60 to 90, half, thousands")}
    assert found == {
        "1 million": {1_000_000.0},  # a multiplier belongs to its number
        "60 to 90": {60.0, 90.0},
        "half": {0.5, 50.0},
        "thousands": set(),
    }


def doc_repo(make_repo, tmp_path, monkeypatch, claims, exclusions=(), text=TEXT) -> Path:
    """A package whose one source has an archived document in $MANPOWER_DOCUMENTS."""
    folder = tmp_path / "documents"
    folder.mkdir(exist_ok=True)
    (folder / "000_test.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source = {**SOURCES[0], "document": "000_test.txt", "sha256": digest}
    repo = make_repo(claims=list(claims), sources=[source])
    write_table(repo / "data" / "exclusions.csv", list(exclusions))
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(folder))
    monkeypatch.chdir(repo)
    return repo


HEADLINE = {
    "exclusion_id": "paper-2025-01-03-x01",
    "source_id": "paper-2025-01-03",
    "excerpt": "at least four escaped",
    "figure": "four",
    "reason": "other",
    "notes": "Test row.",
}
PERCENT = claim(
    claim_id="paper-2025-01-03-02",
    metric_id="pow_share_by_rank",
    value_kind="approximate",
    value_low="",
    value="7",
    value_high="",
    quote="About 7% were officers",
)


def test_every_figure_accounted_for_exits_0(make_repo, tmp_path, monkeypatch):
    doc_repo(make_repo, tmp_path, monkeypatch, [CLAIM, PERCENT], [HEADLINE])
    result = run("coverage")
    assert result.exit_code == 0, result.output
    assert result.output == "covered: 3 figures in 1 document, each a claim or an exclusion\n"


def test_unaccounted_figure_is_named_with_line_and_context(make_repo, tmp_path, monkeypatch):
    doc_repo(make_repo, tmp_path, monkeypatch, [CLAIM], [HEADLINE])
    result = run("coverage")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "000_test.txt:3: [unaccounted] figure '7%' is neither in a claim nor in an exclusion: "
        "About 7% were officers; at least four escaped in 2024 at 9:57 AM.",
        "not covered: 1 problem (3 figures in 1 document). Fix: add a claim whose quote states "
        "the figure (`manpower draft` writes one), or a row of data/exclusions.csv saying why it "
        "is not a claim",
    ]


def test_a_quote_holding_the_figure_but_another_value_does_not_account_for_it(
    make_repo, tmp_path, monkeypatch
):
    # both claims quote the sentence; the one stating 7 is gone, so 7% is unaccounted
    other = {**PERCENT, "value": "8", "notes": "wrong value on purpose"}
    doc_repo(make_repo, tmp_path, monkeypatch, [CLAIM, other], [HEADLINE])
    result = run("coverage", "--format", "json")
    assert result.exit_code == 1
    gaps = [(g["kind"], g["figure"]) for g in __import__("json").loads(result.output)["gaps"]]
    assert gaps == [("unaccounted", "7%")]


def test_quote_missing_exclusion_stale_and_document_changed(make_repo, tmp_path, monkeypatch):
    moved = claim(quote="Russia has recruited 150,000 prisoners")
    stale = {**HEADLINE, "excerpt": "at least five escaped", "figure": "five"}
    repo = doc_repo(make_repo, tmp_path, monkeypatch, [moved, PERCENT], [stale])
    (tmp_path / "documents" / "000_test.txt").write_text(TEXT + "\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (repo / "data").iterdir()}
    result = run("coverage")
    assert result.exit_code == 1
    digest = hashlib.sha256((TEXT + "\n").encode()).hexdigest()
    pinned = hashlib.sha256(TEXT.encode()).hexdigest()
    lines = result.output.splitlines()
    assert lines[:3] == [
        f"000_test.txt: [document-changed] document 000_test.txt has sha256 {digest}, "
        f"sources.csv pins {pinned}",
        "000_test.txt: [quote-not-found] claim paper-2025-01-03-01: its quote is not in the "
        "document",
        "000_test.txt: [exclusion-not-found] exclusion paper-2025-01-03-x01: its excerpt is not "
        "in the document",
    ]
    assert {p: p.read_bytes() for p in (repo / "data").iterdir()} == before


def test_exclusion_with_reason_other_needs_notes(make_repo, tmp_path, monkeypatch):
    doc_repo(make_repo, tmp_path, monkeypatch, [CLAIM, PERCENT], [{**HEADLINE, "notes": ""}])
    result = run("coverage")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "000_test.txt: [exclusion-not-found] exclusion paper-2025-01-03-x01: reason other needs "
        "notes saying why it is not a claim"
    )


def test_github_format_annotates_the_table_to_change(make_repo, tmp_path, monkeypatch):
    doc_repo(make_repo, tmp_path, monkeypatch, [CLAIM], [HEADLINE])
    result = run("coverage", "--format", "github")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "::error file=data/claims.csv,title=unaccounted::000_test.txt:3: [unaccounted] figure "
        "'7%25' is neither in a claim nor in an exclusion: About 7%25 were officers; at least "
        "four escaped in 2024 at 9:57 AM."
    )


def test_no_documents_folder_says_so_once(make_repo, tmp_path, monkeypatch):
    doc_repo(make_repo, tmp_path, monkeypatch, [CLAIM])
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(tmp_path / "nowhere"))
    result = run("coverage")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no documents folder at {tmp_path / 'nowhere'}: set MANPOWER_DOCUMENTS to the "
        "folder holding the archived documents named in sources.csv\n"
    )


def test_unknown_source_id_is_a_usage_error_with_a_suggestion(make_repo, tmp_path, monkeypatch):
    doc_repo(make_repo, tmp_path, monkeypatch, [CLAIM])
    result = run("coverage", "paper-2025-01-30")
    assert result.exit_code == 2
    assert result.output == (
        "Error: unknown source_id 'paper-2025-01-30': did you mean paper-2025-01-03?\n"
    )


# --- The curated data -----------------------------------------------------------------------


@needs_documents
def test_curated_documents_are_fully_covered():
    result = CliRunner().invoke(cli, ["coverage"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("covered: ")


def _rows() -> list[tuple[str, dict[str, str]]]:
    # the rows of the documents (articles); a dataset snapshot's records are checked through
    # their mapping (tests/unit/test_dataset_import.py deletes a claim of one)
    datasets = {
        s["source_id"]
        for s in read_rows(ROOT / "data" / "sources.csv")
        if s.get("kind") == "dataset"
    }
    claims = [c for c in read_rows(ROOT / "data" / "claims.csv") if c["source_id"] not in datasets]
    exclusions = read_rows(ROOT / "data" / "exclusions.csv")
    return [("claims", c) for c in claims] + [("exclusions", x) for x in exclusions]


@needs_documents
@pytest.mark.parametrize(
    ("table", "row"), _rows(), ids=[r.get("claim_id") or r["exclusion_id"] for _, r in _rows()]
)
def test_deleting_any_row_leaves_its_figure_unaccounted(table, row):
    sources = {s["source_id"]: s for s in read_rows(ROOT / "data" / "sources.csv")}
    source = sources[row["source_id"]]
    text = (DOCUMENTS / source["document"]).read_text(encoding="utf-8")
    mine = {
        t: [r for r in read_rows(ROOT / "data" / f"{t}.csv") if r["source_id"] == row["source_id"]]
        for t in ("claims", "exclusions")
    }
    whole, gaps = account(source["source_id"], source["document"], text, *mine.values())
    assert gaps == []
    ident = row.get("claim_id") or row["exclusion_id"]
    own = [whole.figures[i].text for i, ids in whole.accounted.items() if ident in ids]
    assert own, f"{ident} accounts for no figure of its document"
    mine[table] = [r for r in mine[table] if r is not row and r != row]
    _, gaps = account(source["source_id"], source["document"], text, *mine.values())
    named = {g.figure for g in gaps if g.kind == "unaccounted"}
    assert named and named <= set(own), (ident, named, own)


@needs_documents
def test_deleting_a_curated_claim_fails_the_command(tmp_path, monkeypatch):
    import shutil

    repo = tmp_path / "repo"
    for name in ("schemas", "data"):
        shutil.copytree(ROOT / name, repo / name)
    path = repo / "data" / "claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    weekly = "an average of 60 to 90 Russian troops surrender each week"
    gone = next(r for r in rows if r["quote"] == weekly)
    write_table(path, [r for r in rows if r is not gone])
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(DOCUMENTS))
    monkeypatch.chdir(repo)
    result = run("coverage", gone["source_id"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "000_bf2b20cb3962651c.txt:9: [unaccounted] figure '60 to 90' is neither in a claim nor "
        "in an exclusion: According to the project’s data, an average of 60 to 90 Russian troops "
        "surrender each week. In August 2024 alone, the number peaked at 350 in a single week. "
        "Since June 2023, Russian forces have been captured more frequently than Ukrainian "
        "troops, reversing earlier trends."
    )
