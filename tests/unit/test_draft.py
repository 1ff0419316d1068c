"""`manpower draft`: a claims CSV for the figures of a document nobody has accounted for yet."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, SOURCES, digest, write_table
from manpower.cli import cli
from manpower.config import documents_dir
from manpower.contributing.draft import sentence_around
from manpower.text_numbers import draft_kind

DOCUMENTS = documents_dir(ROOT)
TEXT = (
    "Prisoners in Numbers\n"
    "Russia has recruited 140,000 to 180,000 prisoners, the agency said on Jan. 2. About 7% "
    "were officers. Up to 3,000 more will sign up in 2025, and at least four escaped.\n"
)
HINT = (
    "Fill metric_id, claimant_id, period_end, date_precision and verification; check value_kind "
    "and the values against the quote. If the figure is not a claim (a date, an age limit, a "
    "headline repeat...), move it to exclusions.csv instead."
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("quote", "value", "kind"),
    [
        ("More than 10,000 Russian soldiers", 10000, "more_than"),
        ("over 6,000 Russian POWs", 6000, "more_than"),
        ("topping 400,000 last year", 400000, "more_than"),
        ("at least 237 former POWs", 237, "at_least"),
        ("has recruited up to 180,000 convicts", 180000, "up_to"),
        ("to be as high as 18,000", 18000, "up_to"),
        ("fewer than 500 men", 500, "less_than"),
        ("about $50,000 in various bonuses", 50000, "approximate"),
        ("nearly 10% of troops", 10, "approximate"),
        ("an average of 60 to 90 Russian troops", 90, "range"),
        ("between 18 and 65 years old", 18, "range"),
        ("70,000 soldiers will desert in 2025", 70000, "forecast"),
        ("the number peaked at 350 in a single week", 350, "exact"),
    ],
)
def test_draft_kind(quote, value, kind):
    assert draft_kind(quote, value) == kind


def test_sentence_around_stops_at_sentence_ends_not_abbreviations():
    text = "It began on Jan. 2. Then 40 came, said the U.S. envoy. Next line\nAnother 5."
    at = text.index("40")
    assert sentence_around(text, at, at + 2) == "Then 40 came, said the U.S. envoy."


def test_a_long_sentence_is_cut_to_its_clauses():
    text = "Officials said, " + "after long talks, " * 20 + "that 640 were listed, it said."
    at = text.index("640")
    quote = sentence_around(text, at, at + 3)
    assert "640" in quote and len(quote) <= 300 and quote in text


def setup(make_repo, tmp_path, monkeypatch, source=True):
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    sources = [{**SOURCES[0], "document": "article.txt"}] if source else SOURCES
    repo = make_repo(sources=sources)
    monkeypatch.chdir(repo)
    return repo, path


def test_draft_of_an_existing_source_numbers_after_its_claims(make_repo, tmp_path, monkeypatch):
    repo, path = setup(make_repo, tmp_path, monkeypatch)
    before = digest(repo)
    result = run("draft", str(path), "--source-id", "paper-2025-01-03")
    assert result.exit_code == 0, result.output
    drafted = rows(result.stdout)
    # 140,000 to 180,000 is claim -01 already (its quote is in the text); the rest is new
    assert [
        (r["claim_id"], r["value_kind"], r["value_low"], r["value"], r["value_high"], r["quote"])
        for r in drafted
    ] == [
        ("paper-2025-01-03-02", "approximate", "", "7", "", "About 7% were officers."),
        (
            "paper-2025-01-03-03",
            "up_to",
            "",
            "",
            "3000",
            "Up to 3,000 more will sign up in 2025, and at least four escaped.",
        ),
        (
            "paper-2025-01-03-04",
            "at_least",
            "4",
            "",
            "",
            "Up to 3,000 more will sign up in 2025, and at least four escaped.",
        ),
    ]
    hint = HINT.replace(
        "verification;",
        "verification (most used in this document: metric_id convicts_recruited_cumulative; "
        "claimant_id ua-szru);",
    )
    assert {r["notes"] for r in drafted} == {hint}
    assert {r["metric_id"] + r["claimant_id"] + r["period_end"] for r in drafted} == {""}
    assert digest(repo) == before


def test_draft_of_a_new_source_writes_its_sources_row(make_repo, tmp_path, monkeypatch):
    _repo, path = setup(make_repo, tmp_path, monkeypatch, source=False)
    out = tmp_path / "drafts" / "claims.csv"
    result = run("draft", str(path), "--source-id", "wire-2025-01-03-convicts", "--out", str(out))
    assert result.exit_code == 0, result.output
    sources = tmp_path / "drafts" / "sources.csv"
    assert result.stdout == (
        f"Drafted 4 claims from article.txt: {out}, {sources}. Fill the empty cells, then run "
        f"`manpower submit {sources} {out}`.\n"
    )
    drafted = rows(out.read_text(encoding="utf-8"))
    assert [r["claim_id"] for r in drafted] == [
        f"wire-2025-01-03-convicts-0{n}" for n in range(1, 5)
    ]
    assert drafted[0]["value_kind"] == "range"
    assert (drafted[0]["value_low"], drafted[0]["value_high"]) == ("140000", "180000")
    assert {r["notes"] for r in drafted} == {HINT}
    (source,) = rows(sources.read_text(encoding="utf-8"))
    assert source == {
        "source_id": "wire-2025-01-03-convicts",
        "title": "Prisoners in Numbers",
        "publisher": "",
        "author": "",
        "published_date": "",
        "url": "",
        "language": "en",
        "document": "article.txt",
        "sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
        "notes": "Fill publisher, author and url only as the document states them; leave the "
        "others empty and say here why. Title: the document's headline; check it.",
        **dict.fromkeys(("kind", "repository", "commit", "licence", "attribution"), ""),
        "snapshot_date": "",
    }


def test_draft_refuses_a_source_id_that_is_not_a_slug(make_repo, tmp_path, monkeypatch):
    _repo, path = setup(make_repo, tmp_path, monkeypatch, source=False)
    out = tmp_path / "claims.csv"
    result = run("draft", str(path), "--source-id", "Wire 2025", "--out", str(out))
    assert result.exit_code == 1
    assert result.output == (
        "Error: source id 'Wire 2025' is not a slug: use lower-case letters, digits and single "
        "hyphens, e.g. examplenews-2026-01-15-pows\n"
    )
    assert not out.exists()


def test_draft_refuses_a_document_other_than_the_pinned_one(make_repo, tmp_path, monkeypatch):
    pinned = "0" * 64
    repo = make_repo(sources=[{**SOURCES[0], "document": "a.txt", "sha256": pinned}])
    monkeypatch.chdir(repo)
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = run("draft", str(path), "--source-id", "paper-2025-01-03")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: a.txt is not the document pinned for paper-2025-01-03 (sha256 "
        f"{hashlib.sha256(TEXT.encode()).hexdigest()}, sources.csv has {pinned}): draft from the "
        "archived copy a.txt\n"
    )


def test_a_drafted_row_once_filled_is_accepted_by_submit(make_repo, tmp_path, monkeypatch):
    repo, path = setup(make_repo, tmp_path, monkeypatch)
    out = tmp_path / "claims.csv"
    result = run("draft", str(path), "--source-id", "paper-2025-01-03", "--out", str(out))
    assert result.exit_code == 0, result.output
    first = rows(out.read_text(encoding="utf-8"))[0]
    filled = {
        **first,
        "metric_id": "pow_share_by_rank",
        "category": "officer",
        "claimant_id": "ua-szru",
        "period_end": "2024-12-31",
        "date_precision": "year",
        "verification": "unverified",
        "notes": "",
    }
    write_table(out, [filled])
    # submit checks the quote against the pinned document (issue 19): pin it, in its folder
    pinned = hashlib.sha256(path.read_bytes()).hexdigest()
    write_table(
        repo / "data" / "sources.csv", [{**SOURCES[0], "document": path.name, "sha256": pinned}]
    )
    monkeypatch.setenv("MANPOWER_DOCUMENTS", str(path.parent))
    result = run("submit", str(out))
    assert result.exit_code == 0, result.output
    assert "paper-2025-01-03-02" in (repo / "data" / "claims.csv").read_text(encoding="utf-8")


@pytest.mark.skipif(not DOCUMENTS.is_dir(), reason=f"no documents folder at {DOCUMENTS}")
def test_draft_recovers_the_curated_claims():
    spec = importlib.util.spec_from_file_location("draft_recall", ROOT / "scripts/draft_recall.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    per_source = module.recall(ROOT, DOCUMENTS)
    assert len(per_source) == 5
    got = sum(r[1] for r in per_source)
    total = sum(r[2] for r in per_source)
    assert total and got / total >= 0.9, per_source
