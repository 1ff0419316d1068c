"""The README's column reference and rule list are generated from the schemas and the error
catalogue, and must not drift from them."""

from conftest import ROOT
from manpower.catalogue import RULES
from manpower.views.readme_tables import (
    readme_rules,
    readme_section,
    rule_list,
    schema_tables,
    update_readme,
)


def test_readme_tables_match_schemas():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_section(readme) == schema_tables(ROOT), (
        "README.md is stale: run python scripts/readme_tables.py"
    )


def test_readme_lists_every_column():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import json

    for schema in (ROOT / "schemas").glob("*.schema.json"):
        for field in json.loads(schema.read_text())["fields"]:
            assert f"`{field['name']}`" in readme


def test_readme_rules_match_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_rules(readme) == rule_list(), (
        "README.md is stale: run python scripts/readme_tables.py"
    )
    for rule in RULES:
        assert f"| `{rule}` |" in readme


def test_update_readme_regenerates_both_sections():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace("| `share-sum` |", "| `share-total` |").replace(
        "### `data/claims.csv`", "### `data/claim.csv`"
    )
    assert stale != readme
    assert update_readme(stale, ROOT) == readme
