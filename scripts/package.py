"""DVC stage `package`: write datapackage.json from the metadata, schemas and files."""

from __future__ import annotations

from pathlib import Path

from manpower.descriptor import build_descriptor, dumps
from manpower.files import write_atomic
from manpower.pipeline import run_stage

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    descriptor = build_descriptor(ROOT)
    write_atomic(ROOT / "datapackage.json", dumps(descriptor))
    rows = sum(r.get("rows", 0) for r in descriptor["resources"])
    print(
        f"datapackage.json: version {descriptor['version']}, {len(descriptor['resources'])} "
        f"resources, {rows} rows"
    )


if __name__ == "__main__":
    run_stage(main)
