"""Write release archives reproducibly and extract untrusted ones safely.

Extraction refuses the whole archive, before writing anything, when one member is a symlink, an
absolute path, a path with ``..``, or anything else that would land outside the target folder,
when two members would land on the same path, and when the archive is too big to be a release
(members, name length, depth, unpacked bytes); while extracting, the bytes actually unpacked are
counted, and past the limit what was written is removed.
"""

from __future__ import annotations

import stat
import struct
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from manpower.errors import ManpowerError
from manpower.limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_MEMBER_DEPTH,
    MAX_MEMBER_NAME_CHARS,
    MAX_MEMBER_NAME_SHOWN,
    MAX_UNPACK_RATIO,
    MAX_UNPACKED_BYTES,
)

# Fixed member timestamps and permissions, so that the same files give the same archive bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def archive_name(version: str) -> str:
    """``manpower-X.Y.Z``: the stem of every release file, its archive's top folder and the
    folder a downloaded or cached release is unpacked to."""
    return f"manpower-{version}"


# The end-of-central-directory record: 22 bytes and a comment of up to 64 KiB. A member's entry
# in the central directory: 46 bytes, its name, and extra fields and comment.
_EOCD = b"PK\x05\x06"
_EOCD_SEARCH = 22 + (1 << 16)
_LARGEST_ENTRY_BYTES = 46 + MAX_MEMBER_NAME_CHARS + 2 * 1024


