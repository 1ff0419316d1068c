"""CITATION.cff, the README and datapackage.json cite the package as schemas/package.json says."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT
from manpower.errors import ManpowerError
from manpower.views.citation import citation, from_metadata, mismatches, read_cff


def test_citation_files_agree_with_metadata():
    assert mismatches(ROOT) == []


def test_reference_text():
    meta = json.loads((ROOT / "schemas" / "package.json").read_text())
    cite = citation(ROOT)
    assert cite.title == meta["title"]
    assert cite.version == meta["version"]
    released = from_metadata(
        {**meta, "version": "1.2.0", "created": "2026-03-01T00:00:00Z", "homepage": "https://x.org"}
    )
    assert released.text() == (
        f"manpower contributors (2026). {meta['title']}. Data package, version 1.2.0, "
        "released 2026-03-01. https://x.org."
    )


@pytest.fixture
def copy(tmp_path):
    for name in ("CITATION.cff", "README.md", "datapackage.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    return tmp_path


def test_release_without_citation_update_is_caught(copy):
    meta_path = copy / "schemas" / "package.json"
    meta = json.loads(meta_path.read_text())
    # whatever release the project is at: the CITATION.cff of that release, then new metadata
    cff = read_cff(copy)
    keys = ("version", "date-released", "url")
    old = tuple(None if v is None else str(v) for v in map(cff.get, keys))
    meta.update(version="9.9.9", created="2999-03-01T00:00:00Z", homepage="https://x.invalid")
    meta_path.write_text(json.dumps(meta))
    assert mismatches(copy) == [
        f"CITATION.cff: version is {old[0]!r}, schemas/package.json says '9.9.9'",
        f"CITATION.cff: date-released is {old[1]!r}, schemas/package.json says '2999-03-01'",
        f"CITATION.cff: url is {old[2]!r}, schemas/package.json says 'https://x.invalid'",
        f"datapackage.json: version is {old[0]!r}, expected '9.9.9'",
        f"README.md: 'How to cite' does not give the reference {from_metadata(meta).text()!r}",
    ]


def test_broken_cff_is_a_clear_error(copy):
    (copy / "CITATION.cff").write_text("title: [unclosed\n")
    with pytest.raises(ManpowerError, match=r"CITATION\.cff: not valid YAML"):
        mismatches(copy)
