"""Regenerate the table reference and the rule list in README.md (schemas/, manpower.catalogue)."""

from __future__ import annotations

from pathlib import Path

from manpower.files import write_atomic
from manpower.views.readme_tables import update_readme

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    readme = ROOT / "README.md"
    write_atomic(readme, update_readme(readme.read_text(encoding="utf-8"), ROOT))
    print("README.md: table reference and rule list regenerated from schemas/ and the catalogue")
