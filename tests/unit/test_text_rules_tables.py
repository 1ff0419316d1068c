"""The text rules on every text cell of every table, found from the Table Schemas (issue 18
item 2), line breaks refused alike by validate, fmt and submit (issue 22 item 14), and a
qualifier hidden by a zero-width space (issue 22 item 19)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from conftest import ROOT, assert_rejected, claim, digest, run_submit, write_table
from manpower.cli import cli
from manpower.validation.runner import validate

TODAY = dt.date(2026, 11, 24)
EXCLUSION = {
    "exclusion_id": "paper-2025-01-03-x01",
    "source_id": "paper-2025-01-03",
    "excerpt": "three years after the invasion",
    "figure": "three",
    "reason": "date_or_duration",
    "notes": "",
}
# every table's every string field, from the schemas: the rules need no list of either
STRING_FIELDS = {
    path.name.removesuffix(".schema.json"): [
        f["name"] for f in json.loads(path.read_text("utf-8"))["fields"] if f["type"] == "string"
    ]
    for path in sorted((ROOT / "schemas").glob("*.schema.json"))
}


def found(repo) -> set[tuple]:
    return {(p.table, p.row, p.field, p.rule) for p in validate(repo, today=TODAY).problems}


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo()
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(
    ("cells", "field", "rule"),
    [
        ({"excerpt": '=HYPERLINK("http://x")'}, "excerpt", "spreadsheet-formula"),
        ({"notes": "looks \u202eright"}, "notes", "control-character"),
        ({"notes": "\u200b"}, "notes", "invisible-text"),
        ({"notes": "two\nlines"}, "notes", "control-character"),
    ],
)
def test_validate_applies_the_text_rules_to_exclusions(make_repo, cells, field, rule):
    repo = make_repo()
    write_table(repo / "data" / "exclusions.csv", [{**EXCLUSION, **cells}])
    assert found(repo) == {("exclusions", 2, field, rule)}


def test_the_valid_exclusion_is_valid(make_repo):
    repo = make_repo()
    write_table(repo / "data" / "exclusions.csv", [EXCLUSION])
    assert found(repo) == set()


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        (
            {"excerpt": '=HYPERLINK("http://x")'},
            "row 2, column excerpt: value '=HYPERLINK(\"http://x\")': [spreadsheet-formula] ",
        ),
        ({"notes": "looks \u202eright"}, "row 2, column notes: value 'looks \\u202eright': "),
    ],
)
def test_submit_refuses_an_exclusion_breaking_a_text_rule(repo, tmp_path, cells, line):
    path = tmp_path / "exclusions.csv"
    write_table(path, [{**EXCLUSION, **cells}])
    before = digest(repo / "data")
    result = run_submit(path)
    assert result.exit_code == 1, result.output
    assert any(out.startswith(f"{path}, {line}") for out in result.output.splitlines()), (
        result.output
    )
    assert "\u202e" not in result.output
    assert digest(repo / "data") == before


@pytest.mark.parametrize("blank", ["\u200b", "\u3164", "\u2800", "\u200d\ufeff"])
def test_an_optional_cell_of_invisible_characters_is_refused(repo, tmp_path, blank):
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id="paper-2025-01-03-02", via=blank)])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(
        result,
        path,
        f"{path}, row 2, column via: value {blank!r}: [invisible-text] a text that is not "
        "empty has at least one visible character. Fix: write the text, or leave the cell "
        "empty; blank-looking characters (zero-width, fillers) do not count.",
    )
    assert digest(repo / "data") == before
    assert ("claims", 3, "via", "invisible-text") in found(
        _with_claim(repo, claim(claim_id="paper-2025-01-03-02", via=blank))
    )


def _with_claim(repo, row):
    from conftest import CLAIM

    write_table(repo / "data" / "claims.csv", [CLAIM, row])
    return repo


def test_every_string_field_of_every_table_is_checked(make_repo):
    """A control character in each string cell of each table: each is found (the first of a
    row names its field), none through a hand-kept list."""
    from manpower.paths import TABLES
    from manpower.validation.rules import table_checks

    assert set(STRING_FIELDS) == set(TABLES)  # every table has string fields
    for table in STRING_FIELDS:
        assert {r.id for r in table_checks(table)} >= {
            "spreadsheet-formula",
            "control-character",
            "invisible-text",
        }
    repo = make_repo()
    write_table(repo / "data" / "exclusions.csv", [{**EXCLUSION, "notes": "a\x07b"}])
    assert ("exclusions", 2, "notes", "control-character") in found(repo)


# --- line breaks: validate, fmt --check and submit agree ------------------------------------


@pytest.mark.parametrize("field", ["notes", "quote"])
def test_a_line_break_in_a_cell_is_refused_by_validate_fmt_and_submit(repo, tmp_path, field):
    from conftest import CLAIM

    broken = claim(**{field: CLAIM[field] + "\nsecond line"})
    write_table(repo / "data" / "claims.csv", [broken])
    before = digest(repo / "data")
    checked = CliRunner().invoke(cli, ["validate"])
    assert checked.exit_code == 1
    assert f"claims.csv, row 2, column {field}: " in checked.output
    assert "[control-character]" in checked.output
    formatted = CliRunner().invoke(cli, ["fmt", "--check"])
    assert formatted.exit_code == 1
    assert "line-break-in-cell" in formatted.output or "spans lines" in formatted.output
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id="paper-2025-01-03-02", notes="fine")])
    submitted = run_submit(path)
    assert submitted.exit_code == 1
    assert digest(repo / "data") == before


def test_a_line_break_in_an_update_file_is_refused_by_submit(repo, tmp_path):
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id="paper-2025-01-03-02", notes="one\ntwo")])
    before = digest(repo / "data")
    result = run_submit(path)
    assert result.exit_code == 1
    assert "spans lines" in result.output
    assert digest(repo / "data") == before


# --- a qualifier behind a zero-width space --------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "Russia has recruited more\u200b than 180,000 prisoners",
        "Russia has recruited mo\u200bre than 180,000 prisoners",
        "Russia has recruited more\u200bthan 180,000 prisoners",
        "Russia has recruited more than\u2060 180,000 prisoners",
        "Russia has recruited more\u00adthan 180,000 prisoners",
    ],
)
def test_a_format_character_does_not_hide_more_than(make_repo, quote):
    row = claim(value_kind="exact", value_low="", value="180000", value_high="", quote=quote)
    assert ("claims", 2, "value_kind", "value-kind-wording") in found(make_repo(claims=[row]))
    row["value_kind"], row["value_low"], row["value"] = "more_than", "180000", ""
    assert found(make_repo(claims=[row])) == set()
