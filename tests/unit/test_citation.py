"""CITATION.cff, the README and datapackage.json cite the package as schemas/package.json says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from manpower.errors import ManpowerError
from manpower.paths import read_json
from manpower.views.citation import CFF, citation, from_metadata


def read_cff(root: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load((root / CFF).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManpowerError(f"{root / CFF}: file not found") from None
    except yaml.YAMLError as exc:
        raise ManpowerError(f"{root / CFF}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ManpowerError(f"{root / CFF}: expected a mapping at the top level")
    return data


def mismatches(root: Path) -> list[str]:
    """Where CITATION.cff, datapackage.json or the README disagree with the package metadata."""
    cite = citation(root)
    cff = read_cff(root)
    expected = {
        "title": cite.title,
        "version": cite.version,
        "date-released": cite.date or None,
        "url": cite.url or None,
        "license": cite.licence or None,
    }
    out = []
    for key, want in expected.items():
        have = cff.get(key)
        have = None if have is None else str(have)
        if have != want:
            out.append(f"{CFF}: {key} is {have!r}, schemas/package.json says {want!r}")
    names = [a.get("name") for a in cff.get("authors", []) if isinstance(a, dict)]
    if names != [a.strip() for a in cite.authors.split(",")]:
        out.append(f"{CFF}: authors are {names!r}, schemas/package.json says {cite.authors!r}")
    package = root / "datapackage.json"
    if package.is_file():
        descriptor = read_json(package)
        for key, want in (("title", cite.title), ("version", cite.version)):
            if str(descriptor.get(key) or "") != want:
                out.append(f"datapackage.json: {key} is {descriptor.get(key)!r}, expected {want!r}")
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        _, found, rest = text.partition("## How to cite")
        section = rest.split("\n## ", 1)[0]
        if not found:
            out.append("README.md: no '## How to cite' section")
        elif cite.text() not in section:
            out.append(f"README.md: 'How to cite' does not give the reference {cite.text()!r}")
    return out


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
