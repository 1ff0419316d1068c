"""Parity: the columnar engine finds what frictionless finds, on a corpus of broken packages.

The product has one Table Schema engine (columnar); frictionless-py is its oracle
(``tests/parity/oracle.py``). Each folder under ``tests/parity/`` is a package that breaks one
thing: its ``*.csv`` files replace the valid baseline tables of ``conftest`` and its
``*.schema.json`` files replace the real schemas. Both validate it; the Table Schema layer's
errors must agree on (table, row, field, error type), and on the message too, since the CLI
prints it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from parity.oracle import validate

CORPUS = ROOT / "tests" / "parity"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
# Where the engines differ on purpose, and why.
ON_PURPOSE = {
    # frictionless-py 5 does not implement Table Schema v2 uniqueKeys; the columnar engine does.
    "unique-keys": {("claims", 3, None, "unique-error")},
}
# Every frictionless error type (and constraint) the corpus must exercise.
REQUIRED = {
    "type-error",
    "constraint-error",
    "primary-key",
    "unique-error",
    "foreign-key",
    "missing-cell",
    "extra-cell",
    "blank-row",
    "duplicate-label",
    "missing-label",
    "extra-label",
    "incorrect-label",
    "encoding-error",
}
CONSTRAINTS = {"required", "enum", "pattern", "minLength", "maxLength"}


def broken_package(make_repo, case: str) -> Path:
    repo = make_repo()
    for path in (CORPUS / case).iterdir():
        folder = "schemas" if path.name.endswith(".schema.json") else "data"
        shutil.copy(path, repo / folder / path.name)
    return repo


def schema_errors(repo: Path, engine: str) -> tuple[list[tuple], dict[str, int]]:
    # a case brings its own schemas (the corpus's *.schema.json), on purpose
    report = validate(repo, engine=engine, own_schemas=True)
    found = [
        (p.table, p.row, p.field, p.rule, p.value, p.message)
        for p in report.problems
        if p.layer == "schema"
    ]
    return found, report.rows


@pytest.mark.parametrize("case", CASES)
def test_engines_agree(make_repo, case):
    repo = broken_package(make_repo, case)
    reference, reference_rows = schema_errors(repo, "frictionless")
    columnar, columnar_rows = schema_errors(repo, "columnar")
    assert reference or case in ON_PURPOSE, f"{case} breaks nothing frictionless sees"
    keys = {e[:4] for e in columnar}
    assert keys - {e[:4] for e in reference} == ON_PURPOSE.get(case, set())
    assert {e[:4] for e in reference} <= keys
    # same lines in the same order (messages included), apart from the deliberate extras
    assert [e for e in columnar if e[:4] not in ON_PURPOSE.get(case, set())] == reference
    assert columnar_rows == reference_rows


@pytest.mark.slow
def test_corpus_covers_every_error_type(make_repo):
    rules: set[str] = set()
    constraints: set[str] = set()
    for case in CASES:
        for _, _, _, rule, _, message in schema_errors(broken_package(make_repo, case), "columnar")[
            0
        ]:
            rules.add(rule)
            if rule == "constraint-error":
                constraints.add(message.split('"')[1])
    assert rules >= REQUIRED
    assert constraints >= CONSTRAINTS


def test_type_errors_per_type(make_repo):
    found = schema_errors(broken_package(make_repo, "type-error-date"), "columnar")[0]
    found += schema_errors(broken_package(make_repo, "type-error-number"), "columnar")[0]
    notes = {e[5] for e in found if e[3] == "type-error"}
    assert notes == {'type is "date/default"', 'type is "number/default"'}


def test_engines_agree_on_a_published_file_edited_afterwards(make_repo):
    """A package folder with datapackage.json (hash, bytes, rows) whose claims.csv was edited
    after it was built: both engines report hash-count, byte-count and row-count alike."""
    import json

    from manpower.descriptor import build_descriptor

    repo = make_repo()
    (repo / "datapackage.json").write_text(
        json.dumps(build_descriptor(repo, stats=True, derived=False)), "utf-8"
    )
    (repo / "schemas" / "package.json").unlink()  # a published folder, not a repository
    claims = repo / "data" / "claims.csv"
    extra = claims.read_text().splitlines()[1].replace("-01,", "-02,", 1)
    claims.write_text(claims.read_text() + extra + "\n")
    reference, reference_rows = schema_errors(repo, "frictionless")
    columnar, columnar_rows = schema_errors(repo, "columnar")
    assert {e[3] for e in reference} == {"hash-count", "byte-count", "row-count"}
    assert columnar == reference
    assert columnar_rows == reference_rows


# Package features the product does not read: it refuses each in one line before reading a
# table (tests/unit/test_descriptor_shape.py); frictionless, reading them, finds the package invalid
# too (a ";" or "'" dialect misreads the comma-separated, double-quoted tables).
UNSUPPORTED = (
    "duplicate names",
    "dialect delimiter",
    "dialect quoteChar",
    "dialect header false",
    "encoding utf-16",
    "encoding bogus",
    "format xlsx",
    "compression zip",
    "foreign key to a missing resource",
)


@pytest.mark.parametrize("case", UNSUPPORTED)
def test_unsupported_package_features_are_refused_where_frictionless_refuses(make_repo, case):
    import json

    from click.testing import CliRunner
    from test_descriptor_shape import CASES, broken, one_line_error

    from manpower.cli import cli
    from manpower.validation.runner import Report
    from parity.oracle import check_structure

    folder = broken(make_repo, case)
    one_line_error(CliRunner().invoke(cli, ["validate", str(folder)]), CASES[case][1])
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    reference = check_structure(folder, descriptor, Report(root=str(folder)))
    assert reference, f"frictionless accepts {case}"
