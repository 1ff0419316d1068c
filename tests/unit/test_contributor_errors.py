"""Errors a contributor understands: the column in plain words, the concrete fix, the nearest id."""

from __future__ import annotations

import pytest

from conftest import METRICS, assert_rejected, claim, digest, run_submit, write_table
from manpower.catalogue import Problem
from manpower.contributing.plain_words import plain

NEXT = "paper-2025-01-03-02"


@pytest.fixture
def repo(make_repo, monkeypatch):
    metrics = [*METRICS, {**METRICS[1], "metric_id": "pows_held", "label": "POWs held"}]
    path = make_repo(metrics=metrics)
    monkeypatch.chdir(path)
    return path


def rejected(repo, tmp_path, row: dict[str, str], line: str) -> None:
    path = tmp_path / "claims.csv"
    write_table(path, [row])
    before = digest(repo / "data")
    result = run_submit(path)
    assert_rejected(result, path, f"{path}, row 2, {line}")
    assert digest(repo / "data") == before


def test_empty_quote(repo, tmp_path):
    rejected(
        repo,
        tmp_path,
        claim(claim_id=NEXT, quote=""),
        "column quote: [constraint-error] quote is empty. Fix: copy the sentence of the document "
        "that states the figure.",
    )


def test_unknown_metric_suggests_the_nearest(repo, tmp_path):
    rejected(
        repo,
        tmp_path,
        claim(claim_id=NEXT, metric_id="pow_held"),
        "column metric_id: value 'pow_held': [unknown-reference] metric_id 'pow_held' is neither "
        "in data/metrics.csv nor in this submission (did you mean pows_held?). Fix: use an "
        "existing metric_id, or submit the metrics row too (a metrics.csv file in the same "
        "submit).",
    )


def test_unknown_claimant_suggests_the_nearest(repo, tmp_path):
    rejected(
        repo,
        tmp_path,
        claim(claim_id=NEXT, claimant_id="ua-sz"),
        "column claimant_id: value 'ua-sz': [unknown-reference] claimant_id 'ua-sz' is neither "
        "in data/claimants.csv nor in this submission (did you mean ua-szru?). Fix: use an "
        "existing claimant_id, or submit the claimants row too (a claimants.csv file in the same "
        "submit).",
    )


def test_unknown_source_suggests_the_nearest(repo, tmp_path):
    rejected(
        repo,
        tmp_path,
        claim(claim_id="paper-2025-01-30-02", source_id="paper-2025-01-30"),
        "column source_id: value 'paper-2025-01-30': [unknown-reference] source_id "
        "'paper-2025-01-30' is neither in data/sources.csv nor in this submission (did you mean "
        "paper-2025-01-03?). Fix: use an existing source_id, or submit the sources row too (a "
        "sources.csv file in the same submit).",
    )


def test_claim_id_off_convention_is_told_the_next_free_id(repo, tmp_path):
    rejected(
        repo,
        tmp_path,
        claim(claim_id="paper-2025-01-03-a"),
        "column claim_id: value 'paper-2025-01-03-a': [claim-id-convention] claim_id must be the "
        "source_id 'paper-2025-01-03' followed by a hyphen and a two-digit number. Fix: use "
        "paper-2025-01-03-02, the next free id of this source.",
    )


def test_two_off_convention_ids_get_two_free_ids(repo, tmp_path):
    path = tmp_path / "claims.csv"
    write_table(
        path,
        [
            claim(claim_id="first", value_kind="exact", value_low="", value="140000",
                  value_high="", period_end="2024-12-31", quote="140,000 prisoners"),
            claim(claim_id="second", value_kind="exact", value_low="", value="150000",
                  value_high="", period_end="2024-12-01", quote="150,000 prisoners"),
        ],
    )  # fmt: skip
    result = run_submit(path)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "[claim-id-convention]" in line]
    fixes = [line.rsplit("Fix: ", 1)[1] for line in lines]
    assert fixes == [
        "use paper-2025-01-03-02, the next free id of this source.",
        "use paper-2025-01-03-03, the next free id of this source.",
    ]


def test_bad_value_kind_and_number_in_plain_words(repo, tmp_path):
    path = tmp_path / "claims.csv"
    write_table(path, [claim(claim_id=NEXT, value_kind="morethan", value_low="10,000")])
    result = run_submit(path)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"{path}, row 2, column value_kind: value 'morethan': [constraint-error] value_kind must "
        "be one of exact, approximate, at_least, more_than, up_to, less_than, range, forecast, "
        "interpreted (did you mean more_than?). Fix: write one of these values exactly, in lower "
        "case.",
        f"{path}, row 2, column value_low: value '10,000': [type-error] value_low is not a "
        "number. Fix: write the figure in digits, with a dot for decimals and without "
        "separators, units or words (10000, not 10,000 or 10k).",
    ]


@pytest.mark.parametrize(
    ("message", "params", "field", "value", "expected"),
    [
        ('constraint "required" is "True"', {"constraint": "required", "argument": True},
         "period_end", "", "period_end is empty"),
        ('constraint "pattern" is "^x$"', {"constraint": "pattern", "argument": "^x$"}, "url",
         "ftp://x", "url is not written in the expected form"),
        ('constraint "maxLength" is "300"', {"constraint": "maxLength", "argument": 300}, "quote",
         "x" * 301, "quote is 301 characters long, at most 300 are allowed"),
        ('type is "date/default"', {"type": "date", "format": "default"}, "period_end",
         "31/12/2025", "period_end is not a date"),
        ("the same as in the row at position 2", {"previous": 2}, "claim_id", "a-01",
         "claim_id repeats the one in row 2"),
    ],
)  # fmt: skip
def test_every_schema_message_names_the_column(message, params, field, value, expected):
    """The plain words come from the params the engine attaches (the note is never read)."""
    rule = {"type": "type-error", "the ": "unique-error"}.get(message[:4], "constraint-error")
    problem = Problem(
        "claims", 2, field, value, rule, message, "generic", layer="schema", params=params
    )
    told = plain(problem)
    assert told.message == expected
    assert told.fix and told.fix != "generic"


def test_no_suggestion_among_more_ids_than_the_cap():
    """A suggestion compares the word with every id: among a large table's ids (where one per
    bad cell would make a big submission quadratic) none is made, below the cap one is."""
    from manpower.contributing.suggest import did_you_mean
    from manpower.limits import MAX_SUGGESTION_CANDIDATES

    ids = [f"claim-{n:06d}" for n in range(MAX_SUGGESTION_CANDIDATES)]
    assert did_you_mean("claim-00001x", ids) != ""
    assert did_you_mean("claim-00001x", [*ids, "claim-999999"]) == ""


def test_params_take_no_part_in_equality_or_output():
    """What a note was made of is for the plain words only: the record and its JSON are as
    before."""
    bare = Problem("claims", 2, "unit", "", "constraint-error", 'constraint "required" is "True"')
    told = Problem(*bare.to_dict().values(), params={"constraint": "required", "argument": True})
    assert told == bare and hash(told) == hash(bare) and not told < bare
    assert told.to_dict() == bare.to_dict() and repr(told) == repr(bare)
