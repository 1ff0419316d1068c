"""The row and schema diff between two package folders, and the bump each change requires."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest

from conftest import CLAIM, claim
from manpower.errors import ManpowerError
from manpower.releasing.archive import check_zip
from manpower.releasing.diff import diff
from manpower.releasing.versioning import bump


def edit_schema(repo, table, change) -> None:
    path = repo / "schemas" / f"{table}.schema.json"
    schema = json.loads(path.read_text())
    change(schema)
    path.write_text(json.dumps(schema))


def field(schema, name):
    return next(f for f in schema["fields"] if f["name"] == name)


def compare(a, b):
    return diff(str(a), str(b), None)


def test_identical_packages_need_no_bump(make_repo):
    result = compare(make_repo(), make_repo())
    assert result.level == "none" and result.empty and result.next_version is None


def test_rows_added_removed_changed(make_repo):
    old = make_repo(claims=[CLAIM, claim(claim_id="gone-01")])
    new = make_repo(claims=[claim(value_high="190000"), claim(claim_id="new-01")])
    result = compare(old, new)
    claims = next(t for t in result.tables if t.name == "claims")
    assert claims.added == ["new-01"] and claims.removed == ["gone-01"]
    assert [(c.key, c.fields) for c in claims.changed] == [
        ("paper-2025-01-03-01", {"value_high": ("180000", "190000")})
    ]
    assert result.level == "major"  # a removed row breaks citations of its id


@pytest.mark.parametrize(
    ("change", "level", "text"),
    [
        (lambda s: s["fields"].remove(field(s, "notes")), "major", "column notes removed"),
        (
            lambda s: s["fields"].append({"name": "extra", "type": "string"}),
            "minor",
            "column extra added",
        ),
        (
            lambda s: field(s, "value").update(type="integer"),
            "major",
            "column value: type number -> integer",
        ),
        (
            lambda s: field(s, "value").update(type="string"),
            "minor",
            "column value: type number -> string",
        ),
        (
            lambda s: field(s, "verification")["constraints"]["enum"].append("retracted"),
            "minor",
            "column verification: constraint enum: values added ['retracted']",
        ),
        (
            lambda s: field(s, "verification")["constraints"]["enum"].remove("disputed"),
            "major",
            "column verification: constraint enum: values removed ['disputed']",
        ),
        (
            lambda s: field(s, "quote")["constraints"].update(maxLength=200),
            "major",
            "column quote: constraint maxLength 300 -> 200",
        ),
        (
            lambda s: field(s, "quote")["constraints"].update(maxLength=500),
            "minor",
            "column quote: constraint maxLength 300 -> 500",
        ),
        (
            lambda s: s.update(primaryKey=["claim_id", "metric_id"]),
            "major",
            "primary key ['claim_id'] -> ['claim_id', 'metric_id']",
        ),
        (lambda s: s["foreignKeys"].pop(), "major", "foreign keys changed"),
        (
            lambda s: field(s, "notes").update(description="Other words."),
            "patch",
            "column notes: description changed",
        ),
    ],
)
def test_schema_changes_and_their_bump(make_repo, change, level, text):
    old, new = make_repo(), make_repo()
    edit_schema(new, "claims", change)
    result = compare(old, new)
    claims = next(t for t in result.tables if t.name == "claims")
    assert [(c.level, c.text) for c in claims.schema] == [(level, text)]
    assert result.level == level


def test_table_removed_is_major(make_repo):
    old, new = make_repo(), make_repo()
    package = json.loads((new / "schemas" / "package.json").read_text())
    descriptor_new = {**package, "resources": []}
    (new / "datapackage.json").write_text(json.dumps(descriptor_new))
    result = compare(old, new)
    assert [(c.level, c.text) for c in result.metadata][:1] == [("major", "table sources removed")]
    assert result.level == "major"


def test_bump_rules():
    assert [bump("1.4.2", level) for level in ("major", "minor", "patch")] == [
        "2.0.0",
        "1.5.0",
        "1.4.3",
    ]
    with pytest.raises(ManpowerError):
        bump("1.4", "patch")


def _zip(path, info, data=b"x"):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/passwd", "has an absolute path"),
        ("a/../../b", "has a '..' path component"),
        ("C:/x", "has an absolute path"),
        ("a\\..\\b", "has a backslash or NUL in its name"),
    ],
)
def test_unsafe_zip_members_are_refused(tmp_path, name, reason):
    archive = _zip(tmp_path / "a.zip", zipfile.ZipInfo(name))
    with pytest.raises(ManpowerError, match=reason.replace("(", r"\(").replace(".", r"\.")):
        check_zip(archive)


def test_symlink_member_is_refused(tmp_path):
    info = zipfile.ZipInfo("pkg/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(ManpowerError, match="is a symbolic link"):
        check_zip(_zip(tmp_path / "a.zip", info, b"/etc/passwd"))


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ManpowerError, match="not a readable zip archive"):
        check_zip(path)


def test_revision_without_package_is_refused(tmp_path):
    from conftest import git

    (tmp_path / "README.md").write_text("nothing yet\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    with pytest.raises(ManpowerError, match=r"revision HEAD holds no package"):
        diff("HEAD", "HEAD", tmp_path)


def test_extracting_paths_a_revision_lacks_writes_nothing(tmp_path):
    """``git archive`` given no path writes the whole tree: a revision that holds none of the
    release's paths must give an empty folder, not the repository."""
    from conftest import git
    from manpower.gitutil import extract_paths
    from manpower.paths import PACKAGE_PATHS, RELEASE_DOCUMENTS

    repo, into = tmp_path / "repo", tmp_path / "into"
    repo.mkdir()
    into.mkdir()
    (repo / "secret.txt").write_text("not part of a release\n")
    (repo / "LICENSE").write_text("MIT\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "x")
    assert extract_paths(repo, "HEAD", PACKAGE_PATHS, into) == []
    assert list(into.iterdir()) == []
    assert extract_paths(repo, "HEAD", PACKAGE_PATHS + RELEASE_DOCUMENTS, into) == ["LICENSE"]
    assert [p.name for p in into.iterdir()] == ["LICENSE"]


def test_a_table_without_a_primary_key_is_compared_row_by_row(make_repo):
    from conftest import METRICS

    old = make_repo()
    new = make_repo(metrics=[{**METRICS[0], "label": "Convicts"}, METRICS[1]])
    for repo in (old, new):
        edit_schema(repo, "metrics", lambda s: s.pop("primaryKey"))
    result = compare(old, new)
    metrics = next(t for t in result.tables if t.name == "metrics")
    assert metrics.key == [] and metrics.schema == []
    # no key: a changed row is the old row removed and the new one added, named by its cells
    assert metrics.changed == []
    cells = "convicts_recruited_cumulative, recruitment, {}, Prisoners recruited since 2022., "
    cells += "persons, cumulative"
    assert metrics.removed == [cells.format("Convicts recruited")]
    assert metrics.added == [cells.format("Convicts")]
    assert result.level == "major"
