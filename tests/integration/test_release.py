"""Releases: two releases with a change in between, the diff between their tags, refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_citation import mismatches

from conftest import git, project_digest, write_table
from manpower.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_two_releases_are_tagged_with_changelog(released):
    repo = released["repo"]
    assert git(repo, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-2", "--format=%s") == (
        "Record release 0.2.0 in releases.json\nRelease 0.2.0\n"
    )
    # the committed record names each release's commit (the tagged one) and its files
    record = json.loads((repo / "releases.json").read_text())
    assert [(r["version"], r["commit"]) for r in record["releases"]] == [
        (v, git(repo, "rev-parse", f"v{v}^{{commit}}").strip()) for v in ("0.2.0", "0.1.0")
    ]
    assert json.loads((repo / "dist" / "releases.json").read_text()) == record
    package = json.loads(git(repo, "show", "v0.2.0:datapackage.json"))
    assert (package["version"], package["created"]) == ("0.2.0", "2026-01-15T00:00:00Z")
    # a release carries version and date into CITATION.cff and the README's "How to cite"
    assert mismatches(repo) == []
    assert 'date-released: "2026-01-15"' in git(repo, "show", "v0.2.0:CITATION.cff")
    first = json.loads(git(repo, "show", "v0.1.0:schemas/package.json"))
    assert (first["version"], first["created"]) == ("0.1.0", "2026-01-15T00:00:00Z")
    # the release commit freezes its schemas into the library, which checks a package of that
    # version against them (manpower.releasing.trusted), in a clone or from the wheel
    from manpower.releasing.trusted import tree_schemas

    frozen = json.loads(git(repo, "show", "v0.2.0:src/manpower/releasing/released/0.2.0.json"))
    assert frozen == {"version": "0.2.0", "schemas": tree_schemas(repo)}
    assert "released/0.2.0.json" in git(repo, "show", "--name-only", "--format=", "v0.2.0")
    changelog = (repo / "CHANGELOG.md").read_text()
    entries = changelog[changelog.index("## [0.2.0]") :]
    assert entries == (
        "## [0.2.0] - 2026-01-15\n\n"
        "Compared with 0.1.0; bump: **minor**.\n\n"
        "### claims\n\n"
        "- 1 rows added: `paper-2025-01-03-02`\n\n"
        "### claims_flat\n\n"
        "- 1 rows added: `paper-2025-01-03-02`\n\n"
        "## [0.1.0] - 2026-01-15\n\n"
        "First release.\n"
    )


def test_release_files_and_index(released):
    dist = released["repo"] / "dist"
    index = json.loads((dist / "releases.json").read_text())
    assert index["latest"] == "0.2.0"
    assert [r["version"] for r in index["releases"]] == ["0.2.0", "0.1.0"]
    tables = ["sources", "claimants", "metrics", "claims", "exclusions", "claims_flat"]
    for entry in index["releases"]:
        version = entry["version"]
        assert entry["date"] == "2026-01-15" and entry["tag"] == f"v{version}"
        names = [f["name"] for f in entry["files"]]
        assert names == [
            f"manpower-{version}.zip",
            *(f"manpower-{version}-{t}.parquet" for t in tables),
            f"manpower-{version}.sqlite",
            f"manpower-{version}-datasette.json",
        ]
        for f in entry["files"]:
            assert (dist / f["name"]).stat().st_size == f["bytes"]
    sums = dict(
        reversed(line.split("  ")) for line in (dist / "SHA256SUMS").read_text().splitlines()
    )
    assert len(sums) == 18
    # the wheel of the library at that version is built next to the data files
    assert (dist / "manpower-0.2.0-py3-none-any.whl").is_file()
    from manpower.files import sha256_file

    assert sums == {name: sha256_file(dist / name) for name in sums}


def test_release_zip_holds_the_package(released):
    import zipfile

    with zipfile.ZipFile(released["repo"] / "dist" / "manpower-0.2.0.zip") as zf:
        names = zf.namelist()
        assert (
            zf.read("manpower-0.2.0/data/claims.csv")
            == git(released["repo"], "show", "v0.2.0:data/claims.csv").encode()
        )
    assert names == [
        "manpower-0.2.0/" + n
        for n in [
            "datapackage.json",
            "data/claimants.csv",
            "data/claims.csv",
            "data/derived/claims_flat.csv",
            "data/exclusions.csv",
            "data/metrics.csv",
            "data/sources.csv",
            "schemas/claimants.schema.json",
            "schemas/claims.schema.json",
            "schemas/exclusions.schema.json",
            "schemas/metrics.schema.json",
            "schemas/retractions.schema.json",
            "schemas/sources.schema.json",
            "README.md",
            "LICENSE",
            "LICENSE-DATA",
            "CHANGELOG.md",
        ]
    ]


def test_too_small_bump_is_refused_and_changes_nothing(released):
    assert released["refused"] == (
        "--bump patch is smaller than the changes require (minor: claims: 1 rows added; "
        "claims_flat: 1 rows added)"
    )
    assert released["unchanged"]
    assert released["tags_after_refusal"] == ["v0.1.0"]


def test_diff_between_tags_shows_exactly_the_change(released, monkeypatch):
    monkeypatch.chdir(released["repo"])
    result = run("diff", "v0.1.0", "v0.2.0")
    assert result.exit_code == 0
    assert result.output == (
        "manpower 0.1.0 (v0.1.0) -> 0.2.0 (v0.2.0)\n"
        "claims: 1 added, 0 removed, 0 changed\n"
        "  + paper-2025-01-03-02\n"
        "claims_flat: 1 added, 0 removed, 0 changed\n"
        "  + paper-2025-01-03-02\n"
        "bump required: minor (0.1.0 -> 0.2.0)\n"
    )


def test_diff_json_and_default_against_working_tree(released, monkeypatch):
    monkeypatch.chdir(released["repo"])
    data = json.loads(run("diff", "v0.1.0", "v0.2.0", "--format", "json").output)
    assert data["bump"] == "minor" and data["next_version"] == "0.2.0"
    assert [t["table"] for t in data["tables"]] == ["claims", "claims_flat"]
    assert data["tables"][0]["rows_added"] == ["paper-2025-01-03-02"]
    # default: latest tag against the working tree, which is that tag: nothing changed
    result = run("diff")
    assert result.output == (
        "manpower 0.2.0 (v0.2.0) -> 0.2.0 (working tree)\nno changes\nbump required: none\n"
    )


def test_diff_of_release_archives(released):
    dist = released["repo"] / "dist"
    result = run("diff", str(dist / "manpower-0.1.0.zip"), str(dist / "manpower-0.2.0.zip"))
    assert result.exit_code == 0
    assert "claims: 1 added, 0 removed, 0 changed" in result.output
    assert result.output.endswith("bump required: minor (0.1.0 -> 0.2.0)\n")


def test_diff_unknown_revision_is_usage_error(released, monkeypatch):
    monkeypatch.chdir(released["repo"])
    result = run("diff", "v9.9.9")
    assert result.exit_code == 2
    assert result.output == (
        "Error: 'v9.9.9' is neither a git revision, a package folder nor a .zip archive\n"
    )


@pytest.fixture
def work_repo(released, tmp_path, monkeypatch):
    """A throwaway clone-by-copy of the released repository, as the current folder."""
    repo = tmp_path / "work"
    shutil.copytree(released["repo"], repo, symlinks=True)
    monkeypatch.chdir(repo)
    return repo


def test_release_refuses_dirty_tree(work_repo):
    (work_repo / "notes.txt").write_text("draft\n")
    before = project_digest(work_repo)
    result = run("release")
    assert result.exit_code == 1
    assert result.output == (
        "Error: the working tree has uncommitted changes (notes.txt): commit or stash them first\n"
    )
    assert project_digest(work_repo) == before


def test_release_refuses_invalid_data(work_repo):
    from conftest import CLAIM, claim

    write_table(work_repo / "data" / "claims.csv", [CLAIM, claim(claim_id="x-1", value_low="-5")])
    git(work_repo, "commit", "-qam", "bad row")
    before = project_digest(work_repo)
    result = run("release")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the data is invalid (")
    assert result.output.endswith("errors): run manpower validate\n")
    assert project_digest(work_repo) == before
    assert git(work_repo, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]


@pytest.mark.slow
def test_release_refuses_stale_pipeline(work_repo):
    from conftest import METRICS

    metrics = [dict(METRICS[0], label="Convicts recruited (all)"), METRICS[1]]
    write_table(work_repo / "data" / "metrics.csv", metrics)
    git(work_repo, "commit", "-qam", "relabel without building")
    result = run("release", "--dry-run")
    assert result.exit_code == 1
    assert result.output == (
        "Error: dvc status is not clean (stale: derive, package, report, validate): run make "
        "build "
        "and commit\n"
    )


@pytest.mark.slow
def test_release_with_nothing_changed_is_refused(work_repo):
    result = run("release", "--bump", "major")
    assert result.exit_code == 1
    assert result.output == "Error: nothing changed since v0.2.0: no release needed\n"


@pytest.mark.slow
def test_failed_build_during_release_restores_everything(work_repo, monkeypatch):
    from conftest import CLAIM, NEW_CLAIM, claim
    from manpower import pipeline
    from manpower.errors import ManpowerError

    write_table(
        work_repo / "data" / "claims.csv", [CLAIM, NEW_CLAIM, claim(claim_id="paper-2025-01-03-03")]
    )
    pipeline.run_pipeline(work_repo, echo=lambda _line: None)
    git(work_repo, "add", "-A")  # the report stage may draw a new chart file
    git(work_repo, "commit", "-qm", "third claim")
    before = project_digest(work_repo)

    def broken(root, echo=print, force=False):
        assert '"version": "0.3.0"' in (root / "schemas" / "package.json").read_text()
        raise ManpowerError("the build failed (see the stage output above); nothing was published")

    monkeypatch.setattr(pipeline, "run_pipeline", broken)
    result = run("release")
    assert result.exit_code == 1
    assert result.output == (
        "Error: the build failed (see the stage output above); nothing was published\n"
    )
    assert project_digest(work_repo) == before
    assert git(work_repo, "status", "--porcelain") == ""
    assert git(work_repo, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]
    leftovers = [p.name for p in (work_repo / "dist").iterdir() if "0.3.0" in p.name]
    assert leftovers + [p.name for p in (work_repo / "dist").glob(".release-*")] == []


@pytest.mark.slow
def test_rebuild_after_release_changes_nothing(work_repo):
    from manpower.pipeline import run_pipeline

    run_pipeline(work_repo, echo=lambda _line: None, force=True)
    assert git(work_repo, "status", "--porcelain") == ""
    package = json.loads((work_repo / "datapackage.json").read_text())
    assert (package["version"], package["created"]) == ("0.2.0", "2026-01-15T00:00:00Z")


@pytest.fixture(scope="session")
def relabelled_once(released, tmp_path_factory) -> Path:
    """The released repository with one committed patch change since v0.2.0 (a shorter label),
    built once: the tests take copies."""
    from conftest import METRICS
    from manpower.pipeline import run_pipeline

    repo = tmp_path_factory.mktemp("relabelled") / "work"
    shutil.copytree(released["repo"], repo, symlinks=True)
    write_table(repo / "data" / "metrics.csv", [dict(METRICS[0], label="Convicts"), METRICS[1]])
    run_pipeline(repo, echo=lambda _line: None)
    git(repo, "commit", "-qam", "shorter label")
    return repo


@pytest.fixture
def relabelled(relabelled_once, tmp_path, monkeypatch):
    """A throwaway copy of ``relabelled_once``, as the current folder."""
    repo = tmp_path / "work"
    shutil.copytree(relabelled_once, repo, symlinks=True)
    monkeypatch.chdir(repo)
    return repo


PATCH_RELEASE = (
    "Would release manpower 0.2.1 as v0.2.1 (required bump: patch; previous: v0.2.0)\n"
    "## [0.2.1] - 2026-01-15\n\n"
    "Compared with 0.2.0; bump: **patch**.\n\n"
    "### metrics\n\n"
    "- 1 rows changed:\n"
    "  - `convicts_recruited_cumulative`: `label` 'Convicts recruited' → 'Convicts'\n\n"
    "### claims_flat\n\n"
    "- 1 rows changed:\n"
    "  - `paper-2025-01-03-01`: `metric_label` 'Convicts recruited' → 'Convicts'\n"
)


@pytest.mark.slow
def test_dry_run_shows_the_patch_release_and_changes_nothing(relabelled):
    before = project_digest(relabelled)
    result = run("release", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output == PATCH_RELEASE
    assert project_digest(relabelled) == before


def _recorded(repo, version: str) -> str:
    record = json.loads((repo / "releases.json").read_text())
    return next(r["commit"] for r in record["releases"] if r["version"] == version)


@pytest.mark.slow
def test_a_tag_moved_to_a_later_commit_is_reported_not_trusted(relabelled):
    """Issue 22, item 18: a tag moved onto new commits made release and diff see no change."""
    git(relabelled, "tag", "-f", "v0.2.0", "HEAD")
    head, recorded = git(relabelled, "rev-parse", "HEAD").strip(), _recorded(relabelled, "0.2.0")
    note = (
        f"Note: tag v0.2.0 points at commit {head[:12]}, but releases.json records 0.2.0 at "
        f"commit {recorded[:12]}: ignored\n"
    )
    before = project_digest(relabelled)
    result = CliRunner().invoke(cli, ["release", "--dry-run"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (0, PATCH_RELEASE, note)
    result = CliRunner().invoke(cli, ["diff"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        f"manpower 0.2.0 ({recorded}) -> 0.2.0 (working tree)",
        "metrics: 0 added, 0 removed, 1 changed",
    ]
    assert result.stderr == note
    assert project_digest(relabelled) == before


@pytest.mark.slow
def test_a_tag_the_record_lacks_is_reported_not_trusted(relabelled):
    """A stray v0.3.0 made the next release 0.4.0, "Compared with 0.3.0"."""
    git(relabelled, "tag", "v0.3.0", "HEAD~1")
    note = (
        "Note: tag v0.3.0 is not a release in releases.json, whose latest release is 0.2.0: "
        "ignored\n"
    )
    result = CliRunner().invoke(cli, ["release", "--dry-run"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (0, PATCH_RELEASE, note)
    result = CliRunner().invoke(cli, ["diff"], catch_exceptions=False)
    assert result.stdout.startswith("manpower 0.2.0 (v0.2.0) -> 0.2.0 (working tree)\n")
    assert result.stderr == note


@pytest.mark.slow
def test_a_stray_tag_of_the_next_version_refuses_the_release(relabelled):
    git(relabelled, "tag", "v0.2.1", "HEAD")
    before = project_digest(relabelled)
    result = CliRunner().invoke(cli, ["release"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: tag v0.2.1 already exists but releases.json does not record 0.2.1: delete the "
        "stray tag (git tag -d v0.2.1) or choose --bump\n"
    )
    assert project_digest(relabelled) == before
    assert git(relabelled, "tag", "--list").split() == ["v0.1.0", "v0.2.0", "v0.2.1"]


@pytest.mark.parametrize("args", [["release"], ["release", "--dry-run"]])
def test_release_on_a_detached_head_is_refused(work_repo, args):
    git(work_repo, "checkout", "-q", "--detach", "HEAD")
    head = git(work_repo, "rev-parse", "--short=12", "HEAD").strip()
    before = project_digest(work_repo)
    result = run(*args)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: HEAD is detached (at commit {head}): a release commits on a branch; check out "
        "the branch to release from (git switch BRANCH)\n"
    )
    assert project_digest(work_repo) == before
    assert git(work_repo, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]


def shallow_clone(repo: Path, clone: Path, monkeypatch) -> Path:
    """``git clone --depth 1`` of ``repo``: no tags, one commit; the current folder."""
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    assert git(clone, "tag", "--list") == ""
    monkeypatch.chdir(clone)
    return clone


@pytest.fixture
def shallow(released, tmp_path, monkeypatch):
    return shallow_clone(released["repo"], tmp_path / "shallow", monkeypatch)


def test_shallow_clone_without_tags_diffs_against_the_record(shallow, released):
    commit = git(released["repo"], "rev-parse", "v0.2.0^{commit}").strip()
    result = CliRunner().invoke(cli, ["diff"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"manpower 0.2.0 ({commit}) -> 0.2.0 (working tree)\nno changes\nbump required: none\n"
    )
    assert result.stderr == (
        "Note: no release tags in this clone: release 0.2.0 taken from releases.json; "
        f"commit {commit[:12]} was not in this clone: fetched it from origin\n"
    )


def test_shallow_clone_dry_run_gives_the_next_version(relabelled_once, tmp_path, monkeypatch):
    shallow_clone(relabelled_once, tmp_path / "shallow", monkeypatch)
    result = CliRunner().invoke(cli, ["release", "--dry-run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Would release manpower 0.2.1 as v0.2.1 (required bump: patch; previous: v0.2.0)"
    )
    assert result.stderr.startswith("Note: no release tags in this clone: release 0.2.0 taken")


def test_shallow_clone_offline_says_what_is_missing(shallow, released):
    git(shallow, "remote", "remove", "origin")
    commit = git(released["repo"], "rev-parse", "v0.2.0^{commit}").strip()
    result = CliRunner().invoke(cli, ["diff"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: commit {commit[:12]} is not in this clone and cannot be fetched from origin "
        "(shallow clone offline?)\n"
    )


@pytest.fixture(scope="module")
def never_released(tmp_path_factory, git_env) -> Path:
    from conftest import project_copy

    return project_copy(tmp_path_factory.mktemp("never-released"))


@pytest.mark.parametrize("tagged", [False, True])
def test_diff_before_any_release_asks_for_old(never_released, tmp_path, monkeypatch, tagged):
    repo = tmp_path / "repo"
    shutil.copytree(never_released, repo, symlinks=True)
    if tagged:  # a tag is no release: only the record makes one
        git(repo, "tag", "v0.1.0")
    monkeypatch.chdir(repo)
    result = run("diff")
    assert result.exit_code == 2
    ignored = "; tag v0.1.0 is not a release in releases.json, which records no release: ignored"
    assert result.output == (
        f"Error: no release recorded in releases.json to compare with: give OLD{ignored * tagged}\n"
    )
