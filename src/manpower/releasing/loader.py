"""``manpower.load``: the tables of a release as pandas DataFrames with their proper types."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from manpower.errors import ManpowerError, UsageError
from manpower.releasing.snapshot import Snapshot, TableFile

if TYPE_CHECKING:
    import pandas as pd


def read_table(table: TableFile) -> pd.DataFrame:
    """One table typed from its schema (:func:`manpower.schema.typed_pandas`): numbers float64,
    integers Int64, booleans boolean, dates datetime64 (dates as dates, not text), text as
    strings; missing values are missing. pandas, not polars: ``manpower.load`` is light core."""
    import pandas as pd

    from manpower.schema import typed_pandas
    from manpower.table_header import check_width

    check_width(table.path, len(table.model.fields))
    frame = pd.read_csv(table.path, dtype=str, keep_default_na=False, encoding="utf-8")
    try:
        return typed_pandas(frame, table.model)
    except ManpowerError as exc:
        raise ManpowerError(f"{table.path.name}: a cell does not match its type ({exc})") from None


def _cached(version: str) -> Path | None:
    from manpower.releasing.download import cached_release
    from manpower.releasing.versioning import is_version

    if not is_version(version) or version != version.strip():
        return None
    return cached_release(version)


def load(
    version: str | os.PathLike[str] | None = None,
    *,
    source: str | None = None,
    allow_changed_files: bool = False,
) -> dict[str, pd.DataFrame]:
    """The tables of a package version, by name: ``{"claims": DataFrame, ...}``.

    ``version`` is ``None`` (the release this install carries: a wheel built by ``manpower
    release`` holds its tables; without one, ``"latest"``), ``"latest"``, a released version
    ``"X.Y.Z"`` (the installed one, or read from the cache when it was downloaded before,
    otherwise downloaded and validated first), or a path: a package folder, a
    ``datapackage.json`` or a release ``.zip``. ``source`` is the release index URL or a local
    folder holding one (default: ``MANPOWER_RELEASES_URL``, then the repository's release
    record inside a clone, then the published location; see ``manpower.releasing.origin``).

    Every table is checked against the hash its ``datapackage.json`` records before it is read;
    a changed file is refused with a ManpowerError, unless ``allow_changed_files=True``: then
    the tables are returned as the files now are, which may no longer be the release's data.
    """
    with opened(version, source=source, allow_changed_files=allow_changed_files) as snapshot:
        return {name: read_table(table) for name, table in snapshot.tables().items()}


@contextmanager
def opened(
    version: str | os.PathLike[str] | None = None,
    *,
    source: str | None = None,
    allow_changed_files: bool = False,
) -> Iterator[Snapshot]:
    """The package ``version`` names (see :func:`load`), its tables checked against their
    hashes; ``manpower show --version`` reads the same."""
    from manpower import config
    from manpower.releasing.bundle import bundled_folder, bundled_version, verify
    from manpower.releasing.download import download
    from manpower.releasing.snapshot import open_snapshot
    from manpower.releasing.trusted import check_package

    if version is None:
        installed = bundled_folder()
        version = "latest" if installed is None else str(installed)
    if not isinstance(version, str | os.PathLike):
        raise ManpowerError(f"load: version must be a version, 'latest' or a path, not {version!r}")
    spec = os.fspath(version)
    if not spec.strip():
        # Path("") is the current folder: an empty version must not load whatever is here
        raise UsageError("load: the version is empty; give 'latest', a version X.Y.Z or a path")
    if Path(spec).exists():
        folder = None
    elif source is None and spec == bundled_version():
        folder = bundled_folder()
    else:
        # a source named by the caller is asked (its index's hashes decide), not bypassed by
        # a release cached from elsewhere; download() still reuses cached files that match
        cached = None if source is not None else _cached(spec)
        folder = cached or download(spec, config.cache_dir(), source, "csv").path
    with open_snapshot(str(folder or spec), None) as snapshot:
        # the descriptor's shape and paths, and schemas that are its version's: the tables
        # are typed from them
        check_package(snapshot.root, snapshot.descriptor)
        if not allow_changed_files:
            verify(snapshot.root, snapshot.descriptor)
        yield snapshot
