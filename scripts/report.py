"""DVC stage `report`: write the datasheet site to site/ (index.html, style.css, charts/)."""

from __future__ import annotations

from pathlib import Path

from manpower.pipeline import run_stage
from manpower.views.datasheet import report, summary

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    folder, site = report(ROOT, ROOT / "site")
    print(summary(folder.relative_to(ROOT), site))


if __name__ == "__main__":
    run_stage(main)
