"""Shared fixtures: a small valid package built in a temporary folder from the real schemas."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DVC_NO_ANALYTICS", "1")

SOURCES = [
    {
        "source_id": "paper-2025-01-03",
        "title": "Convicts recruited",
        "publisher": "The Paper",
        "author": "A. Writer",
        "published_date": "2025-01-03",
        "url": "https://example.org/a",
        "language": "en",
        "document": "",
        "notes": "",
    },
]
CLAIMANTS = [
    {
        "claimant_id": "ua-szru",
        "name": "Foreign Intelligence Service of Ukraine",
        "type": "intelligence_service",
        "country": "UA",
        "notes": "",
    },
]
METRICS = [
    {
        "metric_id": "convicts_recruited_cumulative",
        "topic": "recruitment",
        "label": "Convicts recruited",
        "description": "Prisoners recruited since 2022.",
        "unit": "persons",
        "counting_basis": "cumulative",
    },
    {
        "metric_id": "pow_share_by_rank",
        "topic": "captivity",
        "label": "POWs by rank",
        "description": "Share of POWs by rank.",
        "unit": "percent",
        "counting_basis": "share",
    },
]
CLAIM = {
    "claim_id": "paper-2025-01-03-01",
    "metric_id": "convicts_recruited_cumulative",
    "category": "",
    "value_kind": "range",
    "value_low": "140000",
    "value": "",
    "value_high": "180000",
    "period_start": "2022-07-01",
    "period_end": "2024-11-30",
    "date_precision": "month",
    "claimant_id": "ua-szru",
    "source_id": "paper-2025-01-03",
    "via": "",
    "quote": "Russia has recruited 140,000 to 180,000 prisoners",
    "verification": "not_independently_verified",
    "supersedes": "",
    "notes": "",
}


def claim(**changes: str) -> dict[str, str]:
    return {**CLAIM, **changes}


def write_table(path: Path, rows: list[dict[str, str]], schema_table: str | None = None) -> None:
    import json

    table = schema_table or path.stem
    fields = [
        f["name"]
        for f in json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text())["fields"]
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not {".git", "tmp", "__pycache__"} & set(p.relative_to(folder).parts)
    }


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A package folder with the real schemas and small tables (valid unless told otherwise)."""

    def make(
        claims: list[dict[str, str]] | None = None,
        sources: list[dict[str, str]] | None = None,
        claimants: list[dict[str, str]] | None = None,
        metrics: list[dict[str, str]] | None = None,
    ) -> Path:
        repo = tmp_path / f"repo{len(list(tmp_path.glob('repo*')))}"
        shutil.copytree(ROOT / "schemas", repo / "schemas")
        (repo / "data").mkdir()
        write_table(repo / "data" / "sources.csv", SOURCES if sources is None else sources)
        write_table(repo / "data" / "claimants.csv", CLAIMANTS if claimants is None else claimants)
        write_table(repo / "data" / "metrics.csv", METRICS if metrics is None else metrics)
        write_table(repo / "data" / "claims.csv", [CLAIM] if claims is None else claims)
        return repo

    return make
