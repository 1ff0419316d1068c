"""Shared fixtures: a small valid package built in a temporary folder from the real schemas."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DVC_NO_ANALYTICS", "1")
# Some tests reuse another folder's cases (test_release reads the citation checks of
# unit/test_citation): every test folder is importable, whichever pytest collects first.
for _folder in ("unit", "integration", "data"):
    if str(Path(__file__).parent / _folder) not in sys.path:
        sys.path.insert(0, str(Path(__file__).parent / _folder))

SOURCES = [
    {
        "source_id": "paper-2025-01-03",
        "title": "Convicts recruited",
        "publisher": "The Paper",
        "author": "A. Writer",
        "published_date": "2025-01-03",
        "url": "https://example.org/a",
        "language": "en",
        "document": "",
        "notes": "",
    },
]
CLAIMANTS = [
    {
        "claimant_id": "ua-szru",
        "name": "Foreign Intelligence Service of Ukraine",
        "type": "intelligence_service",
        "country": "UA",
        "notes": "",
    },
]
METRICS = [
    {
        "metric_id": "convicts_recruited_cumulative",
        "topic": "recruitment",
        "label": "Convicts recruited",
        "description": "Prisoners recruited since 2022.",
        "unit": "persons",
        "counting_basis": "cumulative",
    },
    {
        "metric_id": "pow_share_by_rank",
        "topic": "captivity",
        "label": "POWs by rank",
        "description": "Share of POWs by rank.",
        "unit": "percent",
        "counting_basis": "breakdown",
    },
]
CLAIM = {
    "claim_id": "paper-2025-01-03-01",
    "metric_id": "convicts_recruited_cumulative",
    "category": "",
    "value_kind": "range",
    "value_low": "140000",
    "value": "",
    "value_high": "180000",
    "period_start": "2022-07-01",
    "period_end": "2024-11-30",
    "date_precision": "month",
    "claimant_id": "ua-szru",
    "source_id": "paper-2025-01-03",
    "via": "",
    "quote": "Russia has recruited 140,000 to 180,000 prisoners",
    "verification": "not_independently_verified",
    "supersedes": "",
    "notes": "",
    "locator": "",
    "source_uri": "",
}


def run_submit(*args: object):
    """`manpower submit ARGS...` through click's test runner."""
    from click.testing import CliRunner

    from manpower.cli import cli

    return CliRunner().invoke(cli, ["submit", *map(str, args)], catch_exceptions=False)


def assert_rejected(result, path: object, line: str, errors: int = 1) -> None:
    """A rejected submit: exit 1, ``line`` among the output, and the closing summary line."""
    lines = result.output.splitlines()
    plural = "s" if errors != 1 else ""
    assert result.exit_code == 1, result.output
    assert line in lines, result.output
    assert lines[-1] == f"rejected: {errors} error{plural} ({path}); nothing was written to data/"


def claim(**changes: str) -> dict[str, str]:
    return {**CLAIM, **changes}


def write_table(path: Path, rows: list[dict[str, str]], schema_table: str | None = None) -> None:
    import json

    table = schema_table or path.stem
    fields = [
        f["name"]
        for f in json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text())["fields"]
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not {".git", "tmp", "__pycache__"} & set(p.relative_to(folder).parts)
    }


@contextmanager
def serving(httpd: Any) -> Iterator[str]:
    """``httpd`` answering from a thread, as its base URL; shut down after. It polls every 50 ms
    (the default 0.5 s made each server's shutdown wait half a second)."""
    import threading

    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A package folder with the real schemas and small tables (valid unless told otherwise)."""

    def make(
        claims: list[dict[str, str]] | None = None,
        sources: list[dict[str, str]] | None = None,
        claimants: list[dict[str, str]] | None = None,
        metrics: list[dict[str, str]] | None = None,
    ) -> Path:
        repo = tmp_path / f"repo{len(list(tmp_path.glob('repo*')))}"
        shutil.copytree(ROOT / "schemas", repo / "schemas")
        (repo / "data").mkdir()
        write_table(repo / "data" / "sources.csv", SOURCES if sources is None else sources)
        write_table(repo / "data" / "claimants.csv", CLAIMANTS if claimants is None else claimants)
        write_table(repo / "data" / "metrics.csv", METRICS if metrics is None else metrics)
        write_table(repo / "data" / "claims.csv", [CLAIM] if claims is None else claims)
        write_table(repo / "data" / "exclusions.csv", [])
        return repo

    return make


def published(make_repo: Callable[..., Path]) -> Path:
    """A package folder as a release unpacks it: datapackage.json (hashes included), data/ and
    the table schemas, no schemas/package.json."""
    import json

    from manpower.descriptor import build_descriptor

    folder = make_repo()
    descriptor = build_descriptor(folder, stats=True, derived=False)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), "utf-8")
    (folder / "schemas" / "package.json").unlink()
    return folder


# --- A project repository with two releases, and an HTTP server for its dist/ ------------------

NEW_CLAIM = claim(
    claim_id="paper-2025-01-03-02",
    metric_id="pow_share_by_rank",
    category="officer",
    value_kind="exact",
    value_low="",
    value="5",
    value_high="",
    period_start="",
    period_end="2024-12-31",
    quote="5% of them were officers",
)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    # 2026-01-15T00:00:00Z: release dates in changelogs and indexes are reproducible
    "SOURCE_DATE_EPOCH": "1768435200",
}


def git(repo: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def project_copy(dest: Path, source: Path = ROOT) -> Path:
    """The project's files (tracked or new, not ignored) with the small test tables, built,
    committed to a fresh git repository."""
    from manpower.pipeline import run_pipeline

    listed = git(source, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        if (source / name).is_file() and not name.startswith("data/"):
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, dest / name)
    unreleased(dest)
    (dest / "data").mkdir(exist_ok=True)
    write_table(dest / "data" / "sources.csv", SOURCES)
    write_table(dest / "data" / "claimants.csv", CLAIMANTS)
    write_table(dest / "data" / "metrics.csv", METRICS)
    write_table(dest / "data" / "claims.csv", [CLAIM])
    write_table(dest / "data" / "exclusions.csv", [])
    git(dest, "init", "-q", "-b", "main")
    run_pipeline(dest, echo=lambda _line: None)
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "Initial package")
    return dest


def unreleased(repo: Path) -> None:
    """The copy as a package that was never released, whatever releases the project has cut:
    the first version of schemas/package.json, no release date, changelog or record."""
    import json
    import re

    from manpower.views.citation import sync

    meta = repo / "schemas" / "package.json"
    text = re.sub(r'("version"\s*:\s*)"[^"]*"', r'\g<1>"0.1.0"', meta.read_text("utf-8"))
    text = re.sub(r'("created"\s*:\s*)(null|"[^"]*")', r"\g<1>null", text)
    text = re.sub(r'("releases_url"\s*:\s*)(null|"[^"]*")', r"\g<1>null", text)
    assert json.loads(text)["version"] == "0.1.0"
    meta.write_text(text, encoding="utf-8")
    published = repo / "src" / "manpower" / "releasing" / "published.json"
    published.write_text('{\n  "releases_url": null\n}\n')
    for name in ("CHANGELOG.md", "releases.json"):
        (repo / name).unlink(missing_ok=True)
    sync(repo)


def project_digest(repo: Path) -> dict[str, str]:
    """digest() of the project's files, without git's and DVC's own bookkeeping."""
    return {p: h for p, h in digest(repo).items() if not p.startswith((".git/", ".dvc/tmp/"))}


