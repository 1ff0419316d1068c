"""Malformed or unsupported descriptors and schemas: one line and exit 1 from `validate DIR`,
`diff` and `load`, never a traceback, never a silent misreading (issue 22 items 12 and 17)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import digest, published
from manpower.cli import cli
from manpower.errors import ManpowerError


def claims(d: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in d["resources"] if r["name"] == "claims")


def inline_schema(d: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The claims resource's schema, inlined so that a case can edit it."""
    resource = claims(d)
    if isinstance(resource["schema"], str):
        resource["schema"] = json.loads((folder / resource["schema"]).read_text("utf-8"))
    return resource["schema"]


def field(d, folder, name="value_low") -> dict[str, Any]:
    return next(f for f in inline_schema(d, folder)["fields"] if f["name"] == name)


def _set(target: Callable[..., dict[str, Any]], key: str, value: Any, *args: Any):
    def edit(d, folder):
        target(d, folder, *args)[key] = value if not callable(value) else value(d, folder)
        return d

    return edit


def _resource(d, _folder):
    return claims(d)


def _schema(d, folder):
    return inline_schema(d, folder)


def _constraints(d, folder, name="claim_id"):
    return field(d, folder, name).setdefault("constraints", {})


def _replace_schema(value):
    def edit(d, folder):
        claims(d)["schema"] = value
        return d

    return edit


def _duplicate(d, _folder):
    d["resources"].append(dict(claims(d)))
    return d


def _without(key):
    def edit(d, _folder):
        del claims(d)[key]
        return d

    return edit


NESTED = "[" * 100_000 + "]" * 100_000
# case: (how datapackage.json becomes malformed, the words the one line must hold)
CASES: dict[str, tuple[Callable[..., Any] | str, str]] = {
    "top-level list": (lambda d, f: [d], "is a JSON list, not an object"),
    "top-level string": (lambda d, f: "claims", "is a JSON str, not an object"),
    "100,000 nested levels": (NESTED, "JSON nested too deeply"),
    "resources not a list": (lambda d, f: {**d, "resources": "x"}, "resources is not a list"),
    "resource not an object": (lambda d, f: {**d, "resources": [5]}, "resource 1: is not an"),
    "name a list": (_set(_resource, "name", ["claims"]), "has a name 'list' that is not a text"),
    # a missing name is said to be missing, not "name 'NoneType' is not a text" (issue 22)
    "name missing": (_without("name"), "resource 4: has no name"),
    "name null": (_set(_resource, "name", None), "resource 4: has no name"),
    "name empty": (_set(_resource, "name", ""), "resource 4: has an empty name"),
    "duplicate names": (_duplicate, "the name is used twice"),
    "inline data": (
        lambda d, f: (claims(d).pop("path"), claims(d).update(data=[["a"]]), d)[-1],
        "has inline data, not a file path",
    ),
    "path a folder": (_set(_resource, "path", "data"), "path 'data' is a folder"),
    "schema {}": (_replace_schema({}), "the schema's fields are not a list of fields"),
    "schema missing": (_without("schema"), "has no schema"),
    "fields a string": (_replace_schema({"fields": "abc"}), "fields are not a list"),
    "fields empty": (_replace_schema({"fields": []}), "fields are not a list"),
    "field not an object": (_replace_schema({"fields": ["claim_id"]}), "field 1 is not"),
    "integer field name": (_set(field, "name", 5), "has a name 'int' that is not a text"),
    "field name null": (_set(field, "name", None), "field 5 has no name"),
    "type null": (_set(field, "type", None), "type null is not a Table Schema type"),
    "field named twice": (_set(field, "name", "claim_id"), "field 'claim_id' is named twice"),
    "bogus type": (_set(field, "type", "bogus"), "type 'bogus' is not a Table Schema type"),
    "type a list": (_set(field, "type", ["number"]), "type 'list' is not a Table Schema type"),
    "invalid regex pattern": (_set(_constraints, "pattern", "(["), "is not a valid regular"),
    "pattern a number": (_set(_constraints, "pattern", 5), "constraint pattern has the value"),
    "required a string": (_set(_constraints, "required", "yes"), "constraint required has"),
    "maxLength a string": (_set(_constraints, "maxLength", "5"), "constraint maxLength has"),
    "enum a string": (_set(_constraints, "enum", "abc"), "constraint enum has"),
    "constraints a list": (_set(field, "constraints", []), "constraints is not an object"),
    "missingValues a string": (_set(_schema, "missingValues", ""), "missingValues is not a list"),
    "primaryKey 5": (_set(_schema, "primaryKey", 5), "primaryKey 'int' is not a field name"),
    "primaryKey unknown": (_set(_schema, "primaryKey", "nope"), "primaryKey names 'nope'"),
    "foreignKeys x": (_set(_schema, "foreignKeys", "x"), "foreignKeys is not a list"),
    "foreign key a string": (_set(_schema, "foreignKeys", ["x"]), "a foreign key is not"),
    "foreign key to a missing resource": (
        _set(
            _schema,
            "foreignKeys",
            [{"fields": "metric_id", "reference": {"resource": "nope", "fields": "metric_id"}}],
        ),
        "names the resource 'nope', which the package does not have",
    ),
    "dialect delimiter": (_set(_resource, "dialect", {"delimiter": ";"}), "a CSV dialect is not"),
    "dialect quoteChar": (_set(_resource, "dialect", {"quoteChar": "'"}), "a CSV dialect is not"),
    "dialect header false": (_set(_resource, "dialect", {"header": False}), "a CSV dialect"),
    "dialect URL": (_set(_resource, "dialect", "http://127.0.0.1:9/d.json"), "a CSV dialect"),
    "encoding utf-16": (_set(_resource, "encoding", "utf-16"), "encoding 'utf-16' is not"),
    "encoding bogus": (_set(_resource, "encoding", "bogus-enc"), "encoding 'bogus-enc' is not"),
    "format xlsx": (_set(_resource, "format", "xlsx"), "format 'xlsx' is not supported"),
    "compression zip": (_set(_resource, "compression", "zip"), "compression 'zip' is not"),
    "mediatype": (_set(_resource, "mediatype", "application/zip"), "mediatype"),
}


