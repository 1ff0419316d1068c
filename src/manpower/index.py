"""``releases.json``, the index of every release that ``download`` reads, and ``SHA256SUMS``.

The index lists, newest first, each release's version, tag, date, and files with format, size
and sha256. A file's ``url`` is optional: without one, the file sits next to the index.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from manpower.errors import ManpowerError
from manpower.versioning import is_version, parse

INDEX_NAME = "releases.json"
SUMS_NAME = "SHA256SUMS"
FORMATS = ("csv", "parquet", "sqlite")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    format: str
    bytes: int
    sha256: str
    table: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Release:
    version: str
    date: str
    tag: str
    files: list[ReleaseFile] = field(default_factory=list)
    # The commit the files were built from: the committed record names it, so a clone without
    # tags can find (and rebuild) the release.
    commit: str | None = None

    def files_of(self, fmt: str) -> list[ReleaseFile]:
        return [f for f in self.files if f.format == fmt]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "date": self.date,
            "tag": self.tag,
            **({"commit": self.commit} if self.commit else {}),
            "files": [f.to_dict() for f in self.files],
        }


@dataclass
class Index:
    name: str = "manpower"
    releases: list[Release] = field(default_factory=list)

    @property
    def latest(self) -> Release | None:
        return max(self.releases, key=lambda r: parse(r.version), default=None)

    def get(self, version: str) -> Release:
        if version == "latest":
            newest = self.latest
            if newest is None:
                raise ManpowerError("the release index lists no release")
            return newest
        for release in self.releases:
            if release.version == version:
                return release
        known = ", ".join(r.version for r in self.sorted()) or "none"
        raise ManpowerError(f"unknown version {version!r}; released versions: {known}")

    def sorted(self) -> list[Release]:
        return sorted(self.releases, key=lambda r: parse(r.version), reverse=True)

    def add(self, release: Release) -> None:
        self.releases = [r for r in self.releases if r.version != release.version] + [release]

    def to_json(self) -> str:
        newest = self.latest
        data = {
            "name": self.name,
            "latest": newest.version if newest else None,
            "releases": [r.to_dict() for r in self.sorted()],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def sha256sums(self) -> str:
        """``sha256  name`` lines (the sha256sum format) for every file of every release."""
        lines = sorted({f"{f.sha256}  {f.name}" for r in self.releases for f in r.files})
        return "".join(f"{line}\n" for line in lines)


def _malformed(why: str) -> ManpowerError:
    return ManpowerError(f"malformed release index: {why}")


def _file(data: Any, version: str) -> ReleaseFile:
    if not isinstance(data, dict):
        raise _malformed(f"a file of {version} is not an object")
    name, fmt, size, digest = (data.get(k) for k in ("name", "format", "bytes", "sha256"))
    if not isinstance(name, str) or not _SAFE_NAME.match(name):
        raise _malformed(f"file name {name!r} of {version} is not a plain file name")
    if fmt not in FORMATS:
        raise _malformed(f"file {name}: format {fmt!r} is not one of {', '.join(FORMATS)}")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise _malformed(f"file {name}: bytes {size!r} is not a size")
    if not isinstance(digest, str) or not _SHA256.match(digest):
        raise _malformed(f"file {name}: sha256 {digest!r} is not a sha256 hex digest")
    table, url = data.get("table"), data.get("url")
    if table is not None and not isinstance(table, str):
        raise _malformed(f"file {name}: table {table!r} is not a name")
    if url is not None and not isinstance(url, str):
        raise _malformed(f"file {name}: url {url!r} is not a string")
    return ReleaseFile(name, fmt, size, digest, table, url)


def parse_index(text: str | bytes) -> Index:
    try:
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _malformed(f"not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise _malformed("no list of releases")
    index = Index(name=str(data.get("name") or "manpower"))
    for item in data["releases"]:
        if not isinstance(item, dict):
            raise _malformed("a release is not an object")
        version = item.get("version")
        if not isinstance(version, str) or not is_version(version):
            raise _malformed(f"version {version!r} is not MAJOR.MINOR.PATCH")
        files = item.get("files")
        if not isinstance(files, list):
            raise _malformed(f"release {version} has no list of files")
        commit = item.get("commit")
        if commit is not None and not (isinstance(commit, str) and _COMMIT.match(commit)):
            raise _malformed(f"release {version}: commit {commit!r} is not a git commit id")
        index.add(
            Release(
                version=version,
                date=str(item.get("date") or ""),
                tag=str(item.get("tag") or f"v{version}"),
                files=[_file(f, version) for f in files],
                commit=commit,
            )
        )
    return index
