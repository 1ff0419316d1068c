"""How well `manpower draft` reads documents, per language: recall, precision, qualifiers.

Two corpora:

- the curated documents (English today): for each source with an archived document, the draft
  is made with that source's claims and exclusions set aside; a non-interpreted claim is
  recovered when a drafted row has the same value_kind and values and a quote containing the
  claim's quote;
- the test documents in ``tests/languages/`` (fictional Russian and Ukrainian news texts, with
  ``expected.json``): an expected claim is recovered when a drafted row has its value_kind and
  values and a quote containing the figure as written.

Recall: expected claims recovered / expected claims. Precision: drafted claim rows that are an
expected claim / drafted claim rows (a figure draft proposes as an exclusion is not a claim
row). Qualifiers: expected claims whose wording bounds the figure ("more than", "почти",
"щонайменше"...) drafted with the right value_kind. Exclusions: expected exclusions proposed
with the right reason. The targets (issue 19): recall >= 95 %, precision >= 90 % in every
language, every qualifier right; the script exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from manpower.config import documents_dir
from manpower.contributing.coverage import read_rows
from manpower.contributing.draft import draft

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "languages"
VALUES = ("value_low", "value", "value_high")
QUALIFIED = ("at_least", "more_than", "approximate", "up_to", "less_than", "range")


@dataclass
class Score:
    """The counts of one language (or one document)."""

    expected: int = 0
    recovered: int = 0
    drafted: int = 0
    right: int = 0
    qualified: int = 0
    qualified_right: int = 0
    exclusions: int = 0
    exclusions_right: int = 0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("expected", "recovered", "drafted", "right", "qualified"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.qualified_right += other.qualified_right
        self.exclusions += other.exclusions
        self.exclusions_right += other.exclusions_right
        self.misses += other.misses
        self.wrong += other.wrong

    @property
    def recall(self) -> float:
        return self.recovered / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.right / self.drafted if self.drafted else 1.0


def _num(text: object) -> float | None:
    return float(text) if text not in ("", None) else None  # type: ignore[arg-type]


def _same_values(expected: dict[str, object], row: dict[str, str]) -> bool:
    return expected["value_kind"] == row["value_kind"] and all(
        _num(expected.get(c, "")) == _num(row[c]) for c in VALUES
    )


def _score(
    wanted: list[tuple[dict[str, object], str]],
    rows: list[dict[str, str]],
    allowed: list[tuple[dict[str, object], str]] | None = None,
) -> Score:
    """Match drafted ``rows`` to ``wanted`` (claim, text its quote must hold), one to one;
    ``allowed`` are further claims a row may match without being wanted (interpreted ones)."""
    score = Score(expected=len(wanted), drafted=len(rows))
    free = list(range(len(rows)))
    for claim, text in wanted:
        hit = next(
            (i for i in free if _same_values(claim, rows[i]) and text in rows[i]["quote"]), None
        )
        qualified = claim["value_kind"] in QUALIFIED
        score.qualified += qualified
        if hit is None:
            score.misses.append(f"{claim['value_kind']} {text}")
            continue
        free.remove(hit)
        score.recovered += 1
        score.qualified_right += qualified
    for claim, text in allowed or []:
        hit = next(
            (i for i in free if _same_values(claim, rows[i]) and text in rows[i]["quote"]), None
        )
        if hit is not None:
            free.remove(hit)
    score.right = score.drafted - len(free)
    score.wrong = [
        f"{rows[i]['value_kind']} {rows[i]['value_low']}/{rows[i]['value']}/"
        f"{rows[i]['value_high']}: {rows[i]['quote']}"
        for i in free
    ]
    return score


def curated(root: Path, folder: Path) -> dict[str, tuple[str, Score]]:
    """source_id -> (language, score) for each curated source with a document."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "repo"
        shutil.copytree(root / "schemas", bare / "schemas")
        (bare / "data").mkdir()
        claims = read_rows(root / "data" / "claims.csv")
        for source in read_rows(root / "data" / "sources.csv"):
            sid = source["source_id"]
            if not source.get("document") or source.get("kind") == "dataset":
                continue  # a dataset is imported through its mapping, not drafted
            for table in ("sources", "claimants", "metrics", "claims", "exclusions"):
                rows = read_rows(root / "data" / f"{table}.csv")
                kept = [r for r in rows if r.get("source_id") != sid or table == "sources"]
                _write(bare / "data" / f"{table}.csv", root / "data" / f"{table}.csv", kept)
            drafted = draft(bare, folder / source["document"], sid).claims
            own = [c for c in claims if c["source_id"] == sid]
            wanted = [(c, c["quote"]) for c in own if c["value_kind"] != "interpreted"]
            # an interpreted claim reads a value into a vague figure: draft proposes the row
            # without the value, which is right when the claim quotes that sentence
            allowed = [
                ({"value_kind": "interpreted"}, c["quote"])
                for c in own
                if c["value_kind"] == "interpreted"
            ]
            out[sid] = (source.get("language") or "en", _score(wanted, drafted, allowed))
    return out


def fixtures(folder: Path = FIXTURES) -> dict[str, tuple[str, Score]]:
    """document -> (language, score) for the test documents and their expected.json."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "repo"
        shutil.copytree(ROOT / "schemas", bare / "schemas")
        (bare / "data").mkdir()
        for name, spec in expected.items():
            if name.startswith("_"):
                continue
            result = draft(bare, folder / f"{name}.txt", name.replace("_", "-"))
            score = _score([(c, str(c["figure"])) for c in spec["claims"]], result.claims)
            proposed = [(x["figure"], x["reason"]) for x in result.exclusions]
            score.exclusions = len(spec["exclusions"])
            score.exclusions_right = sum(
                (x["figure"], x["reason"]) in proposed for x in spec["exclusions"]
            )
            score.wrong += [
                f"exclusion {f} ({r})"
                for f, r in proposed
                if {"figure": f, "reason": r} not in spec["exclusions"]
            ]
            out[name] = (spec["language"], score)
    return out


def recall(root: Path, folder: Path) -> list[tuple[str, int, int, list[str]]]:
    """(source_id, recovered, total, misses) per curated source with a document."""
    scores = curated(root, folder)
    return [(sid, s.recovered, s.expected, s.misses) for sid, (_lang, s) in scores.items()]


def _write(path: Path, like: Path, rows: list[dict[str, str]]) -> None:
    with like.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def by_language(root: Path, folder: Path) -> dict[str, Score]:
    totals: dict[str, Score] = {}
    for _name, (language, score) in {**curated(root, folder), **fixtures()}.items():
        totals.setdefault(language, Score()).add(score)
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=Path, default=None)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    args = parser.parse_args()
    folder = args.documents or documents_dir(ROOT)
    ok = True
    for language, s in sorted(by_language(ROOT, folder).items()):
        print(
            f"{language}: recall {s.recovered}/{s.expected} ({s.recall:.1%}), precision "
            f"{s.right}/{s.drafted} ({s.precision:.1%}), qualifiers "
            f"{s.qualified_right}/{s.qualified}"
            + (f", exclusions proposed {s.exclusions_right}/{s.exclusions}" if s.exclusions else "")
        )
        if args.verbose:
            for miss in s.misses:
                print(f"  miss {miss}")
            for extra in s.wrong:
                print(f"  extra {extra}")
        ok &= s.recall >= 0.95 and s.precision >= 0.9 and s.qualified_right == s.qualified
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
