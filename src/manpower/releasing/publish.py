"""Publish a release to a host: rebuild its files from the tag, check them against the committed
record, and write an index and a descriptor that work from the host's URLs.

GitHub release assets are flat and live under one URL per tag, so the published
``releases.json`` gives every file an absolute ``url``, and the published ``datapackage.json``
gives every resource and schema an absolute URL (the CSV files as committed at the tag), so that
``frictionless`` in Python or R reads the release straight from its URL.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from manpower.errors import ManpowerError
from manpower.releasing.release_index import Index, Release, ReleaseFile


def rebuilt(root: Path, release: Release, out: Path) -> list[ReleaseFile]:
    """The release files built again from the tree at ``root``, each checked against the
    record: a tag whose files differ from what was recorded is not published."""
    from manpower.releasing.release_files import build_files

    files = build_files(root, release.version, out)
    recorded = {f.name: f.sha256 for f in release.files}
    built = {f.name: f.sha256 for f in files}
    if recorded != built:
        names = recorded.keys() | built.keys()
        differ = sorted(n for n in names if recorded.get(n) != built.get(n))
        raise ManpowerError(
            f"release {release.version}: rebuilt files differ from the release record "
            f"({', '.join(differ)}): not published"
        )
    return files


def _expand(pattern: str, release: Release) -> str:
    url = pattern.format(tag=release.tag, version=release.version)
    return url if url.endswith("/") else url + "/"


def hosted_index(record: Index, assets_url: str) -> Index:
    """The record with an absolute ``url`` for every file; ``assets_url`` may hold ``{tag}`` and
    ``{version}`` (e.g. ``https://github.com/O/R/releases/download/{tag}/``)."""
    out = Index(name=record.name)
    for release in record.releases:
        base = _expand(assets_url, release)
        files = [
            ReleaseFile(f.name, f.format, f.bytes, f.sha256, f.table, base + f.name)
            for f in release.files
        ]
        out.add(Release(release.version, release.date, release.tag, files, release.commit))
    return out


def hosted_descriptor(descriptor: dict[str, Any], files_url: str) -> dict[str, Any]:
    """``datapackage.json`` with every resource path and schema path an absolute URL under
    ``files_url`` (e.g. ``https://raw.githubusercontent.com/O/R/v1.0.0/``)."""
    base = files_url if files_url.endswith("/") else files_url + "/"
    out = copy.deepcopy(descriptor)
    for resource in out.get("resources", []):
        resource["path"] = base + resource["path"]
        if isinstance(resource.get("schema"), str):
            resource["schema"] = base + resource["schema"]
    return out
