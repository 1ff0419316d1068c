"""The curated data: valid, quoted verbatim from its documents, in step with the build."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import ROOT
from manpower.config import datasets_dir, documents_dir
from manpower.descriptor import build_descriptor, dumps
from manpower.flat_table import flat_rows
from manpower.validation.runner import validate

SOURCES_DIR = documents_dir(ROOT)  # $MANPOWER_DOCUMENTS, else ../shared/sources
DATASETS_DIR = datasets_dir(ROOT)  # $MANPOWER_DATASETS, else ../shared/datasets


def folder_of(source: dict[str, str]):
    """Where a source's archived file is: a dataset snapshot or a document."""
    return DATASETS_DIR if source.get("kind") == "dataset" else SOURCES_DIR


def rows(table: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_curated_package_is_valid():
    report = validate(ROOT)
    assert [p.to_dict() for p in report.problems] == []
    assert report.rows["claims"] >= 50


@pytest.mark.documents
@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources is not beside the repo")
def test_every_quote_is_verbatim_from_its_document():
    from manpower.contributing.datasets import one_line

    sources = {s["source_id"]: s for s in rows("sources")}
    texts = {
        sid: (folder_of(s) / s["document"]).read_text(encoding="utf-8")
        for sid, s in sources.items()
    }
    # a dataset's quote is its record on one line (layout whitespace as single spaces)
    texts = {
        sid: one_line(text) if sources[sid].get("kind") == "dataset" else text
        for sid, text in texts.items()
    }
    missing = [c["claim_id"] for c in rows("claims") if c["quote"] not in texts[c["source_id"]]]
    assert missing == []


@pytest.mark.documents
@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources is not beside the repo")
def test_every_document_is_pinned_by_its_sha256():
    from manpower.files import sha256_file

    sources = [s for s in rows("sources") if s["document"]]
    pinned = {s["document"]: s["sha256"] for s in sources}
    assert pinned == {s["document"]: sha256_file(folder_of(s) / s["document"]) for s in sources}


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources is not beside the repo")
def test_every_document_is_a_source_with_claims():
    documents = {s["document"]: s["source_id"] for s in rows("sources") if s["kind"] != "dataset"}
    assert sorted(documents) == sorted(p.name for p in SOURCES_DIR.glob("*.txt"))
    claimed = {c["source_id"] for c in rows("claims")}
    assert set(documents.values()) <= claimed


def test_datapackage_json_is_generated_from_the_files():
    committed = (ROOT / "datapackage.json").read_text(encoding="utf-8")
    assert committed == dumps(build_descriptor(ROOT)), "stale: run make build"


def test_flat_table_is_current():
    header, expected = flat_rows(ROOT)
    with (ROOT / "data" / "derived" / "claims_flat.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == header
        assert list(reader) == expected


def test_frictionless_validates_the_published_descriptor():
    from frictionless import Package

    report = Package(str(ROOT / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "rowNumber", "fieldName", "note"])


def test_descriptor_metadata():
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert [lic["name"] for lic in package["licenses"]] == ["CC-BY-4.0", "MIT"]
    for resource in package["resources"]:
        path = ROOT / resource["path"]
        assert resource["bytes"] == path.stat().st_size
        assert resource["hash"].startswith("sha256:")
        assert resource["rows"] == len(list(csv.DictReader(path.open(encoding="utf-8"))))
    # version and created come from schemas/package.json, set by a release, never by the build
    meta = json.loads((ROOT / "schemas" / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == meta["version"]
    assert package.get("created") == meta["created"]


def test_validation_report_metric_matches():
    report = json.loads((ROOT / "reports" / "validation.json").read_text(encoding="utf-8"))
    assert report["valid"] is True
    assert report["rows"] == {
        t: len(rows(t)) for t in ("sources", "claimants", "metrics", "claims", "exclusions")
    }


def test_interpreted_claims_explain_themselves():
    for c in rows("claims"):
        if c["value_kind"] == "interpreted":
            assert c["notes"].strip(), c["claim_id"]


def test_empty_source_fields_are_explained():
    for s in rows("sources"):
        empty = [f for f in ("title", "publisher", "author", "published_date", "url") if not s[f]]
        if empty:
            assert s["notes"].strip(), f"{s['source_id']} leaves {empty} empty without a note"


LEAK_WORDS = ("internal russian documents", "leaked", "slides")


def test_leaked_documents_are_credited_to_their_authors_with_every_relay_in_via():
    """Claimant = who produced the figure; via = every relay, nearest the claimant first."""
    claimants = {c["claimant_id"]: c for c in rows("claimants")}
    leaked = [
        c
        for c in rows("claims")
        if any(w in f"{c['quote']} {c['via']} {c['notes']}".lower() for w in LEAK_WORDS)
    ]
    assert {c["claim_id"].rsplit("-", 1)[1] for c in leaked} >= {"03", "04", "05"}
    for c in leaked:
        claimant = claimants[c["claimant_id"]]
        assert "documents" in claimant["name"].lower(), c["claim_id"]
        assert claimant["type"] != "media", c["claim_id"]
        relays = c["via"].split(" > ")
        # the producer is not a relay; the outlet that reported the documents is the first one
        assert not any(w in c["via"].lower() for w in LEAK_WORDS), c["claim_id"]
        assert all(r.strip() == r and r for r in relays), c["claim_id"]
        assert relays[0].split(" on ")[0] in c["quote"] + c["notes"], c["claim_id"]
    by_id = {c["claim_id"]: c for c in leaked}
    assert by_id["article-2025-12-15-russian-desertion-03"]["via"] == (
        "The Times > Tymofiy Mylovanov on X"
    )
    assert by_id["article-2025-12-15-russian-desertion-05"]["via"] == (
        "Frontelligence Insight > United24 > The Daily Digest"
    )


def test_via_never_names_the_claimant():
    claimants = {c["claimant_id"]: c["name"] for c in rows("claimants")}
    for c in rows("claims"):
        if c["via"]:
            assert claimants[c["claimant_id"]] not in c["via"].split(" > "), c["claim_id"]


UNDATED = {
    "article-2025-12-15-russian-desertion-09",
    "article-coordination-hq-pow-data-20",
    "article-coordination-hq-pow-data-23",
    "article-coordination-hq-pow-data-24",
    "article-coordination-hq-pow-data-25",
    # undated counts once recorded as month (issue 19)
    "article-russia-military-recruitment-incentives-06",
    "article-russia-military-recruitment-incentives-07",
    "article-russia-military-recruitment-incentives-08",
}


def test_undated_figures_are_marked_and_end_on_the_document_date():
    published = {s["source_id"]: s["published_date"] for s in rows("sources")}
    claims = rows("claims")
    undated = {c["claim_id"] for c in claims if c["date_precision"] == "undated"}
    assert undated >= UNDATED
    for c in claims:
        if c["date_precision"] != "undated":
            continue
        assert "Undated" in c["notes"], c["claim_id"]
        if published[c["source_id"]]:
            assert c["period_end"] == published[c["source_id"]], c["claim_id"]
        else:  # the document's implied date, argued in the source's notes
            assert c["period_end"] in c["notes"], c["claim_id"]


def test_no_running_total_has_an_assumed_start():
    """One rule (README, Conventions): a running total whose start the document does not state
    has an empty period_start, never an assumed 2022-02-24 (issue 19)."""
    import re

    assumed = [
        c["claim_id"]
        for c in rows("claims")
        if c["period_start"] and re.search(r"period_start[^.;]*\bassumed\b|\(assumed\)", c["notes"])
    ]
    assert assumed == []
