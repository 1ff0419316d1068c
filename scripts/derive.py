"""DVC stage `derive`: write data/derived/claims_flat.csv."""

from __future__ import annotations

from pathlib import Path

from manpower.descriptor import derived_path
from manpower.flat_table import write_flat
from manpower.pipeline import run_stage

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    rows = write_flat(ROOT, derived_path(ROOT, "claims_flat"))
    print(f"data/derived/claims_flat.csv: {rows} rows")


if __name__ == "__main__":
    run_stage(main)
