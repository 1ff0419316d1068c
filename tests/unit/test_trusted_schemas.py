"""Issue 22 item 11: validation that could be talked out of its rules.

An outside package (``validate DIR``, ``download``, ``load``) is checked against the schemas of
the version it declares, never against the ones it brings: a copy with the constraints and
foreign keys stripped is refused in one line naming the table and what was weakened, and files
are left as they were. The published 0.1.0, whose schemas are older than the current ones, is
still accepted (manpower.releasing.trusted).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CLAIM, CLAIMANTS, METRICS, ROOT, SOURCES, claim, digest
from manpower.cli import cli
from manpower.errors import ManpowerError
from manpower.releasing import trusted

EVIL = claim(
    claim_id="EVIL ID",
    metric_id="no_such_metric",
    verification="totally_true",
    notes="x" * 5000,
)
OWN_RULES = (
    "Warning: {} is checked against the schemas it brings, not manpower's: 'valid' means only "
    "that it keeps its own rules"
)
# What stripping claims' constraints and foreign keys changes, as the refusal lists it.
STRIPPED = (
    "(25 differences: column claim_id: constraint maxLength 100 -> None; column claim_id: "
    "constraint pattern '^[a-z0-9]+(-[a-z0-9]+)*$' -> None; column claim_id: "
    "constraint required True -> None; and 22 more)"
)


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def stripped(schema: dict) -> dict:
    fields = [{k: v for k, v in f.items() if k != "constraints"} for f in schema["fields"]]
    return {k: v for k, v in {**schema, "fields": fields}.items() if k != "foreignKeys"}


def write_evil(repo: Path) -> None:
    """The evil row in claims.csv, with the header of the real schema."""
    text = (repo / "data" / "claims.csv").read_text("utf-8")
    header = text.splitlines()[0].split(",")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerow(EVIL)
    (repo / "data" / "claims.csv").write_text(out.getvalue(), "utf-8")


def publish(folder: Path, version: str | None = None, derived: bool = False) -> dict:
    """``folder`` as a release unpacks it: datapackage.json with hashes, no schemas/package.json."""
    from manpower.descriptor import build_descriptor, derived_path
    from manpower.flat_table import write_flat

    if derived:
        derived_path(folder, "claims_flat").parent.mkdir(parents=True, exist_ok=True)
        write_flat(folder, derived_path(folder, "claims_flat"))
    descriptor = build_descriptor(folder, stats=True, derived=derived)
    if version is not None:
        descriptor["version"] = version
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    (folder / "schemas" / "package.json").unlink()
    return descriptor


def attacked(make_repo, where: str) -> Path:
    """A package whose claims schema has no constraints and no foreign keys, holding EVIL:
    in datapackage.json (inline), in schemas/claims.schema.json of a published folder, or of a
    repository (schemas/package.json present: validate builds its descriptor from schemas/)."""
    repo = make_repo()
    write_evil(repo)
    schema_file = repo / "schemas" / "claims.schema.json"
    weak = stripped(json.loads(schema_file.read_text("utf-8")))
    if where == "datapackage.json":
        descriptor = publish(repo)
        claims = next(r for r in descriptor["resources"] if r["name"] == "claims")
        claims["schema"] = weak
        (repo / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    else:
        schema_file.write_text(json.dumps(weak), "utf-8")
        if where == "published":
            publish(repo)
    return repo


def refusal(where: str) -> str:
    return (
        f"Error: {where}: the schema of table 'claims' is not manpower's own {STRIPPED}; "
        "refused, nothing was validated: download the release again, or check a package that "
        "is not manpower's with manpower validate --own-schemas DIR\n"
    )


CASES = {
    "datapackage.json": "datapackage.json",
    "published": "schemas/claims.schema.json",
    "repository": "schemas/claims.schema.json",
}


@pytest.mark.parametrize("case", CASES)
def test_validate_dir_refuses_a_package_that_strips_its_rules(make_repo, case):
    repo = attacked(make_repo, case)
    before = digest(repo)
    result = run("validate", repo)
    assert (result.exit_code, result.output) == (1, refusal(CASES[case]))
    assert digest(repo) == before


def test_download_refuses_a_release_that_strips_its_rules(make_repo, tmp_path, cache):
    from test_issue22_hostile import _mirror

    repo = attacked(make_repo, "datapackage.json")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(p for p in repo.rglob("*") if p.is_file()):
            zf.write(path, f"manpower-0.1.0/{path.relative_to(repo).as_posix()}")
    body = archive.getvalue()
    mirror = tmp_path / "mirror"
    _mirror(mirror, body)
    (mirror / "manpower-0.1.0.zip").write_bytes(body)
    before = digest(mirror)
    dest = tmp_path / "dest"
    result = run("download", "0.1.0", "--from", mirror, "--dest", dest)
    assert (result.exit_code, result.output) == (1, refusal("datapackage.json"))
    assert not dest.exists()
    assert digest(mirror) == before


def test_load_refuses_a_package_that_strips_its_rules(make_repo):
    import manpower

    repo = attacked(make_repo, "datapackage.json")
    before = digest(repo)
    with pytest.raises(ManpowerError) as refused:
        manpower.load(repo)
    assert f"Error: {refused.value}\n" == refusal("datapackage.json")
    assert digest(repo) == before


def _flat(descriptor: dict) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == "claims_flat")


def _flat_without_key(descriptor: dict) -> None:
    _flat(descriptor)["schema"]["primaryKey"] = []


def _extra_table(descriptor: dict) -> None:
    descriptor["resources"].append({**_flat(descriptor), "name": "extra"})


@pytest.mark.parametrize(
    ("edit", "table", "difference"),
    [
        (_flat_without_key, "claims_flat", "primary key ['claim_id'] -> []"),
        (_extra_table, "extra", "not a table of the package"),
    ],
)
def test_the_derived_table_and_extra_tables_are_checked_too(make_repo, edit, table, difference):
    repo = make_repo()
    descriptor = publish(repo, derived=True)
    edit(descriptor)
    (repo / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    before = digest(repo)
    result = run("validate", repo)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: datapackage.json: the schema of table {table!r} is not manpower's own "
        f"(1 difference: {difference}); refused, nothing was validated"
    )
    assert digest(repo) == before


def test_an_unknown_version_says_to_upgrade(make_repo):
    repo = attacked(make_repo, "published")
    descriptor = json.loads((repo / "datapackage.json").read_text("utf-8"))
    descriptor["version"] = "9.9.9"
    (repo / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    before = digest(repo)
    result = run("validate", repo)
    assert (result.exit_code, result.output) == (
        1,
        "Error: datapackage.json: version '9.9.9' is not one this manpower (0.1.0) has the "
        "schemas of, and its schemas are not manpower's own; refused, nothing was validated: "
        "upgrade manpower (pip install --upgrade manpower), or check a package that is not "
        "manpower's with manpower validate --own-schemas DIR\n",
    )
    assert digest(repo) == before


def test_the_library_schemas_are_trusted_whatever_the_version(make_repo):
    """A package built from the development tree (or cut by a release the tree made): its
    schemas are the library's, whatever version it declares."""
    repo = make_repo()
    publish(repo, version="9.9.9", derived=True)
    result = run("validate", repo)
    assert (result.exit_code, result.output.splitlines()[-1][:6]) == (0, "valid:")


