"""Hostile and broken submissions: one clear line naming the file, exit 1, data/ unchanged."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest

from conftest import CLAIMANTS, SOURCES, assert_rejected, claim, digest, run_submit, write_table

NEW = claim(
    claim_id="paper-2025-01-03-02",
    value_kind="more_than",
    value_low="10000",
    value_high="",
    quote="more than 10,000 convicts",
)
FIELDS = list(NEW)


def text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


GOOD = text([FIELDS, list(NEW.values())])
HEADER = ",".join(FIELDS)
ROW = GOOD.splitlines()[1]

# name -> (file bytes, expected line without the file name prefix)
BROKEN: dict[str, tuple[bytes, str]] = {
    "latin-1": (
        GOOD.replace("convicts", "détenus").encode("latin-1"),
        ": [encoding] the file is not UTF-8 (byte 0xe9 on line 2; it may be Latin-1 or "
        "Windows-1252). Fix: save it as UTF-8.",
    ),
    "utf-16": (
        GOOD.encode("utf-16"),
        ": [encoding] the file is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8. "
        "Fix: save it as UTF-8 (in a spreadsheet: CSV UTF-8, then remove the byte-order mark).",
    ),
    "utf-16 without BOM": (
        GOOD.encode("utf-16-le"),
        ": [encoding] the file looks like UTF-16 (every other byte is NUL), not UTF-8. "
        "Fix: save it as a plain UTF-8 text file.",
    ),
    "byte-order mark": (
        b"\xef\xbb\xbf" + GOOD.encode(),
        ": [byte-order-mark] the file starts with a UTF-8 byte-order mark (BOM). "
        "Fix: save it as UTF-8 without BOM.",
    ),
    "NUL byte": (
        GOOD.replace("convicts", "con\x00victs").encode(),
        ": [encoding] the file contains a NUL byte (line 2). Fix: save it as a plain UTF-8 text "
        "file.",
    ),
    "bare CR": (
        GOOD.replace("\n", "\r").encode(),
        ": [line-ending] the file has a bare carriage return (CR) on line 1. "
        "Fix: use LF or CRLF line endings.",
    ),
    "control character": (
        GOOD.replace("convicts", "convicts\x1b[31m").encode(),
        ": [control-character] the file contains the control character U+001B on line 2. "
        "Fix: remove it (only printable text, tabs and line breaks are allowed).",
    ),
    "empty file": (b"", ": [empty-file] the file is empty. Fix: add a header and rows."),
    "blank lines only": (
        b"\n\n \n",
        ": [empty-file] the file is empty. Fix: add a header and rows.",
    ),
    "header only": (
        (HEADER + "\n").encode(),
        ": [no-rows] the file has a header but no rows. Fix: add the rows to submit.",
    ),
    "unknown column": (
        GOOD.replace("notes", "comment", 1).encode(),
        ", row 1: [unknown-column] unknown column 'comment'; table claims has "
        + ", ".join(FIELDS)
        + ". Fix: rename or remove the column.",
    ),
    "missing column": (
        text(
            [
                [f for f in FIELDS if f != "notes"],
                [v for f, v in NEW.items() if f != "notes"],
            ]
        ).encode(),
        ", row 1: [missing-column] missing column notes (table claims). Fix: add the column to "
        "the header, with an empty cell where there is no value.",
    ),
    "duplicated column": (
        text([[*FIELDS, "quote"], [*NEW.values(), "x"]]).encode(),
        ", row 1: [duplicate-label] column 'quote' appears twice in the header (columns 14 and "
        "20). Fix: keep one of them.",
    ),
    "ragged row (short)": (
        (HEADER + "\n" + ROW.rsplit(",", 2)[0] + "\n").encode(),
        ", row 2: [missing-cell] row has 17 cells but the header has 19. Fix: give every row one "
        "cell per column (quote cells that contain commas).",
    ),
    "ragged row (long)": (
        (GOOD + ROW + ",extra\n").encode(),
        ", row 3: [extra-cell] row has 20 cells but the header has 19. Fix: give every row one "
        "cell per column (quote cells that contain commas).",
    ),
    "unbalanced quote swallowing rows": (
        (
            HEADER
            + "\n"
            + ROW.replace('"more than 10,000 convicts"', '"more than 10,000 convicts')
            + "\n"
            + ROW.replace("-02,", "-03,").replace('"more than 10,000 convicts"', '"x"')
            + "\n"
        ).encode(),
        ", row 2: [unbalanced-quote] a quote opened on line 2 is still open on line 3, so the "
        "lines in between were swallowed into one cell. Fix: close the quote on the line where "
        "it opens.",
    ),
    "unbalanced quote closed on a later line": (
        (
            HEADER
            + "\n"
            + ROW.replace('"more than 10,000 convicts"', '"more than 10,000 convicts')
            + "\n"
            + ROW.replace("-02,", "-03,").split(',"more')[0]
            + ',x"\n'
        ).encode(),
        ", row 2, column quote: [unbalanced-quote] a quote opened on line 2 is closed only on "
        "line 3, so the rows on line 3 were swallowed into one cell. Fix: close "
        "the quote on the line where it opens.",
    ),
    "unbalanced quote to end of file": (
        (HEADER + "\n" + ROW.replace('"more than 10,000 convicts"', '"more than 10,000')).encode()
        + b"\n",
        ", row 2: [unbalanced-quote] a quote opened on line 2 is never closed, so every line "
        "after it would be swallowed into one cell. Fix: close the quote, or double a quote "
        'character inside a quoted cell ("").',
    ),
    "line break in a cell": (
        text([FIELDS, list(claim(**{**NEW, "notes": "first\nsecond"}).values())]).encode(),
        ", row 2, column notes: [line-break-in-cell] the cell spans lines 2-3. Fix: write each "
        "cell on one line (replace the line break with a space).",
    ),
    "10 MB cell": (
        text([FIELDS, list(claim(**{**NEW, "notes": "x" * 10_000_000}).values())]).encode(),
        ", row 2, column notes: [cell-too-large] the cell has 10,000,000 characters, more than "
        "the 10,000 allowed. Fix: shorten it (quotes are short excerpts; notes are at most 2,000 "
        "characters).",
    ),
    "malformed quoting": (
        (HEADER + "\n" + ROW.replace('"more than 10,000 convicts"', '"more" than')).encode(),
        ", row 2: [malformed-csv] line 2 is not valid CSV (',' expected after '\"'). Fix: quote a "
        "cell that contains a comma or a quote, and double quotes inside it.",
    ),
}


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo()
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_rejected_with_one_line(repo, tmp_path, name):
    raw, expected = BROKEN[name]
    path = tmp_path / "claims.csv"
    path.write_bytes(raw)
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(result, path, f"{path}{expected}")
    assert len(result.output.splitlines()) == 2  # the reason and the verdict
    assert digest(repo / "data") == before


def test_file_for_no_known_table_is_rejected(repo, tmp_path):
    # A name that looks like a path out of data/ decides nothing: only TABLES are ever written.
    path = tmp_path / "..passwd.csv"
    path.write_text("root:x:0:0,/root,/bin/bash\n1,2,3\n")
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(
        result,
        path,
        f"{path}: [unknown-table] cannot tell which table the file is for (its name is not one "
        "of sources.csv, claimants.csv, metrics.csv, claims.csv, exclusions.csv, retractions.csv "
        "and its header "
        "matches no table exactly). Fix: name the file after its table, e.g. claims.csv, or use "
        "that table's exact header.",
    )
    assert digest(repo / "data") == before


def test_traversal_in_the_argument_still_writes_only_data_tables(repo, tmp_path):
    (tmp_path / "sub").mkdir()
    write_table(tmp_path / "claims.csv", [NEW])
    path = f"{tmp_path}/sub/../claims.csv"
    result = run_submit(path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (repo / "data").iterdir()) == [
        "claimants.csv",
        "claims.csv",
        "exclusions.csv",
        "metrics.csv",
        "sources.csv",
    ]


def _rule_cases():
    future = "2099-01-01"  # in the date range (1900-2100), after any today
    return {
        "bounds": (
            claim(claim_id="paper-2025-01-03-09", value_low="200000", quote="200,000 to 180,000"),
            "value-bounds",
            "value_low",
        ),
        "percent": (
            claim(
                claim_id="paper-2025-01-03-09",
                metric_id="pow_share_by_rank",
                category="officer",
                value_kind="exact",
                value_low="",
                value="140",
                value_high="",
                quote="140% were officers",
            ),
            "percent-range",
            "value",
        ),
        "impossible date": (
            claim(claim_id="paper-2025-01-03-09", period_end="2025-02-30"),
            None,
            "period_end",
        ),
        "future date": (
            claim(claim_id="paper-2025-01-03-09", period_end=future, value_kind="range"),
            "future-date",
            "period_end",
        ),
        "quote without the figure": (
            claim(claim_id="paper-2025-01-03-09", quote="many prisoners were recruited"),
            "quote-states-value",
            "quote",
        ),
        "spreadsheet formula": (
            claim(
                claim_id="paper-2025-01-03-09", notes='=HYPERLINK("http://evil.example","click")'
            ),
            "spreadsheet-formula",
            "notes",
        ),
        "unknown metric": (
            claim(claim_id="paper-2025-01-03-09", metric_id="no_such_metric"),
            "unknown-reference",
            "metric_id",
        ),
    }


RULES = _rule_cases()


@pytest.mark.parametrize("name", sorted(RULES))
def test_semantic_rules_reject_the_submitted_row(repo, tmp_path, name):
    row, rule, column = RULES[name]
    path = tmp_path / "claims.csv"
    write_table(path, [row])
    before = digest(repo / "data")
    result = run_submit(path)
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"{path}, row 2, column {column}: "), result.output
    if rule:
        assert f"[{rule}]" in first
    assert "nothing was written to data/" in result.output.splitlines()[-1]
    assert digest(repo / "data") == before


def test_impossible_date_message(repo, tmp_path):
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id="paper-2025-01-03-09", period_end="2025-02-30")])
    result = run_submit(path)
    assert result.output.splitlines()[0].startswith(
        f"{path}, row 2, column period_end: value '2025-02-30': [type-error]"
    )


def test_duplicate_keys_within_the_submission(repo, tmp_path):
    path = tmp_path / "claims.csv"
    write_table(path, [NEW, {**NEW, "value_low": "10000", "notes": "again"}])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(
        result,
        path,
        f"{path}, row 3, column claim_id: value \"'paper-2025-01-03-02'\": [duplicate-key] "
        f"claim_id 'paper-2025-01-03-02' is submitted twice (also {path} row 2). "
        "Fix: submit each row once.",
    )
    assert digest(repo / "data") == before


@pytest.mark.parametrize(
    ("url", "scheme"),
    [("javascript:alert(1)", "javascript"), ("file:///etc/passwd", "file")],
)
def test_non_web_urls_are_rejected(repo, tmp_path, url, scheme):
    path = tmp_path / "sources.csv"
    write_table(path, [{**SOURCES[0], "source_id": "evil-2025-01-01", "url": url}])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(
        result,
        path,
        f"{path}, row 2, column url: value {url!r}: [url-scheme] the URL has the {scheme}: "
        "scheme; only http:// and https:// addresses are allowed. Fix: give the document's web "
        "address, or leave url empty and say why in notes.",
    )
    assert digest(repo / "data") == before


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "how"),
    [
        ("claimants", {**CLAIMANTS[0], "claimant_id": "UA-SZRU"}, "claimant_id", "UA-SZRU", "case"),
        (
            "claims",
            claim(claim_id="paper-2025-01-03-09", claimant_id="ua-szru "),
            "claimant_id",
            "ua-szru ",
            "whitespace",
        ),
        (
            "claims",
            claim(claim_id="paper-2025-01-03-09", claimant_id="ua-szru"),
            "claimant_id",
            None,
            None,
        ),
    ],
)
def test_identifiers_confusable_with_existing_ones(repo, tmp_path, table, row, column, value, how):
    path = tmp_path / f"{table}.csv"
    if table == "claims" and how is None:  # a fullwidth letter, folded by NFKC
        row = {**row, "claimant_id": "ua-szr\uff55"}
        value, how = "ua-szr\uff55", "Unicode compatibility form"
    write_table(path, [row])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(
        result,
        path,
        f"{path}, row 2, column {column}: value {value!r}: [confusable-id] {column} {value!r} "
        f"differs from 'ua-szru' (data/claimants.csv row 2) only by {how}. Fix: write it exactly "
        "as 'ua-szru', or choose a clearly different id.",
    )
    assert digest(repo / "data") == before


def test_identifiers_differing_only_by_normal_form_within_a_submission(repo, tmp_path):
    nfc = unicodedata.normalize("NFC", "caf\u00e9-news")
    nfd = unicodedata.normalize("NFD", nfc)
    path = tmp_path / "claimants.csv"
    write_table(
        path,
        [{**CLAIMANTS[0], "claimant_id": nfc}, {**CLAIMANTS[0], "claimant_id": nfd}],
    )
    before = digest(repo / "data")
    result = run_submit(path)
    assert result.exit_code == 1
    assert (
        f"{path}, row 3, column claimant_id: value {nfd!r}: [confusable-id] claimant_id {nfd!r} "
        f"differs from {nfc!r} ({path} row 2) only by Unicode normal form. Fix: write it exactly "
        f"as {nfc!r}, or choose a clearly different id." in result.output.splitlines()
    )
    assert digest(repo / "data") == before


def test_several_broken_files_are_all_reported(repo, tmp_path):
    (tmp_path / "claims.csv").write_bytes(b"")
    (tmp_path / "sources.csv").write_bytes(b"\xef\xbb\xbfsource_id\n")
    before = digest(repo / "data")
    result = run_submit(tmp_path / "claims.csv", tmp_path / "sources.csv")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"rejected: 2 errors ({tmp_path / 'claims.csv'}, {tmp_path / 'sources.csv'}); nothing "
        "was written to data/"
    )
    assert digest(repo / "data") == before
