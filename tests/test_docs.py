"""The README's column reference is generated from the schemas and must not drift from them."""

from conftest import ROOT
from manpower.publishing.readme_tables import readme_section, schema_tables


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
