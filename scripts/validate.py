"""DVC stage `validate`: validate the curated tables and write reports/validation.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from manpower.files import write_atomic
from manpower.pipeline import run_stage
from manpower.render import render_report
from manpower.validation.runner import validate

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    report = validate(ROOT, own_schemas=True)  # the repository's schemas are the rules
    summary = {
        "valid": report.valid,
        "rows": report.rows,
        "errors": report.errors,
        "errors_by_rule": report.errors_by_rule(),
    }
    write_atomic(ROOT / "reports" / "validation.json", json.dumps(summary, indent=2) + "\n")
    if not report.valid:
        print(render_report(report, "text"), file=sys.stderr)
    return int(not report.valid)


if __name__ == "__main__":
    run_stage(main)