def broken(make_repo, case: str) -> Path:
    folder = published(make_repo)
    edit, _ = CASES[case]
    if isinstance(edit, str):
        text = edit
    else:
        d = json.loads((folder / "datapackage.json").read_text("utf-8"))
        text = json.dumps(edit(d, folder))
    (folder / "datapackage.json").write_text(text, "utf-8")
    return folder


def one_line_error(result, words: str) -> None:
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and words in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_refuses_in_one_line(make_repo, case):
    folder = broken(make_repo, case)
    before = digest(folder)
    one_line_error(CliRunner().invoke(cli, ["validate", str(folder)]), CASES[case][1])
    assert digest(folder) == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_diff_refuses_in_one_line(make_repo, case):
    good = published(make_repo)
    folder = broken(make_repo, case)
    before = digest(folder)
    one_line_error(CliRunner().invoke(cli, ["diff", str(good), str(folder)]), CASES[case][1])
    assert digest(folder) == before


@pytest.mark.parametrize("case", sorted(CASES))
def test_load_refuses_in_one_line(make_repo, case):
    from manpower.releasing.loader import load

    folder = broken(make_repo, case)
    with pytest.raises(ManpowerError) as refused:
        load(folder)
    assert "\n" not in str(refused.value)
    assert CASES[case][1] in str(refused.value)


def test_the_published_folder_itself_is_fine(make_repo):
    from manpower.releasing.loader import load

    folder = published(make_repo)
    assert CliRunner().invoke(cli, ["validate", str(folder)]).exit_code == 0
    assert set(load(folder)) >= {"claims", "sources"}
