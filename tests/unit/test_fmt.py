"""manpower fmt: one canonical text per table; --check changes nothing and names the tables."""

from __future__ import annotations

import unicodedata

import pytest
from click.testing import CliRunner

from conftest import ROOT, digest
from manpower.cli import cli
from manpower.contributing.canonical_form import format_tables


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo()
    monkeypatch.chdir(root)
    return root


def fmt(*args: str):
    return CliRunner().invoke(cli, ["fmt", *args], catch_exceptions=False)


def test_canonical_tables_pass_the_check(repo):
    before = digest(repo / "data")
    result = fmt("--check")
    assert result.exit_code == 0
    assert result.output == "5 tables already canonical\n"
    assert digest(repo / "data") == before


def test_curated_data_is_canonical():
    assert [r.table for r in format_tables(ROOT) if r.changed] == []


def _mess_up(repo) -> None:
    """Reverse the rows, move a column, CRLF, a BOM, stray spaces and an NFD accent."""
    path = repo / "data" / "sources.csv"
    lines = path.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    rows.append(rows[0].replace("paper-2025-01-03", "zulu-2024-12-01", 1))
    text = "\n".join([header, *reversed(rows)]) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    claimants = repo / "data" / "claimants.csv"
    text = claimants.read_text().replace(
        "Foreign Intelligence Service of Ukraine",
        "  " + unicodedata.normalize("NFD", "Service de renseignement étranger") + " ",
    )
    claimants.write_text(text)


def test_check_lists_non_canonical_tables_and_changes_nothing(repo):
    _mess_up(repo)
    before = digest(repo / "data")
    result = fmt("--check")
    assert result.exit_code == 1
    assert result.output == (
        "data/sources.csv: not canonical (starts with a byte-order mark; has CR or CRLF line "
        "endings; rows are not sorted by source_id)\n"
        "data/claimants.csv: not canonical (cells have leading or trailing spaces; text is not "
        "in Unicode NFC)\n"
        "2 of 5 tables not canonical: run `manpower fmt`\n"
    )
    assert digest(repo / "data") == before


def test_fmt_rewrites_then_check_is_clean(repo):
    _mess_up(repo)
    result = fmt()
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "2 of 5 tables rewritten in canonical form"
    data = (repo / "data" / "sources.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    assert [line.split(b",")[0] for line in data.splitlines()[1:]] == [
        b"paper-2025-01-03",
        b"zulu-2024-12-01",
    ]
    claimants = (repo / "data" / "claimants.csv").read_text()
    assert ",Service de renseignement étranger," in claimants
    assert fmt("--check").exit_code == 0
    after = digest(repo / "data")
    assert fmt().output == "5 tables already canonical\n"
    assert digest(repo / "data") == after
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 0


def test_reordered_columns_are_put_in_schema_order(repo):
    path = repo / "data" / "metrics.csv"
    lines = [line.split(",") for line in path.read_text().splitlines()]
    path.write_text("\n".join(",".join([*c[1:], c[0]]) for c in lines) + "\n")
    result = fmt("--check")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "data/metrics.csv: not canonical (columns are not in schema order)"
    )
    assert fmt().exit_code == 0
    assert path.read_text().startswith("metric_id,topic,label,")


def test_unreadable_table_is_an_error_and_nothing_is_written(repo):
    (repo / "data" / "claims.csv").write_bytes("claim_id\ncafé\n".encode("latin-1"))
    (repo / "data" / "sources.csv").write_bytes(
        (repo / "data" / "sources.csv").read_bytes().replace(b"\n", b"\r\n")
    )
    before = digest(repo / "data")
    result = CliRunner().invoke(cli, ["fmt"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: data/claims.csv: the file is not UTF-8 (byte 0xe9 on line 2; it may be Latin-1 "
        "or Windows-1252); save it as UTF-8\n"
    )
    assert digest(repo / "data") == before


def test_a_table_without_a_primary_key_is_sorted_by_its_first_column(repo):
    import json

    from conftest import METRICS, write_table

    path = repo / "schemas" / "metrics.schema.json"
    schema = json.loads(path.read_text())
    del schema["primaryKey"]
    path.write_text(json.dumps(schema))
    write_table(repo / "data" / "metrics.csv", list(reversed(METRICS)))
    before = digest(repo / "data")
    result = fmt("--check")
    assert result.exit_code == 1
    assert result.output == (
        "data/metrics.csv: not canonical (rows are not sorted by metric_id)\n"
        "1 of 5 tables not canonical: run `manpower fmt`\n"
    )
    assert digest(repo / "data") == before
    assert fmt().exit_code == 0
    lines = (repo / "data" / "metrics.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == sorted(m["metric_id"] for m in METRICS)
