"""Where releases come from: the committed release record, a mirrored folder or a published host.

Every release is recorded in ``releases.json`` at the repository root (version, date, tag, the
commit the files were built from, and each file's size and sha256), committed by ``manpower
release``. The record is the truth and tags are a convenience: a shallow clone, a mirror or an
archive without tags still knows every release from it, and a tag that disagrees with it (a
version it does not hold, or another commit) is reported, never used.

``download`` and ``load`` look for a release, in this order: ``--from`` (a URL of
``releases.json`` or its folder, or a local folder such as a mirrored ``dist/``), the
``MANPOWER_RELEASES_URL`` environment variable, the repository itself when run inside a clone
(each file rebuilt from the recorded commit and checked against the recorded sha256; works
offline), then the published location (``releases_url`` in ``schemas/package.json``, written by
a release from the GitHub remote; an installed package carries a copy in ``published.json``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from manpower.errors import ManpowerError, UsageError
from manpower.files import sha256_file
from manpower.paths import BASE_METADATA, PACKAGE_PATHS, RELEASE_DOCUMENTS, read_json
from manpower.releasing.release_index import INDEX_NAME, Index, Release, ReleaseFile, parse_index
from manpower.releasing.versioning import tag_of

RECORD = INDEX_NAME  # releases.json at the repository root
URL_KEY = "releases_url"
PUBLISHED = Path(__file__).with_name("published.json")
_GITHUB = re.compile(
    r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)


class Unavailable(ManpowerError):
    """This origin cannot provide the release; the caller may try the next one."""


@dataclass
class Origin:
    kind: str  # "url", "folder" or "repo"
    location: str  # index URL, folder, or repository root
    index: Index


def read_record(root: Path) -> Index:
    """The committed record of every release; empty before the first release."""
    path = root / RECORD
    if not path.is_file():
        return Index()
    try:
        return parse_index(path.read_bytes())
    except ManpowerError as exc:
        raise ManpowerError(f"{path}: {exc}") from None


def github_releases_url(remote: str) -> str | None:
    """The index URL of a GitHub repository's latest release assets, or None."""
    match = _GITHUB.match(remote.strip())
    if not match:
        return None
    return f"https://github.com/{match['repo']}/releases/latest/download/{INDEX_NAME}"


def remote_releases_url(root: Path) -> str | None:
    from manpower.gitutil import git

    proc = git(root, "remote", "get-url", "origin", check=False)
    return github_releases_url(proc.stdout) if proc.returncode == 0 else None


def published_url(root: Path | None) -> str | None:
    """The published index URL: the repository's metadata, else the installed package's copy."""
    if root is not None and (root / BASE_METADATA).is_file():
        url = read_json(root / BASE_METADATA).get(URL_KEY)
        if url:
            return str(url)
    if PUBLISHED.is_file():
        url = json.loads(PUBLISHED.read_text("utf-8")).get(URL_KEY)
        if url:
            return str(url)
    return None


def write_published(root: Path, url: str | None) -> None:
    """The copy of the published location an installed package reads (set by a release)."""
    from manpower.files import write_atomic

    text = json.dumps({URL_KEY: url}, indent=2) + "\n"
    write_atomic(root / "src" / "manpower" / PUBLISHED.name, text)


def _here() -> Path | None:
    from manpower.paths import find_root

    try:
        return find_root()
    except ManpowerError:
        return None


def _url_origin(url: str) -> Origin:
    from manpower import config
    from manpower.releasing.fetch import fetch_index

    index, at = fetch_index(url, config.timeout())
    return Origin("url", at, index)


def _folder_origin(folder: Path) -> Origin:
    if folder.is_file():
        folder = folder.parent
    path = folder / INDEX_NAME
    if not path.is_file():
        raise UsageError(f"{folder}: no {INDEX_NAME} in this folder")
    try:
        return Origin("folder", str(folder), parse_index(path.read_bytes()))
    except ManpowerError as exc:
        raise ManpowerError(f"{path}: {exc}") from None


