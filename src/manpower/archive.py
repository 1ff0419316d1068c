"""Write release archives reproducibly and extract untrusted ones safely.

Extraction refuses the whole archive, before writing anything, when one member is a symlink, an
absolute path, a path with ``..``, or anything else that would land outside the target folder.
"""

from __future__ import annotations

import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from manpower.errors import ManpowerError

# Fixed member timestamps and permissions, so that the same files give the same archive bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_zip(out: Path, files: Iterable[tuple[str, Path]]) -> None:
    """A zip of ``(name in archive, file)`` pairs, in the order given, with fixed metadata."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, path.read_bytes())


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if "\\" in name or "\x00" in name:
        return "has a backslash or NUL in its name"
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        return "has an absolute path"
    if ".." in path.parts:
        return "has a '..' path component"
    if not path.parts:
        return "has an empty name"
    return None


def check_zip(archive: Path) -> list[zipfile.ZipInfo]:
    """The members of ``archive``, after refusing it if any member is unsafe to extract."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ManpowerError(f"{archive.name}: not a readable zip archive ({exc})") from None
    if bad is not None:
        raise ManpowerError(f"{archive.name}: member {bad!r} is corrupt")
    for info in members:
        reason = _unsafe(info)
        if reason:
            raise ManpowerError(
                f"{archive.name}: refused, member {info.filename!r} {reason}; nothing extracted"
            )
    return members


def extract_zip(archive: Path, target: Path) -> list[Path]:
    """Extract a checked ``archive`` into the existing folder ``target``; the written files."""
    members = check_zip(archive)
    root = target.resolve()
    written = []
    with zipfile.ZipFile(archive) as zf:
        for info in members:
            dest = (root / info.filename).resolve()
            if root not in dest.parents:
                raise ManpowerError(f"{archive.name}: member {info.filename!r} leaves the folder")
            if info.is_dir():
                dest.mkdir(parents=True, exist_ok=True)
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, dest.open("wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
            written.append(dest)
    return written
