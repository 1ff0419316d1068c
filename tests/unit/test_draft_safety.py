"""`manpower draft` helps and never destroys (issue 19 item 4; issue 22 items 1, 10 and 15).

It never replaces an existing file without --force, never writes into data/, warns about a
document outside the documents folder, proposes exclusions beside the claims, says when a
document is covered already, never reads figures inside terminal control sequences, and works
in linear time with bounded messages.
"""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from click.testing import CliRunner

from conftest import SOURCES, digest
from manpower.cli import cli
from manpower.limits import MAX_DOCUMENT_BYTES, MAX_MESSAGE_CHARS
from manpower.text_numbers import find_figures

TEXT = (
    "Prisoners in Numbers\n"
    "Russia has recruited 140,000 to 180,000 prisoners, the agency said on Jan. 2. About 7% "
    "were officers. Up to 3,000 more will sign up in 2025, and at least four escaped.\n"
    "The 3rd Assault Brigade has served for two years under Article 337.\n"
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def repo(make_repo, tmp_path, monkeypatch):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "article.txt").write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(documents))
    root = make_repo()
    monkeypatch.chdir(root)
    return root


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("neighbour", ["claims.csv", "sources.csv", "exclusions.csv"])
def test_an_existing_file_is_never_replaced_without_force(repo, tmp_path, neighbour):
    out = tmp_path / "drafts" / "claims.csv"
    out.parent.mkdir()
    existing = out.parent / neighbour
    existing.write_text("my filled rows\n", encoding="utf-8")
    before = {p.name: sha(p) for p in out.parent.iterdir()}
    document = tmp_path / "documents" / "article.txt"
    result = run("draft", str(document), "--source-id", "wire-2025-01-03", "--out", str(out))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {existing} exists already: draft leaves it as it is; give another --out, move "
        "the file away, or add --force to replace it"
    ]
    assert {p.name: sha(p) for p in out.parent.iterdir()} == before
    forced = run(
        "draft", str(document), "--source-id", "wire-2025-01-03", "--out", str(out), "--force"
    )
    assert forced.exit_code == 0, forced.output
    assert {p.name for p in out.parent.iterdir()} == {"claims.csv", "sources.csv", "exclusions.csv"}
    assert existing.read_text(encoding="utf-8") != "my filled rows\n"


@pytest.mark.parametrize("name", ["my-draft.csv", "claims.csv", "sub/claims.csv"])
@pytest.mark.parametrize("force", [False, True])
def test_draft_never_writes_into_data(repo, tmp_path, name, force):
    before = digest(repo)
    document = tmp_path / "documents" / "article.txt"
    args = ["draft", str(document), "--source-id", "brand-new-2026", "--out", f"data/{name}"]
    result = run(*args, *(["--force"] if force else []))
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert "is in the curated data/ folder, which only `manpower submit` changes" in line
    assert digest(repo) == before


