"""Settings that an installed copy of the library needs without the repository around it."""

from __future__ import annotations

import math
import os
from pathlib import Path

from manpower.errors import UsageError
from manpower.limits import MAX_TIMEOUT

# An index URL that overrides every other release origin (see manpower.releasing.origin).
RELEASES_URL_ENV = "MANPOWER_RELEASES_URL"
CACHE_ENV = "MANPOWER_CACHE"
TIMEOUT_ENV = "MANPOWER_TIMEOUT"
DEFAULT_TIMEOUT = 30.0


def cache_dir() -> Path:
    """Downloads and extracted releases; ``MANPOWER_CACHE`` or the user's cache folder.

    The folder is created when absent; one that cannot be created or written (a file, a path
    through a file, ``/proc/...``, a read-only place) is a usage error in one line, not a
    traceback from whichever reader or download meets it first (issue 22 item 17)."""
    if os.environ.get(CACHE_ENV):
        folder = Path(os.environ[CACHE_ENV])
        setting = f"{CACHE_ENV}={str(folder)!r}"
    else:
        import pooch

        folder = Path(pooch.os_cache("manpower"))
        setting = f"the cache folder {str(folder)!r} (set {CACHE_ENV} to use another)"
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{setting} is not a folder (it is a file)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"{setting} cannot be created ({reason})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{setting} cannot be written (permission denied)")
    return folder


def timeout() -> float:
    """``$MANPOWER_TIMEOUT`` seconds (default 30): a finite number above 0, at most a day.

    Anything else (``0``, ``-1``, ``nan``, ``inf``, ``1e400``, ``abc``) is a usage error rather
    than a traceback or a silent default: a mistyped setting should be said, not guessed at.
    """
    given = os.environ.get(TIMEOUT_ENV)
    if given is None or not given.strip():
        return DEFAULT_TIMEOUT
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise UsageError(
            f"{TIMEOUT_ENV} must be a number of seconds above 0 and at most {MAX_TIMEOUT:,.0f}, "
            f"not {given[:40]!r}"
        )
    return seconds


# The archived copies of the source documents (sources.csv ``document``), which quotes and
# hashes are checked against; outside the repository because the texts are not ours to publish.
DOCUMENTS_ENV = "MANPOWER_DOCUMENTS"
DEFAULT_DOCUMENTS_DIR = "../shared/sources"


def documents_dir(root: Path) -> Path:
    """``$MANPOWER_DOCUMENTS``, else ``../shared/sources`` relative to the repository root."""
    given = os.environ.get(DOCUMENTS_ENV)
    return Path(given) if given else (root / DEFAULT_DOCUMENTS_DIR).resolve()


# The dataset snapshots (sources of kind dataset: ``document`` is folder/file under this folder),
# read by ``manpower import`` and checked by ``manpower coverage``; not redistributed either.
DATASETS_ENV = "MANPOWER_DATASETS"
DEFAULT_DATASETS_DIR = "../shared/datasets"


def datasets_dir(root: Path) -> Path:
    """``$MANPOWER_DATASETS``, else ``../shared/datasets`` relative to the repository root."""
    given = os.environ.get(DATASETS_ENV)
    return Path(given) if given else (root / DEFAULT_DATASETS_DIR).resolve()
