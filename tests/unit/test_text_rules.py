"""Text cells: no spreadsheet formula, no control or bidi character, required text visible;
terminal output escapes what is left; chart text is drawn literally (no mathtext)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from conftest import CLAIMANTS, METRICS, assert_rejected, claim, digest, run_submit, write_table
from manpower.cli import cli
from manpower.validation.runner import validate
from parity.oracle import validate as oracle_validate

TODAY = dt.date(2026, 11, 24)
FORMULA_LINE = (
    "{path}, row 2, column notes: value {value!r}: [spreadsheet-formula] no text cell starts "
    "like a spreadsheet formula. Fix: remove the leading =, +, -, @, tab or CR, or their "
    "fullwidth forms (spreadsheets would run the cell)."
)
NEW_ID = "paper-2025-01-03-02"


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo()
    monkeypatch.chdir(root)
    return root


def found(repo, **kw) -> set[tuple]:
    report = oracle_validate(repo, today=TODAY, **kw)
    return {(p.table, p.row, p.field, p.rule) for p in report.problems}


# --- 7. formula injection ----------------------------------------------------------------------

FORMULAS = [
    "+1+1",
    "-2+3",
    "-@SUM(1)",
    "-2+3+cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "\uff1d1+1",  # fullwidth =
    "\uff0b1+1",  # fullwidth +
    "\uff0d2+3",  # fullwidth -
    "\uff20SUM(1)",  # fullwidth @
    "=1+1",
    "@SUM(A1)",
    # "-" and a letter: -A1 and -cmd|... are formulas too, so a quote cannot start this way
    "-Russia lost",
    "-cmd|' /C calc'!A0",
    "- 5",
]


@pytest.mark.parametrize("cell", FORMULAS)
def test_submit_refuses_a_formula(repo, tmp_path, cell):
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id=NEW_ID, notes=cell)])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(result, path, FORMULA_LINE.format(path=path, value=cell))
    assert digest(repo / "data") == before


@pytest.mark.parametrize("cell", ["\t=1", " +1", "\tHello", "\u00a0=1"])
@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_validate_refuses_a_formula_behind_spaces_or_starting_with_tab_or_cr(
    make_repo, cell, engine
):
    repo = make_repo(claims=[claim(via=cell)])
    assert ("claims", 2, "via", "spreadsheet-formula") in found(repo, engine=engine)


def test_both_patterns_agree_on_the_formula_start():
    """The Python pattern (which names the column) and the polars one (which finds the row)."""
    import polars as pl

    from manpower.validation.text_rules import FORMULA_RUST, starts_like_formula

    cells = [*FORMULAS, "\rHello", "\r\n=1", " \x1c=1", "ok", "a-b", "", " "]
    by_polars = pl.Series(cells).str.contains(FORMULA_RUST).to_list()
    assert by_polars == [starts_like_formula(c) for c in cells]
    assert by_polars == [True] * (len(FORMULAS) + 3) + [False] * 4


@pytest.mark.parametrize(
    "cell", ["Russia-Ukraine war", "x = y", "e-mail", "5 + 5 = 10", "a @ b", "—quote"]
)
def test_text_that_merely_contains_the_characters_is_fine(make_repo, cell):
    assert found(make_repo(claims=[claim(notes=cell)])) == set()


# --- 8. invisible and control characters -------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["\u200b", "\u3164", "\u2800", "\u200b\u2800\u3164", "\u200d\ufeff", "\u0301"]
)
def test_required_text_needs_a_visible_character(repo, tmp_path, name):
    path = tmp_path / "claimants.csv"
    write_table(path, [{**CLAIMANTS[0], "claimant_id": "ua-gur", "name": name}])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(
        result,
        path,
        f"{path}, row 2, column name: value {name!r}: [invisible-text] a text that is not "
        "empty has at least one visible character. Fix: write the text, or leave the cell "
        "empty; blank-looking characters (zero-width, fillers) do not count.",
    )
    assert digest(repo / "data") == before


CONTROLS = [
    "\x85",  # NEL
    "\x9b",  # CSI: the start of a terminal escape sequence
    "\x1b",
    "\x07",
    "\x00",
    "\x7f",
    "\t",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202e",  # right-to-left override
    "\u2066",
    "\u2069",
]


@pytest.mark.parametrize("char", CONTROLS)
@pytest.mark.parametrize("engine", ["columnar", "frictionless"])
def test_control_characters_are_refused_in_every_text_cell(make_repo, char, engine):
    repo = make_repo(
        claims=[claim(notes=f"a{char}b")],
        claimants=[{**CLAIMANTS[0], "name": f"Foreign{char} Service"}],
        metrics=[{**METRICS[0], "label": f"Convicts{char}"}, METRICS[1]],
    )
    problems = found(repo, engine=engine)
    assert {
        ("claims", 2, "notes", "control-character"),
        ("claimants", 2, "name", "control-character"),
        ("metrics", 2, "label", "control-character"),
    } <= problems


def test_submit_refuses_a_control_character_with_one_escaped_line(repo, tmp_path):
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id=NEW_ID, notes="x\x9b31m")])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(
        result,
        path,
        f"{path}, row 2, column notes: value 'x\\x9b31m': [control-character] no control, "
        "bidirectional-override or line-separator character in text, and no line break (each "
        "cell is on one line, as fmt and submit require). Fix: delete the invisible character "
        "(copying from a web page or PDF brings them in).",
    )
    assert "\x9b" not in result.output
    assert digest(repo / "data") == before


def test_newline_in_no_text_cell(make_repo):
    """Line breaks are refused in every cell, long text included (fmt and submit agree)."""
    assert ("claims", 2, "notes", "control-character") in found(
        make_repo(claims=[claim(notes="line one\nline two")])
    )
    assert ("claims", 2, "via", "control-character") in found(make_repo(claims=[claim(via="a\nb")]))


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_show_escapes_what_the_data_holds(make_repo, monkeypatch, fmt):
    """show reads data/ without validating it: a hand-edited cell reaches the terminal only
    escaped."""
    repo = make_repo(claims=[claim(quote="140,000 to 180,000 \x9b31m\u202e\x1b[2J")])
    monkeypatch.chdir(repo)
    monkeypatch.setenv("COLUMNS", "400")
    result = CliRunner().invoke(
        cli, ["show", "convicts_recruited_cumulative", "--format", fmt], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    for raw in ("\x9b", "\u202e", "\x1b"):
        assert raw not in result.output
    if fmt != "table":  # the table shows no quote column
        assert "\\u009b31m\\u202e\\u001b[2J" in result.output


def test_validate_output_escapes_a_raw_id(make_repo):
    repo = make_repo(claims=[claim(claimant_id="ua-szru\x9b")])
    result = CliRunner().invoke(cli, ["validate", str(repo)])
    assert result.exit_code == 1
    assert "\x9b" not in result.output


# --- 9. chart text is literal -----------------------------------------------------------------

HOSTILE_LABELS = [
    "$\\undefinedcmd$",
    "$x^{2$",
    "costs $5 and $6",
    "100% \\ 50_000 ^ {braces} & <tags>",
    "Потери (тыс.) / 損失 / خسائر",
]


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_report_draws_any_valid_label_literally(make_repo, tmp_path, monkeypatch, label):
    repo = make_repo(
        metrics=[{**METRICS[0], "label": label}, METRICS[1]],
        claims=[
            claim(),
            claim(
                claim_id=NEW_ID,
                value_kind="exact",
                value_low="",
                value="190000",
                value_high="",
                period_end="2024-12-31",
                quote="190,000 prisoners",
            ),
        ],
    )
    assert validate(repo, today=TODAY).valid
    monkeypatch.chdir(repo)
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["report", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    svg = (out / "charts" / "convicts_recruited_cumulative.svg").read_text()
    from xml.sax.saxutils import escape

    assert escape(label) in svg
