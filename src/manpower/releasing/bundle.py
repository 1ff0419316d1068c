"""The release a wheel carries: its tables, schemas and descriptor as package data.

``manpower release`` copies the package it releases into ``manpower/bundled/`` of the copy of
``src/`` the wheel is built from (never in the tree or git), so an install from that wheel alone
answers ``manpower.load()`` and ``manpower show`` with no clone and no network, the way data
packages on PyPI do. Every file is checked against the sha256 its descriptor records before it
is read (:func:`verify`), here and in any folder given to ``load``.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError
from manpower.paths import read_json

BUNDLE = Path(__file__).resolve().parent.parent / "bundled"
# What a release's package folder holds that a reader needs (docs stay in the zip).
BUNDLED_GLOBS = ("datapackage.json", "schemas/*.schema.json")


def bundled_folder() -> Path | None:
    """The release folder this install carries, or None (a clone, an install without data)."""
    return BUNDLE if (BUNDLE / "datapackage.json").is_file() else None


def bundled_version() -> str | None:
    folder = bundled_folder()
    if folder is None:
        return None
    return str(read_json(folder / "datapackage.json").get("version") or "") or None


def stage(root: Path, into: Path = BUNDLE) -> list[Path]:
    """Copy the package at ``root`` (descriptor, schemas, every resource) into ``into``, after
    checking each resource against its descriptor hash: a wheel never carries a table that is
    not the one the descriptor describes."""
    from manpower.safe_paths import check_descriptor

    descriptor = read_json(root / "datapackage.json")
    check_descriptor(root, descriptor)
    verify(root, descriptor)
    members = [p for pattern in BUNDLED_GLOBS for p in sorted(root.glob(pattern))]
    members += [root / r["path"] for r in descriptor.get("resources", [])]
    shutil.rmtree(into, ignore_errors=True)
    copied = []
    for path in members:
        target = into / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
    return copied


def verify(root: Path, descriptor: dict[str, Any]) -> None:
    """Refuse, in one line, a resource whose bytes are not the ones its descriptor records.

    A resource without a recorded ``hash`` is not checked (a descriptor built from the schemas
    alone has none); the release descriptors and ``make build`` record one for every table.
    """
    for resource in descriptor.get("resources", []):
        recorded = str(resource.get("hash") or "")
        if not recorded:
            continue
        # Data Package: "algorithm:hex", a bare hex digest is md5
        algorithm, _, expected = recorded.rpartition(":")
        algorithm = algorithm or "md5"
        if algorithm not in hashlib.algorithms_guaranteed:
            raise ManpowerError(f"{resource.get('path')}: unknown hash algorithm {algorithm!r}")
        path = root / str(resource.get("path"))
        if not path.is_file():
            raise ManpowerError(f"{path}: listed in datapackage.json but missing")
        if _digest(path, algorithm) != expected.lower():
            raise ManpowerError(
                f"{path}: changed since its datapackage.json was written ({algorithm} differs from "
                f"{expected[:12]}…): refused; download the release again, or pass "
                "allow_changed_files=True to read the changed file anyway"
            )


def _digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
