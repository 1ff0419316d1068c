"""The curated data: valid, quoted verbatim from its documents, in step with the build."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import ROOT
from manpower.derive import flat_rows
from manpower.descriptor import build_descriptor, dumps
from manpower.validate import validate

SOURCES_DIR = ROOT.parent / "shared" / "sources"


def rows(table: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_curated_package_is_valid():
    report = validate(ROOT)
    assert [p.to_dict() for p in report.problems] == []
    assert report.rows["claims"] >= 50


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources is not beside the repo")
def test_every_quote_is_verbatim_from_its_document():
    documents = {s["source_id"]: s["document"] for s in rows("sources")}
    texts = {
        name: (SOURCES_DIR / name).read_text(encoding="utf-8") for name in set(documents.values())
    }
    missing = [
        c["claim_id"] for c in rows("claims") if c["quote"] not in texts[documents[c["source_id"]]]
    ]
    assert missing == []


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="../shared/sources is not beside the repo")
def test_every_document_is_a_source_with_claims():
    documents = {s["document"]: s["source_id"] for s in rows("sources")}
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
        t: len(rows(t)) for t in ("sources", "claimants", "metrics", "claims")
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
