"""Semantic versions of the data package, and the bump a change requires.

MAJOR: a column or table removed or renamed, a type narrowed, a constraint tightened, a key
changed, a row removed (its id may be cited). MINOR: rows, columns, tables or enum values added,
a type or constraint widened. PATCH: corrections of existing values or metadata.
"""

from __future__ import annotations

import re

from manpower.errors import ManpowerError, UsageError

LEVELS: tuple[str, ...] = ("none", "patch", "minor", "major")
BUMPS: tuple[str, ...] = ("auto", "major", "minor", "patch")
TAG_PREFIX = "v"
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def parse(version: str) -> tuple[int, int, int]:
    """``"1.2.3"`` as ``(1, 2, 3)``; pre-releases and build metadata are not used here."""
    match = _SEMVER.match(version.strip())
    if not match:
        raise ManpowerError(f"{version!r} is not a version of the form MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def is_version(text: str) -> bool:
    return bool(_SEMVER.match(text.strip()))


def bump(version: str, level: str) -> str:
    major, minor, patch = parse(version)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise UsageError(f"unknown bump {level!r}: use one of major, minor, patch")


def rank(level: str) -> int:
    return LEVELS.index(level)


def highest(levels: list[str]) -> str:
    return max(levels, key=rank, default="none")


def tag_of(version: str) -> str:
    return f"{TAG_PREFIX}{version}"


def version_of_tag(tag: str) -> str | None:
    """The version a ``vX.Y.Z`` tag names, or None for any other tag."""
    if tag.startswith(TAG_PREFIX) and is_version(tag[len(TAG_PREFIX) :]):
        return tag[len(TAG_PREFIX) :]
    return None


def latest(versions: list[str]) -> str | None:
    return max(versions, key=parse, default=None)
