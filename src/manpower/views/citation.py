"""How to cite the package, from the package metadata, carried into CITATION.cff and the README.

``schemas/package.json`` is the one place where title, version, release date and homepage are
set (by a release); ``datapackage.json``, ``CITATION.cff``, the README and the datasheet page
follow it (``tests/unit/test_citation.py`` checks that they do).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