@pytest.fixture(scope="session")
def git_env():
    with pytest.MonkeyPatch.context() as mp:
        for key, value in GIT_ENV.items():
            mp.setenv(key, value)
        yield


@pytest.fixture(scope="session")
def released(tmp_path_factory, git_env) -> dict:
    """v0.1.0 with one claim; then a claim added (a minor change), a refused --bump patch, and
    v0.2.0. Returns the repository and what the refused release said and left."""
    from manpower.errors import ManpowerError
    from manpower.pipeline import run_pipeline
    from manpower.releasing.release import release

    repo = project_copy(tmp_path_factory.mktemp("project"))
    release(repo, echo=lambda _line: None)
    write_table(repo / "data" / "claims.csv", [CLAIM, NEW_CLAIM])
    run_pipeline(repo, echo=lambda _line: None)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add a claim")
    before = project_digest(repo)
    with pytest.raises(ManpowerError) as refused:
        release(repo, "patch", echo=lambda _line: None)
    after = project_digest(repo)
    tags_after_refusal = git(repo, "tag", "--list").split()
    release(repo, echo=lambda _line: None)
    return {
        "repo": repo,
        "refused": str(refused.value),
        "unchanged": before == after,
        "tags_after_refusal": tags_after_refusal,
    }


@pytest.fixture(scope="session")
def site(tmp_path_factory, released) -> Path:
    """The folder the test server serves: good/ is a copy of the released dist/."""
    folder = tmp_path_factory.mktemp("site")
    shutil.copytree(released["repo"] / "dist", folder / "good")
    return folder


@pytest.fixture(scope="session")
def server(site) -> str:
    """An HTTP server on 127.0.0.1 serving ``site``. Under /truncated/ it sends half of each
    file while announcing all of it; under /silent/ it never answers a file request."""
    import functools
    import time
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/truncated/") and not self.path.endswith(".json"):
                body = (site / self.path.lstrip("/")).read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if self.path.startswith("/silent/") and not self.path.endswith(".json"):
                time.sleep(5)
                self.close_connection = True
                return
            super().do_GET()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    with serving(httpd) as url:
        yield url


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MANPOWER_CACHE", str(folder))
    monkeypatch.delenv("MANPOWER_RELEASES_URL", raising=False)
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Under ``MANPOWER_NO_SKIP=1`` (set by .ci/run) a skipped test is a failure.

    Gates such as the quote-verbatim check and the Chromium datasheet test skip on a laptop that
    lacks the documents or a browser; in CI a skip would let them pass without running.
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("MANPOWER_NO_SKIP") == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under MANPOWER_NO_SKIP=1 (a gate must run in CI): {reason}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the ``released`` project (two releases built with the whole pipeline,
    over 20 s, shared by the session) is slow, whichever test happens to build it first; slow
    tests run first.

    tryfirst: xdist's worker turns the xdist_group mark into the node id that ``--dist loadgroup``
    schedules by, in its own hook of this name; marked after that, the group would be ignored."""
    for item in items:
        if "released" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
            # one worker builds it once (make test runs pytest -n 2 --dist loadgroup)
            item.add_marker(pytest.mark.xdist_group("released"))
    # The slow tests first: on two workers, the longest jobs started early leave the short ones
    # to fill the gaps at the end, rather than one worker finishing a long test alone.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fail the run when ``--dist loadgroup`` lost a group: every worker would then build the
    ``released`` project again (pytest 9.2 with pytest-xdist 3.8 did, silently, at 25 s each)."""
    if not getattr(session.config.option, "loadgroup", False):  # set on xdist's workers only
        return
    lost = [
        item.nodeid
        for item in session.items
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid
    ]
    if lost:
        raise pytest.UsageError(
            f"--dist loadgroup ignores the xdist_group of {len(lost)} tests ({lost[0]}): "
            "pytest and pytest-xdist disagree on node ids; see the pin in pyproject.toml"
        )
