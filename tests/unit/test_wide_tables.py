"""Wide tables are refused before any row is read: the schema says how many columns a table has
(issue 22 item 16)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import digest
from manpower import limits
from manpower.cli import cli
from manpower.validation.runner import validate


def widen(path, extra: int, *, quoted: bool = False) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    label = '"x,{}"' if quoted else "x{}"
    lines[0] += "".join("," + label.format(n) for n in range(extra))
    lines[1:] = [line + "," * extra for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("extra", [10_000, 60_000, 200_000])
def test_a_wide_table_is_refused_before_its_rows_are_read(make_repo, monkeypatch, extra):
    repo = make_repo()
    widen(repo / "data" / "claims.csv", extra)
    before = digest(repo)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    fields = len(json.loads((repo / "schemas" / "claims.schema.json").read_text())["fields"])
    assert result.output.splitlines()[:1] == [
        f"claims.csv: [table-too-wide] the header has more than {fields + 50} columns ({fields} "
        "fields in its schema and 50 extra allowed); no row was read. Fix: remove the extra "
        "columns (each column is a field of the table's schema).",
    ]
    assert result.output.splitlines()[1:] == [
        "invalid: 1 error (sources 1, claimants 1, metrics 2, claims 0, exclusions 0 rows)",
    ]
    # "claims 0 rows" above says no row was read (60,000 columns took 53 s before, 200,000 more
    # than 300 s: the cost was the rows)
    assert digest(repo) == before


def test_the_cap_counts_labels_not_commas(make_repo):
    """Quoted labels may hold commas: a header within the cap is read as usual."""
    repo = make_repo()
    widen(repo / "data" / "claims.csv", limits.MAX_EXTRA_COLUMNS, quoted=True)
    rules = {p.rule for p in validate(repo).problems}
    assert "extra-label" in rules and "table-too-wide" not in rules


def test_one_column_over_the_cap_is_refused(make_repo):
    repo = make_repo()
    widen(repo / "data" / "claims.csv", limits.MAX_EXTRA_COLUMNS + 1)
    assert [p.rule for p in validate(repo).problems] == ["table-too-wide"]


@pytest.mark.parametrize("raised", [False, True])
def test_a_header_label_too_long_for_the_csv_module_is_one_line(make_repo, monkeypatch, raised):
    import csv

    # the csv limit is the process's: importing frictionless raises it (the parity tests do),
    # and the answer must not depend on which test ran first
    previous = csv.field_size_limit(2**31 - 1 if raised else csv.field_size_limit())
    repo = make_repo()
    path = repo / "data" / "claims.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += "," + "x" * 200_000
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1, result.exception
    assert result.output.splitlines()[0] == (
        "claims.csv: [source-error] header: field larger than field limit (131072). Fix: check "
        "that the file exists and is a readable CSV."
    )
    assert csv.field_size_limit(previous) == (2**31 - 1 if raised else previous)


def _refusal(repo, table: str = "claims") -> str:
    fields = len(json.loads((repo / "schemas" / f"{table}.schema.json").read_text())["fields"])
    return (
        f"Error: {table}.csv: [table-too-wide] the header has more than {fields + 50} columns "
        f"({fields} fields in its schema and 50 extra allowed); no row was read. Fix: remove the "
        "extra columns (each column is a field of the table's schema)."
    )


@pytest.mark.parametrize("command", ["diff", "show", "show-name"])
def test_every_reader_refuses_a_wide_table_before_its_rows(make_repo, monkeypatch, command):
    """diff and show read the tables too: they refuse a wide one in one line, as validate does,
    rather than read 200,000 columns into gigabytes (issue 22 item 16)."""
    old, repo = make_repo(), make_repo()
    widen(repo / "data" / "claims.csv", 200_000)
    before = digest(repo), digest(old)
    monkeypatch.chdir(repo)
    args = {
        "diff": ["diff", str(old), str(repo)],
        "show": ["show"],
        "show-name": ["show", "claims"],
    }[command]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [_refusal(repo)]
    assert (digest(repo), digest(old)) == before


def test_the_library_readers_share_the_cap(make_repo):
    from manpower.errors import ManpowerError
    from manpower.releasing.export import typed_table
    from manpower.releasing.loader import read_table
    from manpower.releasing.snapshot import Snapshot, load_descriptor
    from manpower.schema import read_rows

    repo = make_repo()
    widen(repo / "data" / "claims.csv", limits.MAX_TABLE_COLUMNS)
    table = Snapshot("x", repo, load_descriptor(repo)).tables()["claims"]
    for read in (read_table, typed_table, lambda t: read_rows(t.path)):
        with pytest.raises(ManpowerError, match=r"^claims\.csv: \[table-too-wide\] "):
            read(table)