def _check_url(source: str, setting: str) -> None:
    """A release source that is not a folder must be an http(s) URL: anything else (a folder
    that does not exist, a typo) is said plainly rather than tried as a URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(source.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{setting} is neither an existing folder nor an http(s) URL")


def locate(source: str | None, root: Path | None = None) -> Origin:
    """The first origin that is configured (see the module docstring for the order)."""
    from manpower import config

    if source:
        local = Path(source).expanduser()
        if "://" not in source and (local.is_dir() or local.name == INDEX_NAME):
            return _folder_origin(local)
        _check_url(source, f"--from {source!r}")
        return _url_origin(source)
    if os.environ.get(config.RELEASES_URL_ENV):
        given = os.environ[config.RELEASES_URL_ENV]
        _check_url(given, f"{config.RELEASES_URL_ENV}={given!r}")
        return _url_origin(given)
    root = root or _here()
    if root is not None and (root / RECORD).is_file():
        return Origin("repo", str(root), read_record(root))
    url = published_url(root)
    if url:
        return _url_origin(url)
    from manpower.releasing.bundle import bundled_version

    carried = bundled_version()
    # an install from a release's wheel reads its own release offline; others need a host
    offline = f"; this install carries release {carried} (load() and show read it)" * bool(carried)
    raise UsageError(
        "no release source known: no release record here (releases.json, inside a clone) and no "
        f"published location ({URL_KEY} in {BASE_METADATA}); pass --from URL|FOLDER or set "
        f"{config.RELEASES_URL_ENV}{offline}"
    )


def _refused(file: ReleaseFile, how: str) -> ManpowerError:
    return ManpowerError(
        f"{file.name}: refused, its sha256 does not match the release index "
        f"(expected {file.sha256}): {how}, not kept"
    )


def _keep(path: Path, file: ReleaseFile, cache: Path, how: str) -> Path:
    """``path`` moved into the cache once its sha256 matches the record."""
    if sha256_file(path) != file.sha256:
        raise _refused(file, how)
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / file.name
    os.replace(path, target)
    return target


def from_folder(folder: Path, files: list[ReleaseFile], cache: Path) -> list[Path]:
    """Copy the files of a mirrored ``dist/`` into the cache, each checked against its sha256.

    The index is not trusted: a file's name must stay inside ``folder`` (``/etc/passwd`` or
    ``../x`` is refused by its name, before anything is looked at, so no answer tells whether
    such a path exists), and a file of another size than the index declares is refused
    before it is copied (at most the declared bytes are read in any case).
    """
    from manpower.safe_paths import inside

    out = []
    for file in files:
        source = inside(folder, file.url or file.name, f"{INDEX_NAME}: file {file.name!r}")
        if not source.is_file():
            raise ManpowerError(f"{folder}: {file.name} is listed in {INDEX_NAME} but missing")
        size = source.stat().st_size
        if size != file.bytes:
            raise ManpowerError(
                f"{file.name}: refused, it has {size:,} bytes where {INDEX_NAME} declares "
                f"{file.bytes:,}; not copied"
            )
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, prefix=".copy-", delete=False) as tmp:
            partial = Path(tmp.name)
        try:
            with source.open("rb") as src, partial.open("wb") as dst:
                # the file may grow after the check: copy the declared bytes, no more
                shutil.copyfileobj(_Bounded(src, file.bytes), dst)
            out.append(_keep(partial, file, cache, "changed or damaged copy"))
        finally:
            partial.unlink(missing_ok=True)
    return out


class _Bounded:
    """A reader that ends after ``left`` bytes."""

    def __init__(self, handle: BinaryIO, left: int) -> None:
        self._handle, self._left = handle, left

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size < 0 else min(size, self._left)
        chunk = self._handle.read(size)
        self._left -= len(chunk)
        return chunk


def ensure_commit(root: Path, commit: str) -> str:
    """``commit`` present in the clone, fetched from origin when it is shallow; else a note."""
    from manpower.gitutil import commit_of, git

    if commit_of(root, commit):
        return ""
    git(root, "fetch", "--quiet", "--depth", "1", "origin", commit, check=False)
    if commit_of(root, commit):
        return f"commit {commit[:12]} was not in this clone: fetched it from origin"
    raise Unavailable(
        f"commit {commit[:12]} is not in this clone and cannot be fetched from origin "
        "(shallow clone offline?)"
    )


def tree_of(root: Path, commit: str, into: Path) -> None:
    """What a release of ``commit`` is built from (the package, its documents), under ``into``."""
    from manpower.gitutil import extract_paths

    extract_paths(root, commit, PACKAGE_PATHS + RELEASE_DOCUMENTS, into)


def rebuild(
    root: Path, release: Release, files: list[ReleaseFile], cache: Path
) -> tuple[list[Path], str]:
    """The release files rebuilt from the recorded commit, checked against the record."""
    from manpower.releasing.release_files import build_files

    if not release.commit:
        raise Unavailable(f"the release record names no commit for {release.version}")
    note = ensure_commit(root, release.commit)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".rebuild-", dir=cache) as tmp:
        tree, out = Path(tmp) / "tree", Path(tmp) / "out"
        tree.mkdir()
        out.mkdir()
        tree_of(root, release.commit, tree)
        build_files(tree, release.version, out, [f.format for f in files])
        how = f"rebuilt from commit {release.commit[:12]}"
        paths = [_keep(out / f.name, f, cache, how) for f in files]
    return paths, note


@dataclass(frozen=True)
class Previous:
    """The latest recorded release: its version and the revision to compare with."""

    version: str
    revision: str  # its tag when the tag names the recorded commit, else that commit


def tag_disagreements(root: Path, record: Index, tags: dict[str, str]) -> list[str]:
    """A line for each ``vX.Y.Z`` tag the record contradicts: a version it does not hold, or
    another commit than the one it records. Such a tag decides nothing: a tag is made or moved
    by hand in a moment and travels apart from the history, the record is committed."""
    from manpower.gitutil import commit_of
    from manpower.releasing.versioning import parse

    recorded = {r.version: r for r in record.releases}
    newest = record.latest
    says = f"whose latest release is {newest.version}" if newest else "which records no release"
    lines = []
    for version in sorted(tags, key=parse):
        tag, release = tags[version], recorded.get(version)
        if release is None:
            lines.append(f"tag {tag} is not a release in {RECORD}, {says}: ignored")
            continue
        at = commit_of(root, tag) or ""
        if release.commit and at != release.commit:
            lines.append(
                f"tag {tag} points at commit {at[:12]}, but {RECORD} records {version} at "
                f"commit {release.commit[:12]}: ignored"
            )
    return lines


def previous_release(root: Path) -> tuple[Previous | None, str]:
    """The latest release of the committed record (None before the first) and a note: the
    tags that disagree with the record, and how the release was found when not by its tag."""
    from manpower.gitutil import commit_of, release_tags

    record = read_record(root)
    tags = release_tags(root)
    notes = tag_disagreements(root, record, tags)
    newest = record.latest
    if newest is None:
        return None, "; ".join(notes)
    if not newest.commit:
        raise ManpowerError(f"{RECORD}: release {newest.version} names no commit")
    tag = tags.get(newest.version)
    if tag is not None and commit_of(root, tag) == newest.commit:
        return Previous(newest.version, tag), "; ".join(notes)
    fetched = ensure_commit(root, newest.commit)
    if not tags:
        notes.append(f"no release tags in this clone: release {newest.version} taken from {RECORD}")
    elif tag is None:
        notes.append(
            f"no tag {tag_of(newest.version)} in this clone: release {newest.version} "
            f"taken from {RECORD}"
        )
    notes.append(fetched)
    return Previous(newest.version, newest.commit), "; ".join(filter(None, notes))


def fetch_release(
    version: str, fmt: str, source: str | None, timeout: float, progress: bool
) -> tuple[Release, list[Path], str]:
    """The release ``version`` and its ``fmt`` files in the download cache, each checked against
    its sha256; a note says where they came from when the repository could not provide them."""
    from manpower import config
    from manpower.releasing.fetch import fetch_file

    cache = config.cache_dir() / "downloads"
    origin = locate(source)
    release = origin.index.get(version)
    wanted = release.files_of(fmt)
    if not wanted:
        raise ManpowerError(f"release {release.version} has no {fmt} files")
    if origin.kind == "folder":
        return release, from_folder(Path(origin.location), wanted, cache), ""
    if origin.kind == "repo":
        root = Path(origin.location)
        try:
            paths, note = rebuild(root, release, wanted, cache)
            return release, paths, note
        except Unavailable as exc:
            url = published_url(root)
            if not url:
                raise ManpowerError(f"{exc}, and no published location is known") from None
            from manpower.releasing.fetch import shown

            note = f"{exc}: downloaded from {shown(url)} instead"
            origin = _url_origin(url)
            release = origin.index.get(release.version)
            wanted = release.files_of(fmt)
    else:
        note = ""
    paths = [fetch_file(f, origin.location, cache, timeout, progress) for f in wanted]
    return release, paths, note
