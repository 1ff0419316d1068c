"""``releases.json``, the index of every release that ``download`` reads, and ``SHA256SUMS``.

The index lists, newest first, each release's version, tag, date, and files with format, size
and sha256. A file's ``url`` is optional: without one, the file sits next to the index.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from manpower.errors import ManpowerError
from manpower.limits import (
    MAX_INDEX_BYTES,
    MAX_INDEX_RELEASES,
    MAX_INDEX_VALUE_SHOWN,
    MAX_RELEASE_FILE_BYTES,
    MAX_RELEASE_FILES,
    MAX_URL_CHARS,
    MAX_VERSIONS_LISTED,
)
from manpower.releasing.versioning import is_version, parse

INDEX_NAME = "releases.json"
SUMS_NAME = "SHA256SUMS"
FORMATS = ("csv", "parquet", "sqlite")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A file's own URL: http(s) or relative to the index, without spaces or control characters.
_URL = re.compile(r"(?:(?i:https?)://|(?![A-Za-z][A-Za-z0-9+.-]*:))[!-~]+")
_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


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
        versions = [r.version for r in self.sorted()]
        known = ", ".join(versions[:MAX_VERSIONS_LISTED]) or "none"
        if len(versions) > MAX_VERSIONS_LISTED:
            known += f" and {len(versions) - MAX_VERSIONS_LISTED:,} more"
        raise ManpowerError(f"unknown version {_shown(version)}; released versions: {known}")

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


def _shown(value: Any) -> str:
    """A value from the index as an error message may quote it: escaped and short."""
    text = repr(value)
    return text if len(text) <= MAX_INDEX_VALUE_SHOWN else text[:MAX_INDEX_VALUE_SHOWN] + "..."


def _int(text: str) -> int:
    # Python refuses to parse integers above 4,300 digits with a ValueError; every number in
    # the index is a size, so anything beyond 18 digits is refused before it is converted.
    if len(text.lstrip("-")) > 18:
        raise _malformed(f"the number {text[:20]}... has {len(text):,} digits")
    return int(text)


def _constant(name: str) -> Any:
    raise _malformed(f"{name} is not a JSON number")


def _load_json(text: str | bytes) -> Any:
    if len(text) > MAX_INDEX_BYTES:
        raise _malformed(f"it has {len(text):,} bytes, more than the {MAX_INDEX_BYTES:,} allowed")
    try:
        return json.loads(text, parse_int=_int, parse_constant=_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _malformed(f"not JSON ({exc})") from None
    except RecursionError:
        raise _malformed("it is nested too deeply to be a release index") from None


def _name(value: Any, what: str, where: str) -> str:
    if not isinstance(value, str) or not _SAFE_NAME.fullmatch(value):
        raise _malformed(f"{what} {_shown(value)} of {where} is not a plain file name")
    return value


def _file(data: Any, version: str) -> ReleaseFile:
    if not isinstance(data, dict):
        raise _malformed(f"a file of {version} is not an object")
    name, fmt, size, digest = (data.get(k) for k in ("name", "format", "bytes", "sha256"))
    name = _name(name, "file name", version)
    if fmt not in FORMATS:
        raise _malformed(f"file {name}: format {_shown(fmt)} is not one of {', '.join(FORMATS)}")
    if (
        not isinstance(size, int)
        or isinstance(size, bool)
        or not 0 <= size <= MAX_RELEASE_FILE_BYTES
    ):
        raise _malformed(
            f"file {name}: bytes {_shown(size)} is not a size from 0 to {MAX_RELEASE_FILE_BYTES:,}"
        )
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise _malformed(f"file {name}: sha256 {_shown(digest)} is not a sha256 hex digest")
    table, url = data.get("table"), data.get("url")
    if table is not None:
        _name(table, "table", f"file {name}")
    if url is not None and (
        not isinstance(url, str) or len(url) > MAX_URL_CHARS or not _URL.fullmatch(url)
    ):
        raise _malformed(f"file {name}: url {_shown(url)} is not a plain http(s) URL")
    return ReleaseFile(name, fmt, size, digest, table, url)


def _release(item: Any) -> Release:
    if not isinstance(item, dict):
        raise _malformed("a release is not an object")
    version = item.get("version")
    # the version names folders on disk: exactly MAJOR.MINOR.PATCH, nothing around it
    if not isinstance(version, str) or version != version.strip() or not is_version(version):
        raise _malformed(f"version {_shown(version)} is not MAJOR.MINOR.PATCH")
    date, tag = item.get("date"), item.get("tag")
    if date is not None and (not isinstance(date, str) or not _valid_date(date)):
        raise _malformed(f"release {version}: date {_shown(date)} is not a YYYY-MM-DD date")
    if tag is not None and (not isinstance(tag, str) or not _TAG.fullmatch(tag)):
        raise _malformed(f"release {version}: tag {_shown(tag)} is not a plain tag name")
    commit = item.get("commit")
    if commit is not None and not (isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        raise _malformed(f"release {version}: commit {_shown(commit)} is not a git commit id")
    files = item.get("files")
    if not isinstance(files, list):
        raise _malformed(f"release {version} has no list of files")
    if len(files) > MAX_RELEASE_FILES:
        raise _malformed(
            f"release {version} lists {len(files):,} files, more than {MAX_RELEASE_FILES}"
        )
    parsed = [_file(f, version) for f in files]
    names = [f.name for f in parsed]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise _malformed(f"release {version} lists the file {twice} twice")
    return Release(
        version=version, date=date or "", tag=tag or f"v{version}", files=parsed, commit=commit
    )


def _valid_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_index(text: str | bytes) -> Index:
    """The index in ``text``, every field checked, in one pass over its releases."""
    data = _load_json(text)
    if not isinstance(data, dict) or not isinstance(data.get("releases"), list):
        raise _malformed("no list of releases")
    if len(data["releases"]) > MAX_INDEX_RELEASES:
        raise _malformed(
            f"it lists {len(data['releases']):,} releases, "
            f"more than the {MAX_INDEX_RELEASES:,} allowed"
        )
    name = data.get("name", "manpower")
    if not isinstance(name, str) or not _SAFE_NAME.fullmatch(name):
        raise _malformed(f"name {_shown(name)} is not a plain name")
    releases: dict[str, Release] = {}
    for item in data["releases"]:
        release = _release(item)
        if release.version in releases:
            raise _malformed(f"version {release.version} is listed twice")
        # the files are named after the version they hold (manpower-X.Y.Z.zip, ...-claims
        # .parquet): a hand-edited version that does not match them would serve another
        # release's files under this number
        prefix = f"{name}-{release.version}"
        named = re.compile(rf"{re.escape(prefix)}[.-].+")
        stray = next((f.name for f in release.files if not named.fullmatch(f.name)), None)
        if stray is not None:
            raise _malformed(
                f"release {release.version}: file {stray} is not named after it ({prefix}...)"
            )
        releases[release.version] = release
    return Index(name=name, releases=list(releases.values()))
