"""How to cite the package, from the package metadata, and the check that CITATION.cff agrees.

``schemas/package.json`` is the one place where title, version, release date and homepage are
set (by a release); ``datapackage.json``, ``CITATION.cff``, the README and the datasheet page
follow it, and :func:`mismatches` says where one of them does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError
from manpower.paths import BASE_METADATA, read_json

CFF = "CITATION.cff"


@dataclass(frozen=True)
class Citation:
    authors: str
    title: str
    version: str
    date: str  # YYYY-MM-DD of the release; empty before the first release
    url: str  # empty while the package has no homepage
    licence: str

    def text(self) -> str:
        """One plain-text reference, as a reader would paste it."""
        when = f" ({self.date[:4]})" if self.date else ""
        released = f", released {self.date}" if self.date else ""
        url = f". {self.url}" if self.url else ""
        version = f"Data package, version {self.version}{released}"
        return f"{self.authors}{when}. {self.title}. {version}{url}."


def from_metadata(meta: dict[str, Any]) -> Citation:
    contributors = [c.get("title", "") for c in meta.get("contributors", []) if c.get("title")]
    licences = [lic.get("name", "") for lic in meta.get("licenses", [])]
    return Citation(
        authors=", ".join(contributors) or "manpower contributors",
        title=meta.get("title") or meta.get("name", ""),
        version=str(meta.get("version") or ""),
        date=str(meta.get("created") or "")[:10],
        url=str(meta.get("homepage") or ""),
        licence=licences[0] if licences else "",
    )


def citation(root: Path) -> Citation:
    return from_metadata(read_json(root / BASE_METADATA))


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


def sync(root: Path) -> None:
    """Carry the package metadata into CITATION.cff and the README (a release calls this).

    Only the fields a release changes are rewritten, line by line, so the files keep their
    hand-written comments and layout.
    """
    import re

    from manpower.files import write_atomic

    cite = citation(root)
    cff_path = root / CFF
    lines = cff_path.read_text(encoding="utf-8").splitlines()
    fields = {"version": cite.version, "date-released": cite.date, "url": cite.url}
    for key, value in fields.items():
        at = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if not value:
            if at is not None:
                del lines[at]
            continue
        new = f'{key}: "{value}"' if key != "version" else f"{key}: {value}"
        if at is not None:
            lines[at] = new
        else:
            after = next(i for i, line in enumerate(lines) if line.startswith("version:"))
            lines.insert(after + 1, new)
    write_atomic(cff_path, "\n".join(lines) + "\n")

    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, found, rest = text.partition("## How to cite")
    if found:
        section, sep, tail = rest.partition("\n## ")
        section = re.sub(r"(?m)^> .*$", lambda _: f"> {cite.text()}", section, count=1)
        write_atomic(readme, head + found + section + sep + tail)