def write_zip(out: Path, files: Iterable[tuple[str, Path]]) -> None:
    """A zip of ``(name in archive, file)`` pairs, in the order given, with fixed metadata."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, path.read_bytes())


def _shown(name: str) -> str:
    """A member name as a message may quote it: escaped and short."""
    text = repr(name)
    return text if len(text) <= MAX_MEMBER_NAME_SHOWN else text[:MAX_MEMBER_NAME_SHOWN] + "..."


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if "\\" in name or "\x00" in name:
        return "has a backslash or NUL in its name"
    if len(name) > MAX_MEMBER_NAME_CHARS:
        return f"has a name of {len(name):,} characters, more than {MAX_MEMBER_NAME_CHARS}"
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        return "has an absolute path"
    if ".." in path.parts:
        return "has a '..' path component"
    if not path.parts:
        return "has an empty name"
    if len(path.parts) > MAX_MEMBER_DEPTH:
        return f"is {len(path.parts)} folders deep, more than {MAX_MEMBER_DEPTH}"
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"uses compression method {info.compress_type}, not stored or deflated"
    return None


def _fold(parts: tuple[str, ...]) -> tuple[str, ...]:
    # what a case-insensitive or normalising file system (macOS, Windows) would make of a name
    return tuple(unicodedata.normalize("NFC", p).casefold() for p in parts)


def _collision(members: list[zipfile.ZipInfo]) -> str | None:
    """Why two members would land on the same path (or a file where a folder must be)."""
    files: dict[tuple[str, ...], str] = {}
    folders: dict[tuple[str, ...], str] = {}
    for info in members:
        parts = PurePosixPath(info.filename).parts
        for depth in range(1, len(parts) + (1 if info.is_dir() else 0)):
            key = _fold(parts[:depth])
            if key in files:
                return _file_in_the_way(files[key], info.filename)
            folders.setdefault(key, info.filename)
        if info.is_dir():
            continue
        key = _fold(parts)
        if key in files:
            return (
                f"member {_shown(info.filename)} has the same name as member "
                f"{_shown(files[key])} (up to case and Unicode form)"
            )
        if key in folders:
            return _file_in_the_way(info.filename, folders[key])
        files[key] = info.filename
    return None


def _file_in_the_way(file: str, needs_folder: str) -> str:
    return f"member {_shown(file)} is a file where member {_shown(needs_folder)} needs a folder"


def unpacked_limit(archive_bytes: int) -> int:
    """The most bytes an archive of ``archive_bytes`` may unpack to."""
    return min(MAX_UNPACKED_BYTES, archive_bytes * MAX_UNPACK_RATIO)


def _directory_size(archive: Path) -> tuple[int, int] | None:
    """(members, bytes of the central directory) as the end record states them, read before
    zipfile builds an object for every member (100,000 members take seconds and memory)."""
    with archive.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - _EOCD_SEARCH))
        tail = handle.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None  # not a zip: zipfile says so in its own words
    members, directory = struct.unpack_from("<HI", tail, at + 10)
    return members, directory


def check_zip(archive: Path, limit: int | None = None) -> list[zipfile.ZipInfo]:
    """The members of ``archive``, after refusing it if any member is unsafe to extract, if it
    has too many members, or if its headers announce more than ``limit`` unpacked bytes
    (default: :func:`unpacked_limit` of the archive's size)."""
    limit = unpacked_limit(archive.stat().st_size) if limit is None else limit
    stated = _directory_size(archive)
    if stated is not None:
        members_stated, directory = stated
        # 0xFFFF: at least that many members, the real count is in a ZIP64 record
        at_least = " or more" if members_stated == 0xFFFF else ""
        if members_stated > MAX_ARCHIVE_MEMBERS:
            raise _refused(
                archive,
                f"it has {members_stated:,}{at_least} members, more than {MAX_ARCHIVE_MEMBERS:,}",
            )
        if directory > MAX_ARCHIVE_MEMBERS * _LARGEST_ENTRY_BYTES:
            raise _refused(
                archive,
                f"its member list has {directory:,} bytes, more than "
                f"{MAX_ARCHIVE_MEMBERS * _LARGEST_ENTRY_BYTES:,}",
            )
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ManpowerError(f"{archive.name}: not a readable zip archive ({exc})") from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise _refused(
            archive, f"it has {len(members):,} members, more than {MAX_ARCHIVE_MEMBERS:,}"
        )
    for info in members:
        reason = _unsafe(info)
        if reason:
            raise _refused(archive, f"member {_shown(info.filename)} {reason}")
    clash = _collision(members)
    if clash:
        raise _refused(archive, clash)
    announced = sum(info.file_size for info in members)
    if announced > limit:
        raise _refused(archive, _too_big(limit, announced))
    return members


def _too_big(limit: int, size: int | None = None) -> str:
    told = f" ({size:,} bytes)" if size is not None else ""
    return f"it would unpack to more than {limit:,} bytes{told}, a zip bomb or the wrong file"


def _refused(archive: Path, why: str) -> ManpowerError:
    return ManpowerError(f"{archive.name}: refused, {why}; nothing extracted")


def extract_zip(archive: Path, target: Path, limit: int | None = None) -> list[Path]:
    """Extract a checked ``archive`` into the existing folder ``target``; the written files.

    The bytes actually unpacked are counted as they are written, because the sizes in a zip's
    headers are the archive's word, not a fact: past ``limit`` (see :func:`check_zip`)
    extraction stops, what was written is removed and the archive is refused.
    """
    limit = unpacked_limit(archive.stat().st_size) if limit is None else limit
    members = check_zip(archive, limit)
    root = target.resolve()
    written: list[Path] = []
    total = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in members:
                dest = (root / info.filename).resolve()
                if root not in dest.parents:
                    raise _refused(archive, f"member {_shown(info.filename)} leaves the folder")
                if info.is_dir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, dest.open("xb") as out:
                    written.append(dest)
                    # zipfile stops a member at its announced size and then checks its CRC,
                    # so a member that lies about its size ends as a BadZipFile below
                    while block := src.read(1 << 20):
                        total += len(block)
                        if total > limit:
                            raise _refused(archive, _too_big(limit))
                        out.write(block)
    except zipfile.BadZipFile as exc:
        _remove(written)
        raise _refused(archive, f"it is corrupt ({exc})") from None
    except OSError as exc:
        _remove(written)
        raise _refused(archive, f"a member cannot be written ({exc.strerror})") from None
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
