"""How many of the curated claims `manpower draft` recovers from the documents alone.

For each source with an archived document, the draft is made with that source's claims and
exclusions set aside; a non-interpreted claim is recovered when a drafted row has the same
value_kind and values and a quote containing the claim's quote. Prints the figure per document
and each miss. The issue's target is at least 90 % per document.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from manpower.config import documents_dir
from manpower.contributing.coverage import read_rows
from manpower.contributing.draft import draft

ROOT = Path(__file__).resolve().parents[1]
VALUES = ("value_kind", "value_low", "value", "value_high")


def _same(claim: dict[str, str], row: dict[str, str]) -> bool:
    def num(text: str) -> float | None:
        return float(text) if text else None

    return (
        claim["value_kind"] == row["value_kind"]
        and all(num(claim[c]) == num(row[c]) for c in VALUES[1:])
        and claim["quote"] in row["quote"]
    )


def recall(root: Path, folder: Path) -> list[tuple[str, int, int, list[str]]]:
    """(source_id, recovered, total, misses) per source with a document."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "repo"
        shutil.copytree(root / "schemas", bare / "schemas")
        (bare / "data").mkdir()
        for source in read_rows(root / "data" / "sources.csv"):
            sid = source["source_id"]
            if not source.get("document") or source.get("kind") == "dataset":
                continue  # a dataset is imported through its mapping, not drafted
            for table in ("sources", "claimants", "metrics", "claims", "exclusions"):
                rows = read_rows(root / "data" / f"{table}.csv")
                kept = [r for r in rows if r.get("source_id") != sid or table == "sources"]
                _write(bare / "data" / f"{table}.csv", root / "data" / f"{table}.csv", kept)
            drafted = draft(bare, folder / source["document"], sid).claims
            wanted = [
                c
                for c in read_rows(root / "data" / "claims.csv")
                if c["source_id"] == sid and c["value_kind"] != "interpreted"
            ]
            misses = [
                f"{c['claim_id']} ({c['value_kind']} {c['value_low']}/{c['value']}/"
                f"{c['value_high']}): {c['quote']}"
                for c in wanted
                if not any(_same(c, row) for row in drafted)
            ]
            out.append((sid, len(wanted) - len(misses), len(wanted), misses))
    return out


def _write(path: Path, like: Path, rows: list[dict[str, str]]) -> None:
    import csv

    with like.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=Path, default=None)
    args = parser.parse_args()
    folder = args.documents or documents_dir(ROOT)
    worst = 1.0
    for sid, got, total, misses in recall(ROOT, folder):
        share = got / total if total else 1.0
        worst = min(worst, share)
        print(f"{sid}: {got}/{total} ({share:.0%})")
        for miss in misses:
            print(f"  miss {miss}")
    return 0 if worst >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
