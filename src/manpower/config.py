"""Settings that an installed copy of the library needs without the repository around it."""

from __future__ import annotations

import os
from pathlib import Path

# An index URL that overrides every other release origin (see manpower.releasing.origin).
RELEASES_URL_ENV = "MANPOWER_RELEASES_URL"
CACHE_ENV = "MANPOWER_CACHE"
TIMEOUT_ENV = "MANPOWER_TIMEOUT"
DEFAULT_TIMEOUT = 30.0


def cache_dir() -> Path:
    """Downloads and extracted releases; ``MANPOWER_CACHE`` or the user's cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    import pooch

    return Path(pooch.os_cache("manpower"))


def timeout() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


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
