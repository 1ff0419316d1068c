"""Where things live in a package directory, and the order of its tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError, UsageError

# Referenced tables first, so that foreign keys resolve in the order people read them.
TABLES: tuple[str, ...] = (
    "sources",
    "claimants",
    "metrics",
    "claims",
    "exclusions",
    "retractions",
)
# Tables a package made before they existed may lack (releases before exclusions.csv, and a
# package in which nothing was ever withdrawn: retractions.csv is written by `manpower repair`).
OPTIONAL_TABLES: tuple[str, ...] = ("exclusions", "retractions")
BASE_METADATA = "schemas/package.json"
# The file layout of a release, the one list of it: the package itself (what a snapshot of a
# git revision reads) and the documents a release archive ships beside it.
PACKAGE_PATHS: tuple[str, ...] = ("datapackage.json", "data", "schemas")
RELEASE_DOCUMENTS: tuple[str, ...] = ("README.md", "LICENSE", "LICENSE-DATA", "CHANGELOG.md")


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder up from ``start`` holding ``schemas/``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "schemas" / "claims.schema.json").is_file():
            return folder
    raise UsageError(
        f"no manpower repository found at or above {here} (looked for schemas/claims.schema.json)"
    )


def require_clone(root: Path) -> None:
    """Refuse to change data/ of a published package folder (a downloaded release, an unpacked
    zip): submit, fmt, and import and withdraw through submit.

    Its datapackage.json pins the bytes of every table, and without the project's package
    metadata (which is where a clone rebuilds datapackage.json from) nothing written to data/
    can be checked or published; checked before any lock or scratch file is made.
    """
    if not (root / BASE_METADATA).is_file():
        raise UsageError(
            f"{root} is a published package (no {BASE_METADATA}), not a clone of the project: "
            "its datapackage.json pins the bytes of data/, so manpower changes data/ only in a "
            "clone; nothing was written"
        )


def data_path(root: Path, table: str) -> Path:
    return root / "data" / f"{table}.csv"


def present_tables(root: Path) -> tuple[str, ...]:
    """The curated tables of the package at ``root``: all but the optional ones it lacks."""
    return tuple(t for t in TABLES if t not in OPTIONAL_TABLES or data_path(root, t).is_file())


def schema_path(root: Path, table: str) -> Path:
    return root / "schemas" / f"{table}.schema.json"


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManpowerError(f"{path}: file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManpowerError(f"{path}: not valid UTF-8 JSON ({exc})") from None
    except RecursionError:  # json nests by recursion: 100,000 "[" exhaust the stack
        raise ManpowerError(f"{path}: JSON nested too deeply; refused") from None
    except OSError as exc:  # a folder, an unreadable file
        raise ManpowerError(f"{path}: cannot be read ({exc.strerror or exc})") from None
