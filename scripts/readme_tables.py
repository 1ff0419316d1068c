"""Regenerate the table reference in README.md from the Table Schemas in schemas/."""

from __future__ import annotations

from pathlib import Path

from manpower.fsutil import write_atomic
from manpower.publishing.readme_tables import update_readme

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    readme = ROOT / "README.md"
    write_atomic(readme, update_readme(readme.read_text(encoding="utf-8"), ROOT))
    print("README.md: table reference regenerated from schemas/")