def test_a_document_outside_the_documents_folder_is_warned_about(repo, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(TEXT, encoding="utf-8")
    result = run("draft", str(elsewhere), "--source-id", "wire-2025-01-03")
    assert result.exit_code == 0
    assert f"Warning: {elsewhere} is outside the documents folder" in result.stderr
    inside = run("draft", str(tmp_path / "documents" / "article.txt"), "--source-id", "w-1")
    assert "Warning" not in inside.stderr


def test_plain_non_claims_are_proposed_as_exclusions_beside_the_claims(repo, tmp_path):
    out = tmp_path / "drafts" / "claims.csv"
    document = tmp_path / "documents" / "article.txt"
    result = run("draft", str(document), "--source-id", "wire-2025-01-03", "--out", str(out))
    assert result.exit_code == 0, result.output
    proposed = rows((out.parent / "exclusions.csv").read_text(encoding="utf-8"))
    assert [(x["exclusion_id"], x["figure"], x["reason"]) for x in proposed] == [
        ("wire-2025-01-03-x01", "3rd", "unit_or_model_name"),
        ("wire-2025-01-03-x02", "two", "date_or_duration"),
        ("wire-2025-01-03-x03", "337", "other"),
    ]
    assert all(x["excerpt"] in TEXT and x["notes"] for x in proposed)
    claims = rows(out.read_text(encoding="utf-8"))
    assert [c["value_kind"] for c in claims] == ["range", "approximate", "up_to", "at_least"]
    assert "(3 proposed as exclusions)" in result.stdout


def test_the_source_row_takes_the_headline_date_and_language(repo, tmp_path):
    document = tmp_path / "documents" / "page.txt"
    document.write_text(
        "- Category\nSkip to content\nNews / War\nRussia recruits 5,000 more\n"
        "by A. Writer January 3, 2025 9:57 AM\n\nThe ministry said 5,000 men signed up.\n",
        encoding="utf-8",
    )
    out = tmp_path / "d" / "claims.csv"
    assert run("draft", str(document), "--source-id", "x-1", "--out", str(out)).exit_code == 0
    (source,) = rows((out.parent / "sources.csv").read_text(encoding="utf-8"))
    assert (source["title"], source["published_date"], source["language"]) == (
        "Russia recruits 5,000 more",
        "2025-01-03",
        "en",
    )
    proposed = rows((out.parent / "exclusions.csv").read_text(encoding="utf-8"))
    assert [(x["figure"], x["reason"]) for x in proposed] == [("5,000", "headline_repeat")]


def test_a_covered_document_says_so_instead_of_an_empty_draft(make_repo, tmp_path, monkeypatch):
    documents = tmp_path / "documents"
    documents.mkdir()
    text = "Russia has recruited 140,000 to 180,000 prisoners\n"
    (documents / "article.txt").write_text(text, encoding="utf-8")
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(documents))
    source = {**SOURCES[0], "document": "article.txt"}
    root = make_repo(sources=[source])
    monkeypatch.chdir(root)
    out = tmp_path / "drafts" / "claims.csv"
    result = run(
        "draft",
        str(documents / "article.txt"),
        "--source-id",
        "paper-2025-01-03",
        "--out",
        str(out),
    )
    assert result.exit_code == 0
    assert result.output == (
        "paper-2025-01-03: already covered: 1 figure in article.txt, each a claim or an "
        "exclusion; nothing to draft.\n"
    )
    assert not out.parent.exists()


def test_figures_are_never_read_inside_control_sequences(repo, tmp_path):
    text = (
        "Title\x1b]0;window 555 title\x07 here\n"
        "About \x1b[31m7%\x1b[0m were officers, said \x1b]8;;http://x/9999\x1b\\link\x1b]8;;\x1b\\.\n"
    )
    assert [f.text for f in find_figures(text)] == ["7%"]
    document = tmp_path / "documents" / "esc.txt"
    document.write_text(text, encoding="utf-8")
    result = run("draft", str(document), "--source-id", "esc-1")
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert [r["value"] for r in rows(result.stdout)] == ["7"]


@pytest.mark.slow  # about 4 s on a shared 2-core machine; it took 56 s before
def test_draft_and_coverage_are_linear_and_their_messages_bounded(make_repo, tmp_path, monkeypatch):
    """A one-line document of ~150 KB (issue 22 item 15: it took 56 s and 850 MB)."""
    documents = tmp_path / "documents"
    documents.mkdir()
    line = " ".join(
        f"Officials said {n},{n % 1000:03d} soldiers left, and more." for n in range(3000)
    )
    assert 140_000 < len(line) < 200_000
    document = documents / "long.txt"
    document.write_text(line + "\n", encoding="utf-8")
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(documents))
    source = {**SOURCES[0], "document": "long.txt", "sha256": sha(document)}
    root = make_repo(sources=[source], claims=[])
    monkeypatch.chdir(root)
    # the time it takes is scripts/bench_figures.py's to measure (it grows linearly)
    drafted = run("draft", str(document), "--source-id", "paper-2025-01-03")
    assert drafted.exit_code == 0
    assert len(rows(drafted.stdout)) == 3000
    result = run("coverage", "--format", "text")
    assert result.exit_code == 1
    messages = result.output.strip().splitlines()
    assert len(messages) == 3001
    assert max(len(m) for m in messages) <= MAX_MESSAGE_CHARS


