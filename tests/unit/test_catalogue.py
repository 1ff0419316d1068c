"""The error catalogue (manpower.catalogue): every rule defined once, and every rule any layer
reports is in it."""

from __future__ import annotations

import string

import pytest
import test_parity
import test_semantic_rules
import test_submit_hostile

from conftest import ROOT, claim, write_table
from manpower import catalogue
from manpower.contributing.submit import SubmitResult, submit
from manpower.validation.runner import Report, validate

SRC = ROOT / "src" / "manpower"
# A string equal to a rule id that is not that rule: the Data Package property "encoding" (the
# descriptor writes a resource's character encoding).
NOT_A_RULE = {("encoding", "descriptor.py"), ("encoding", "package_check.py")}


def test_a_duplicate_id_is_refused():
    rule = catalogue.RULES[catalogue.EXTRA_CELL]
    with pytest.raises(ValueError, match="'extra-cell' is defined twice"):
        catalogue._index([rule, catalogue.RULES[catalogue.BLANK_ROW], rule])


def test_every_rule_has_a_known_layer_and_one_line_texts():
    for rule in catalogue.RULES.values():
        assert rule.layer in catalogue.LAYERS
        texts = [rule.summary, rule.template, rule.fix]
        texts += [t for w in rule.variants.values() for t in (w.template, w.fix)]
        for text in texts:
            assert "\n" not in text, rule.id
            # each template parses, and names its parameters (no positional {} fields)
            assert all(f != "" for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def test_each_rule_id_is_written_in_one_place():
    """A grep for an id finds its definition in the catalogue and nowhere else."""
    sources = {p: p.read_text(encoding="utf-8") for p in SRC.rglob("*.py")}
    defined_in = SRC / "catalogue.py"
    for rule in catalogue.RULES:
        literal = f'"{rule}"'
        where = sorted(
            (p.name, text.count(literal))
            for p, text in sources.items()
            if literal in text and (rule, p.name) not in NOT_A_RULE
        )
        assert where == [(defined_in.name, 1)], f"{rule}: {where}"


def _rules_of(result: Report | SubmitResult) -> set[str]:
    found = result.problems if isinstance(result, Report) else result.findings
    return {p.rule for p in found} | set(result.unlisted)


@pytest.mark.slow
def test_every_rule_any_layer_reports_is_in_the_catalogue(make_repo, tmp_path, monkeypatch):
    emitted: set[str] = set()
    # the parity corpus (Table Schema, package and semantic layers); the product's engine only:
    # test_parity holds the oracle's rule ids to the product's, case by case
    for case in test_parity.CASES:
        repo = test_parity.broken_package(make_repo, case)
        report = validate(repo, today=test_semantic_rules.TODAY, own_schemas=True)
        emitted |= _rules_of(report)
    # the semantic test cases
    mark = next(m for m in test_semantic_rules.test_rule_rejects_bad_claim.pytestmark if m.args)
    for changes, _rule, _field in mark.args[1]:
        repo = make_repo(claims=[claim(**changes)])
        emitted |= _rules_of(validate(repo, today=test_semantic_rules.TODAY))
    # the hostile submit corpus (intake), its rule cases, and what only a merge sees
    repo = make_repo()
    monkeypatch.chdir(repo)
    updates = tmp_path / "updates"
    updates.mkdir()
    path = updates / "claims.csv"
    for raw, _line in test_submit_hostile.BROKEN.values():
        path.write_bytes(raw)
        emitted |= _rules_of(submit(repo, [path], dry_run=True))
    for row, _rule, _column in test_submit_hostile.RULES.values():
        write_table(path, [row])
        emitted |= _rules_of(submit(repo, [path], dry_run=True))
    merge_cases = [
        [claim(claim_id="paper-2025-01-03-09"), claim(claim_id="paper-2025-01-03-09")],
        [claim(quote="changed")],
        [claim(claim_id="Paper-2025-01-03-01")],
        [claim(claim_id="paper-2025-01-03-09", source_id="nowhere")],
        [claim(claim_id="x-9", supersedes="nothing")],
    ]
    for rows in merge_cases:
        write_table(path, rows)
        emitted |= _rules_of(submit(repo, [path], dry_run=True))
    (updates / "sources.csv").write_text("source_id\nx\n", encoding="utf-8")
    emitted |= _rules_of(submit(repo, [updates / "sources.csv"], dry_run=True))
    emitted |= _rules_of(submit(repo, [updates / "missing.csv"], dry_run=True))
    assert emitted - set(catalogue.RULES) == set()
    # the corpus reaches every layer that reports rows
    layers = {catalogue.RULES[r].layer for r in emitted}
    assert {"intake", "schema", "semantic", "submit"} <= layers


def test_problem_fills_message_and_fix_from_the_catalogue():
    p = catalogue.problem(
        catalogue.UNKNOWN_REFERENCE,
        table="claims",
        file="updates/claims.csv",
        row=2,
        field="metric_id",
        value="pow_held",
        target="metrics",
        ref="metric_id",
        suggestion=" (did you mean pows_held?)",
    )
    assert p.message == (
        "metric_id 'pow_held' is neither in data/metrics.csv nor in this submission (did you "
        "mean pows_held?)"
    )
    assert p.fix == (
        "use an existing metric_id, or submit the metrics row too (a metrics.csv file in the "
        "same submit)"
    )
    # submit's JSON keys, and validate's for a problem without a file
    assert list(p.to_dict()) == ["file", "row", "field", "value", "rule", "message", "fix"]
    q = catalogue.problem(catalogue.MISSING_TABLE, table="datapackage", tables="claims")
    assert q.to_dict() == {
        "table": "datapackage",
        "row": None,
        "field": None,
        "value": None,
        "rule": "missing-table",
        "message": "the package has no claims table",
        "fix": "add the table as a resource",
        "layer": "semantic",
    }


def test_an_unknown_schema_error_type_gets_the_generic_fix():
    assert catalogue.fix("some-frictionless-type") == catalogue.DEFAULT_FIX