def _write_0_1_0(repo: Path) -> None:
    """The package with the schemas release 0.1.0 was cut with, its tables in their columns."""
    schemas = trusted.released("0.1.0")
    assert schemas is not None
    for path in (repo / "schemas").glob("*.schema.json"):
        path.unlink()
    rows = {
        "sources": SOURCES,
        "claimants": CLAIMANTS,
        "metrics": METRICS[:1],  # counting_basis breakdown came after 0.1.0
        "claims": [CLAIM],
        "exclusions": [],
    }
    for table, table_rows in rows.items():
        schema = schemas[table]
        (repo / "schemas" / f"{table}.schema.json").write_text(json.dumps(schema), "utf-8")
        out = io.StringIO()
        names = [f["name"] for f in schema["fields"]]
        writer = csv.DictWriter(out, names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(table_rows)
        (repo / "data" / f"{table}.csv").write_text(out.getvalue(), "utf-8")


def test_the_published_0_1_0_with_its_older_schemas_is_accepted(make_repo):
    repo = make_repo()
    _write_0_1_0(repo)
    publish(repo)
    result = run("validate", repo)
    assert (result.exit_code, result.output.splitlines()[-1][:6]) == (0, "valid:")
    # the same schemas under a version they were not released with are refused
    descriptor = json.loads((repo / "datapackage.json").read_text("utf-8"))
    descriptor["version"] = "9.9.9"
    (repo / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    result = run("validate", repo)
    assert (result.exit_code, result.output.split(":")[0:2]) == (1, ["Error", " datapackage.json"])
    assert "version '9.9.9'" in result.output


def test_the_frozen_0_1_0_schemas_are_those_of_its_release_commit():
    """Seeded from the commit releases.json records (when this clone has it) and pinned."""
    import hashlib

    path = trusted.RELEASED / "0.1.0.json"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == (
        "28f28b7fb3979e47032eeb56b81d648b8a18c9058b1e4f9cfe1def3f8d5f2c73"
    )
    record = json.loads((ROOT / "releases.json").read_text("utf-8"))
    commit = next(r["commit"] for r in record["releases"] if r["version"] == "0.1.0")
    present = subprocess.run(
        ["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True
    )
    if present.returncode != 0:
        return  # a shallow clone: the pinned sha256 above holds the copy
    frozen = trusted.released("0.1.0")
    assert frozen is not None

    def show(name: str) -> dict:
        text = subprocess.run(
            ["git", "show", f"{commit}:{name}"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        return json.loads(text)

    descriptor = show("datapackage.json")
    assert descriptor["version"] == "0.1.0"
    released = {
        r["name"]: show(r["schema"]) if isinstance(r["schema"], str) else r["schema"]
        for r in descriptor["resources"]
    }
    assert frozen == released


def test_own_schemas_is_loud_and_only_for_a_path(make_repo):
    repo = attacked(make_repo, "datapackage.json")
    before = digest(repo)
    result = CliRunner().invoke(cli, ["validate", "--own-schemas", str(repo)])
    assert result.exit_code == 0
    assert result.stderr == OWN_RULES.format(repo) + "\n"
    assert digest(repo) == before
    result = run("validate", "--own-schemas")
    assert result.exit_code == 2
    assert result.output == (
        "Error: --own-schemas needs a PATH (the repository is always checked against its own)\n"
    )


def test_a_version_is_never_a_path():
    assert trusted.released("../../../etc/passwd") is None
    assert trusted.released("0.1.0 ") is None


@pytest.mark.parametrize(
    ("table", "field", "declared", "needed"),
    [
        ("claims", "period_end", "string", "a date"),
        ("claims", "value_low", "string", "a number"),
        ("claims", "value", "date", "a number"),
        ("sources", "published_date", "number", "a date"),
    ],
)
def test_own_schemas_with_other_types_is_one_line(make_repo, table, field, declared, needed):
    """The semantic rules read some fields as numbers or dates: a package declaring one
    otherwise is refused in one line, never a pandera/polars traceback (issue 22 item 17)."""
    repo = make_repo()
    descriptor = publish(repo)
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    schema = resource["schema"]
    if isinstance(schema, str):
        schema = json.loads((repo / schema).read_text("utf-8"))
    resource["schema"] = schema
    for spec in schema["fields"]:
        if spec["name"] == field:
            spec["type"] = declared
            spec.pop("format", None)
            spec["constraints"] = {}
    (repo / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    before = digest(repo)
    result = CliRunner().invoke(cli, ["validate", "--own-schemas", str(repo)])
    assert result.exit_code == 1, result.output
    assert (
        f"{table}.csv, column {field}: [field-type-needed] declared '{declared}', but the "
        f"semantic rules read {field} as {needed}; they were not run. Fix: declare the field "
        "with the type manpower's schemas give it (see schemas/)."
    ) in result.output.splitlines()
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert digest(repo) == before