def test_a_document_over_the_size_limit_is_refused_in_one_line(repo, tmp_path):
    document = tmp_path / "documents" / "huge.txt"
    document.write_text("x" * (MAX_DOCUMENT_BYTES + 1), encoding="utf-8")
    result = run("draft", str(document), "--source-id", "huge-1")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: document huge.txt has {MAX_DOCUMENT_BYTES + 1:,} bytes, more than the "
        f"{MAX_DOCUMENT_BYTES:,} bytes a document may have"
    ]


HOSTILE = {
    "nines": "9" * 100_000,
    "thousands": "1" + ",000" * 25_000,
    "decimals": "1." + "9" * 100_000,
    "dotted": "9." * 50_000,
    "domain-like": "a." * 50_000,
    "no spaces": "x" * 100_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_run_too_long_for_a_figure_is_no_figure_and_reads_in_linear_time(text):
    """Issue 22 item 15: a long run of digits (or of any non-space text) was scanned again from
    each of its positions: 100,000 9s took about 10 s, '1' + ',000' * 249000 minutes. A run of
    more than MAX_DIGITS digits is no figure; every pattern reads a run once (the time is
    scripts/bench_figures.py's to measure)."""
    assert find_figures(f"Russia recruited {text} soldiers.") == []


def test_figures_are_read_up_to_the_grammar_bound_and_no_further():
    values = [
        (f.text, sorted(f.values))
        for f in find_figures(
            "a 999999999999999 b 9999999999999999 c 1,000,000,000,000 d 1,000,000,000,000,000 "
            "e 1.5 f 0.1234567890123456"
        )
    ]
    assert values == [
        ("999999999999999", [999999999999999.0]),
        ("1,000,000,000,000", [1e12]),
        ("1.5", [1.5]),
    ]
    ru = find_figures("было 9 999 999 999 999 999 человек и 5 000 человек", "ru")
    assert [(f.text, sorted(f.values)) for f in ru] == [("5 000", [5000.0])]


@pytest.mark.parametrize(
    ("middle", "expected"),
    [
        ("9" * 400, []),
        ("9" * 20, []),
        ("5 million million million", [("5 million million million", "other")]),
    ],
)
def test_a_figure_past_the_number_grammar_never_crashes_nor_is_rounded(
    repo, tmp_path, middle, expected
):
    """Issue 22 item 15: 400 nines crashed draft (OverflowError), 20 digits drafted rounded."""
    document = tmp_path / "documents" / "big.txt"
    document.write_text(f"Headline here\n\nIn 2024 Russia recruited {middle} soldiers.\n")
    out = tmp_path / "drafts" / "claims.csv"
    result = run("draft", str(document), "--source-id", "big-1", "--out", str(out))
    assert result.exit_code == 0, result.output
    claims = rows(out.read_text(encoding="utf-8"))
    assert claims == []
    exclusions = out.parent / "exclusions.csv"
    proposed = rows(exclusions.read_text(encoding="utf-8")) if exclusions.exists() else []
    assert [(x["figure"], x["reason"]) for x in proposed] == expected


def test_coverage_messages_stay_bounded_for_a_long_line(make_repo, tmp_path, monkeypatch):
    """Issue 22 item 15: a 160,000-character line echoed whole (a 320,086-character message)."""
    documents = tmp_path / "documents"
    documents.mkdir()
    document = documents / "long.txt"
    document.write_text(
        "9" * 160_000 + "\nThey said 5" + " " * 5_000 + "million left, and 7 more.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(documents))
    source = {**SOURCES[0], "document": "long.txt", "sha256": sha(document)}
    root = make_repo(sources=[source], claims=[])
    monkeypatch.chdir(root)
    result = run("coverage", "--format", "text")
    assert result.exit_code == 1
    messages = result.output.strip().splitlines()
    assert len(messages) == 3, messages
    assert max(len(m) for m in messages) <= MAX_MESSAGE_CHARS
