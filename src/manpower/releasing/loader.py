"""``manpower.load``: the tables of a release as pandas DataFrames with their proper types."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from manpower.errors import UsageError
from manpower.releasing.snapshot import Table

if TYPE_CHECKING:
    import pandas as pd


def read_table(table: Table) -> pd.DataFrame:
    """One table typed from its schema (:func:`manpower.schema.typed_pandas`): numbers float64,
    integers Int64, booleans boolean, dates datetime64 (dates as dates, not text), text as
    strings; missing values are missing. pandas, not polars: ``manpower.load`` is light core."""
    import pandas as pd

    from manpower.errors import ManpowerError
    from manpower.schema import typed_pandas

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
    version: str | os.PathLike[str] = "latest", *, source: str | None = None
) -> dict[str, pd.DataFrame]:
    """The tables of a package version, by name: ``{"claims": DataFrame, ...}``.

    ``version`` is ``"latest"``, a released version ``"X.Y.Z"`` (read from the cache when it
    was downloaded before, otherwise downloaded and validated first), or a path: a package
    folder, a ``datapackage.json`` or a release ``.zip``. ``source`` is the release index URL or
    a local folder holding one (default: ``MANPOWER_RELEASES_URL``, then the repository's
    release record inside a clone, then the published location; see ``manpower.releasing.origin``).
    """
    from manpower import config
    from manpower.releasing.download import download
    from manpower.releasing.snapshot import open_snapshot

    spec = os.fspath(version)
    if not spec.strip():
        # Path("") is the current folder: an empty version must not load whatever is here
        raise UsageError("load: the version is empty; give 'latest', a version X.Y.Z or a path")
    if Path(spec).exists():
        folder = None
    else:
        # a source named by the caller is asked (its index's hashes decide), not bypassed by
        # a release cached from elsewhere; download() still reuses cached files that match
        cached = None if source is not None else _cached(spec)
        folder = cached or download(spec, config.cache_dir(), source, "csv").path
    with open_snapshot(str(folder or spec), None) as snapshot:
        return {name: read_table(table) for name, table in snapshot.tables().items()}
