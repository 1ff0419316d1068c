"""manpower submit: merging valid updates, rejecting everything else with data/ untouched."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import (
    CLAIMANTS,
    SOURCES,
    assert_rejected,
    claim,
    digest,
    run_submit,
    write_table,
)
from manpower.cli import cli
from manpower.contributing import transaction
from manpower.contributing.submit import submit
from manpower.errors import ManpowerError

NEW = claim(
    claim_id="paper-2025-01-03-02",
    value_kind="more_than",
    value_low="10000",
    value_high="",
    quote="more than 10,000 convicts",
)
NEXT = "Next: run `manpower build`, commit data/, reports/ and datapackage.json, and open a "
NEXT += "pull request naming the source document and quoting the figures."


@pytest.fixture
def repo(make_repo, monkeypatch):
    root = make_repo()
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def upd(tmp_path):
    folder = tmp_path / "upd"
    folder.mkdir()
    return folder


def csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_valid_claim_is_merged_in_canonical_form(repo, upd):
    write_table(upd / "claims.csv", [NEW])
    result = run_submit(upd / "claims.csv")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"claims: 1 added, 0 already present\nWrote data/claims.csv.\n{NEXT}\n"
    )
    lines = (repo / "data" / "claims.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "claim_id",
        "paper-2025-01-03-01",
        "paper-2025-01-03-02",
    ]
    assert CliRunner().invoke(cli, ["fmt", "--check"]).exit_code == 0
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 0


def test_source_claimant_and_claims_together_resolve_foreign_keys(repo, upd):
    source = {**SOURCES[0], "source_id": "wire-2025-02-01", "url": "https://example.org/b"}
    claimant = {**CLAIMANTS[0], "claimant_id": "ua-gur", "name": "Defence Intelligence"}
    new = claim(claim_id="wire-2025-02-01-01", source_id="wire-2025-02-01", claimant_id="ua-gur")
    write_table(upd / "sources.csv", [source])
    write_table(upd / "claimants.csv", [claimant])
    write_table(upd / "claims.csv", [new])
    result = run_submit(upd / "claims.csv", upd / "sources.csv", upd / "claimants.csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == [
        "sources: 1 added, 0 already present",
        "claimants: 1 added, 0 already present",
        "claims: 1 added, 0 already present",
        "Wrote data/sources.csv, data/claimants.csv, data/claims.csv.",
    ]


def test_claim_without_its_source_is_rejected_pointing_at_the_row(repo, upd):
    write_table(upd / "claims.csv", [claim(claim_id="x-01", source_id="nowhere")])
    before = digest(repo / "data")
    result = run_submit(upd / "claims.csv")
    assert result.exit_code == 1
    assert_rejected(
        result,
        upd / "claims.csv",
        f"{upd / 'claims.csv'}, row 2, column source_id: value 'nowhere': [unknown-reference] "
        "source_id 'nowhere' is neither in data/sources.csv nor in this submission. Fix: use an "
        "existing source_id, or submit the sources row too (a sources.csv file in the same "
        "submit).",
    )
    assert digest(repo / "data") == before


def test_resubmitting_existing_rows_changes_nothing(repo, upd):
    write_table(upd / "claims.csv", [claim()])
    before = digest(repo / "data")
    result = run_submit(upd / "claims.csv")
    assert result.exit_code == 0
    assert result.output == (
        "claims: 0 added, 1 already present\n"
        "Nothing to add: every submitted row is already in data/; nothing was written.\n"
    )
    assert digest(repo / "data") == before


def test_edit_of_a_claim_is_rejected_and_points_to_supersedes(repo, upd):
    write_table(upd / "claims.csv", [claim(verification="corroborated")])
    before = digest(repo / "data")
    result = run_submit(upd / "claims.csv")
    assert_rejected(
        result,
        upd / "claims.csv",
        f"{upd / 'claims.csv'}, row 2, column verification: [edit] claim_id "
        "'paper-2025-01-03-01' already exists in data/claims.csv (row 2) with different content "
        "(verification: 'not_independently_verified' -> 'corroborated'); claims are never "
        "overwritten. Fix: to correct the claim, submit a new claim with its own claim_id whose "
        "supersedes is 'paper-2025-01-03-01'; to change the row in place anyway, use "
        "--allow-edits.",
    )
    assert digest(repo / "data") == before


def test_allow_edits_lists_the_edit(repo, upd):
    write_table(upd / "claims.csv", [claim(verification="corroborated")])
    result = run_submit(upd / "claims.csv", "--allow-edits")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "claims: 0 added, 1 changed (paper-2025-01-03-01), 0 already present"
    )
    assert "corroborated" in (repo / "data" / "claims.csv").read_text()


def test_dry_run_writes_nothing(repo, upd):
    write_table(upd / "claims.csv", [NEW])
    before = digest(repo / "data")
    result = run_submit(upd / "claims.csv", "--dry-run")
    assert result.exit_code == 0
    assert result.output == (
        "claims: 1 would add, 0 already present\n"
        "Dry run: the submission is valid; data/claims.csv would change; nothing was written.\n"
    )
    assert digest(repo / "data") == before


def test_json_and_github_formats(repo, upd):
    write_table(
        upd / "claims.csv",
        [claim(claim_id="paper-2025-01-03-09", value_low="200000", quote="200,000 to 180,000")],
    )
    json_result = run_submit(upd / "claims.csv", "--format", "json")
    assert json_result.exit_code == 1
    import json

    payload = json.loads(json_result.output)
    assert payload["valid"] is False
    assert {p["rule"] for p in payload["problems"]} == {"value-bounds"}
    gh = run_submit(upd / "claims.csv", "--format", "github")
    assert gh.output.startswith(f"::error file={upd / 'claims.csv'},line=2,title=value-bounds::")


def test_header_matching_one_table_names_the_table(repo, upd):
    write_table(upd / "my new figures.csv", [NEW], schema_table="claims")
    result = run_submit(upd / "my new figures.csv")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("claims: 1 added")


def test_reordered_columns_are_accepted(repo, upd):
    fields = list(NEW)
    fields.reverse()
    with (upd / "claims.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerow(NEW)
    result = run_submit(upd / "claims.csv")
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["fmt", "--check"]).exit_code == 0


def test_crlf_is_normalised_not_corrupted(repo, upd):
    (upd / "claims.csv").write_bytes(csv_text([NEW]).replace("\n", "\r\n").encode())
    result = run_submit(upd / "claims.csv")
    assert result.exit_code == 0, result.output
    data = (repo / "data" / "claims.csv").read_bytes()
    assert b"\r" not in data
    assert b"paper-2025-01-03-02,convicts_recruited_cumulative,,more_than,10000,,," in data


def test_lock_stops_a_second_writer(repo, upd):
    write_table(upd / "claims.csv", [NEW])
    before = digest(repo / "data")
    with transaction.locked(repo):
        result = CliRunner().invoke(cli, ["submit", str(upd / "claims.csv")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: another manpower submit or fmt is writing to {repo / 'data'} (lock file "
        ".manpower.lock); wait for it to finish and try again\n"
    )
    assert digest(repo / "data") == before


def test_failure_midway_restores_every_table(repo, upd, monkeypatch):
    source = {**SOURCES[0], "source_id": "wire-2025-02-01", "url": "https://example.org/b"}
    write_table(upd / "sources.csv", [source])
    write_table(
        upd / "claims.csv", [claim(claim_id="wire-2025-02-01-01", source_id=source["source_id"])]
    )
    before = digest(repo / "data")
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        if Path(dst).parent.name == "data" and not Path(src).name.startswith("."):
            calls.append(Path(dst).name)  # a table replaced from the transaction folder
            if len(calls) == 2:
                raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(transaction.os, "replace", flaky)
    with pytest.raises(ManpowerError, match=r"disk full; data/ is as it was$"):
        submit(repo, [upd / "sources.csv", upd / "claims.csv"])
    # sources was replaced, claims failed, then sources was put back from its backup
    assert calls == ["sources.csv", "claims.csv", "sources.csv"]
    assert digest(repo / "data") == before
    assert not (repo / transaction.TXN_DIR).exists()


def test_symlinked_table_pointing_outside_data_is_refused(repo, upd, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_bytes((repo / "data" / "claims.csv").read_bytes())
    (repo / "data" / "claims.csv").unlink()
    (repo / "data" / "claims.csv").symlink_to(outside)
    write_table(upd / "claims.csv", [NEW])
    before_outside = outside.read_bytes()
    result = CliRunner().invoke(cli, ["submit", str(upd / "claims.csv")])
    assert result.exit_code == 1
    # refused when data/ is read (issue 22 item 6), before any write is attempted
    assert result.output == (
        "Error: table 'claims': path 'data/claims.csv' leads outside the package folder "
        "(through a symbolic link); refused, nothing was read\n"
    )
    assert outside.read_bytes() == before_outside


def test_library_raises_on_missing_repository_data(tmp_path):
    with pytest.raises(ManpowerError):
        submit(tmp_path, [])


def test_identifier_checks_fold_each_id_a_bounded_number_of_times(repo, upd, monkeypatch):
    """Scale: each known id is folded once into an index, not once per submitted row (which
    made `submit` grow with the square of the rows: 32k rows took 245 s)."""
    from manpower.contributing import submit as module

    calls = []
    real = module.fold

    def counted(identifier: str) -> str:
        calls.append(identifier)
        return real(identifier)

    monkeypatch.setattr(module, "fold", counted)
    rows = [claim(claim_id=f"paper-2025-01-03-{n:03d}", value_low="150000") for n in range(2, 402)]
    write_table(upd / "claims.csv", rows)
    submit(repo, [upd / "claims.csv"], dry_run=True)
    id_columns = 5  # claim_id, metric_id, claimant_id, source_id, supersedes
    assert 0 < len(calls) <= 2 * id_columns * (len(rows) + 1)


def test_unknown_supersedes_is_one_unknown_reference(repo, upd):
    # foreign keys are checked once (the Table Schema layer), told in the submission's terms
    write_table(upd / "claims.csv", [claim(claim_id="x-01", supersedes="no-such-claim")])
    before = digest(repo / "data")
    result = run_submit(upd / "claims.csv", "--format", "json")
    assert result.exit_code == 1, result.output
    import json

    problems = json.loads(result.output)["problems"]
    on_supersedes = [p for p in problems if p["field"] == "supersedes"]
    assert on_supersedes == [
        {
            "file": str(upd / "claims.csv"),
            "row": 2,
            "field": "supersedes",
            "value": "no-such-claim",
            "rule": "unknown-reference",
            "message": "supersedes 'no-such-claim' is neither in data/claims.csv nor in this "
            "submission",
            "fix": "use an existing claim_id, or submit the claims row too (a claims.csv file in "
            "the same submit)",
        }
    ]
    assert not [p for p in problems if p["rule"] in ("foreign-key", "supersedes-exists")]
    assert digest(repo / "data") == before
