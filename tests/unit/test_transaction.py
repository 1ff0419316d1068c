"""Crash safety of the multi-table write: killed at any step, data/ ends all-old or all-new.

A child process runs the write (or a recovery) with every file-system step it takes counted:
each open for writing, write, fsync, link, replace, rename, unlink, mkdir and rmdir. At step N
it dies with ``os._exit`` (a write dies half-way through its bytes). Then the next command runs
on what is left, and the tables are compared by sha256 with the old and the new ones. One
child process forks once per crash point, so that hundreds of kills stay cheap.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SOURCES, claim, digest, write_table
from manpower.cli import cli
from manpower.contributing import transaction

CHILD = r"""
import io, json, os, sys
from pathlib import Path

from manpower.contributing import transaction

job = json.loads(sys.stdin.read())
count, crash_at = 0, 0


def step():
    global count
    count += 1
    if count == crash_at:
        os._exit(137)


def counted(fn):
    def wrapped(*args, **kwargs):
        step()
        return fn(*args, **kwargs)
    return wrapped


class Writer:
    def __init__(self, handle):
        self._handle = handle

    def write(self, data):
        global count
        count += 1
        if count == crash_at:  # die half-way through the bytes
            self._handle.write(data[: len(data) // 2])
            self._handle.flush()
            os._exit(137)
        return self._handle.write(data)

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)


def opened(file, mode="r", *args, **kwargs):
    if any(c in mode for c in "wax+"):
        step()
        return Writer(real_open(file, mode, *args, **kwargs))
    return real_open(file, mode, *args, **kwargs)


def run(root, n):
    global crash_at
    crash_at = n
    for name in ("replace", "rename", "unlink", "rmdir", "mkdir", "link"):
        setattr(os, name, counted(getattr(os, name)))
    # counted but not done: a killed process loses nothing the kernel holds (only a power cut
    # would, which a test cannot make), and real fsyncs would make hundreds of runs slow
    os.fsync = counted(lambda fd: None)
    io.open = opened
    with transaction.locked(root):
        if job["mode"] == "write":
            files = {root / "data" / k: v.encode("utf-8") for k, v in job["files"].items()}
            transaction.replace_all(root, files)


real_open = io.open
results = []
for root, n in job["runs"]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        run(Path(root), n)
        os.write(write, str(count).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        steps = pipe.read()
    _, status = os.waitpid(pid, 0)
    results.append([os.waitstatus_to_exitcode(status), int(steps) if steps else None])
print(json.dumps(results))
"""


def child(mode: str, runs: list[tuple[Path, int]], files: dict[str, bytes] | None = None):
    """Run ``mode`` ("write" or "recover") once per (root, crash_at); 0 means no crash.

    Returns (exit code, number of steps taken) per run; 137 is a crash.
    """
    job = {
        "mode": mode,
        "runs": [[str(root), n] for root, n in runs],
        "files": {k: v.decode("utf-8") for k, v in (files or {}).items()},
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=json.dumps(job), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return [tuple(r) for r in json.loads(done.stdout)]


@pytest.fixture
def scenario(make_repo, tmp_path):
    """A repository, the new bytes of two existing tables and of one new file, and the digests
    of data/ before and after the write."""
    from manpower.contributing.canonical_form import render_table
    from manpower.schema import load_schemas

    repo = make_repo()
    sources = [*SOURCES, {**SOURCES[0], "source_id": "wire-2025-02-01"}]
    claims = [claim(), claim(claim_id="wire-2025-02-01-01", source_id="wire-2025-02-01")]
    files = {
        "sources.csv": render_table(sources, load_schemas(repo)["sources"]).encode(),
        "claims.csv": render_table(claims, load_schemas(repo)["claims"]).encode(),
        "notes.csv": b"a new file\n",
    }
    old = digest(repo / "data")
    done = tmp_path / "done"
    shutil.copytree(repo, done)
    [(code, steps)] = child("write", [(done, 0)], files)
    assert code == 0
    new = digest(done / "data")
    assert new != old and not (done / transaction.TXN_DIR).exists()
    return {"repo": repo, "files": files, "old": old, "new": new, "steps": steps}


def crashed(scenario, folder: Path, points: list[int]) -> dict[int, Path]:
    """A copy of the repository per crash point, with the write killed at that step."""
    copies = {n: folder / f"crash{n}" for n in points}
    crash_copies(scenario, [(dest, n) for n, dest in copies.items()])
    return copies


def crash_copies(scenario, runs: list[tuple[Path, int]]) -> None:
    for dest, _ in runs:
        shutil.copytree(scenario["repo"], dest)
    codes = child("write", runs, scenario["files"])
    assert [code for code, _ in codes] == [137] * len(runs)


def state(repo: Path) -> tuple[bool, bool]:
    """(journal present, commit marker present)."""
    txn = repo / transaction.TXN_DIR
    return (txn / transaction.JOURNAL).is_file(), (txn / transaction.COMMITTED).is_file()


def run_fmt(root: Path, monkeypatch, *args: str):
    monkeypatch.chdir(root)
    return CliRunner().invoke(cli, ["fmt", *args])


def test_killed_at_every_step_the_next_fmt_gives_all_old_or_all_new(
    scenario, tmp_path, monkeypatch
):
    assert scenario["steps"] > 20  # every step of the protocol is counted
    points = list(range(1, scenario["steps"] + 1))
    outcomes = []
    for n, repo in crashed(scenario, tmp_path, points).items():
        journal, _ = state(repo)
        leftovers = (repo / transaction.TXN_DIR).exists()
        result = run_fmt(repo, monkeypatch)
        assert result.exit_code == 0, (n, result.output)
        tables = digest(repo / "data")
        assert tables in (scenario["old"], scenario["new"]), n
        outcome = "new" if tables == scenario["new"] else "old"
        outcomes.append(outcome)
        if journal:
            expected = transaction.ROLLED_FORWARD if outcome == "new" else transaction.ROLLED_BACK
        elif leftovers and outcome == "old":
            expected = transaction.DISCARDED
        else:  # only a finished write's leftovers: nothing to recover
            expected = ""
        assert result.stderr == (expected + "\n" if expected else ""), (n, result.stderr)
        assert not (repo / transaction.TXN_DIR).exists()
        assert not (repo / transaction.DONE_DIR).exists()
        # the next command works on what recovery left, with nothing pending
        again = run_fmt(repo, monkeypatch, "--check")
        assert (again.exit_code, again.stderr) == (0, ""), n
    # old until the commit marker is durable, new from then on: one switch, both sides seen
    switch = outcomes.index("new")
    assert outcomes == ["old"] * switch + ["new"] * (len(outcomes) - switch)
    assert 0 < switch < len(outcomes)


def test_a_recovery_killed_at_every_step_is_finished_by_the_next_one(scenario, tmp_path):
    """Idempotent recovery: for crash points that leave a journal (before and after the commit
    marker), kill the recovery itself at each of its steps, then recover again."""
    points = list(range(1, scenario["steps"] + 1))
    states = {n: state(repo) for n, repo in crashed(scenario, tmp_path / "probe", points).items()}
    before_marker = [n for n, (journal, marker) in states.items() if journal and not marker]
    after_marker = [n for n, (_, marker) in states.items() if marker]
    # a crash with half of the tables replaced, the last one before the marker (all replaced)
    # and the first one after it
    chosen = sorted({before_marker[len(before_marker) // 2], before_marker[-1], after_marker[0]})
    for n in chosen:
        [reference] = crashed(scenario, tmp_path / f"ref{n}", [n]).values()
        [(code, recovery_steps)] = child("recover", [(reference, 0)])
        assert code == 0 and recovery_steps
        expected = digest(reference / "data")
        assert expected == (scenario["new"] if states[n][1] else scenario["old"])
        copies = {m: tmp_path / f"n{n}m{m}" for m in range(1, recovery_steps + 1)}
        crash_copies(scenario, [(repo, n) for repo in copies.values()])
        codes = child("recover", [(repo, m) for m, repo in copies.items()])
        assert [code for code, _ in codes] == [137] * len(copies), n
        codes = child("recover", [(repo, 0) for repo in copies.values()])
        assert [code for code, _ in codes] == [0] * len(copies), n
        for m, repo in copies.items():
            assert digest(repo / "data") == expected, (n, m)
            assert not (repo / transaction.TXN_DIR).exists()


SUBMIT_KILLED_IN_CLEANUP = """
import os, sys
from manpower.contributing import transaction
def killed(root):
    os._exit(137)
transaction._clean = killed  # dies after the commit marker, before the journal is removed
from manpower.cli import main
sys.argv = ["manpower", "submit", *sys.argv[1:]]
main()
"""


def submit_killed_in_cleanup(repo: Path, *updates: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", SUBMIT_KILLED_IN_CLEANUP, *map(str, updates)],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 137, run.stdout + run.stderr
    assert (repo / transaction.TXN_DIR / transaction.JOURNAL).is_file()


def two_table_update(folder: Path) -> list[Path]:
    source = {**SOURCES[0], "source_id": "wire-2025-02-01", "url": "https://example.org/b"}
    write_table(folder / "sources.csv", [source])
    write_table(
        folder / "claims.csv", [claim(claim_id="wire-2025-02-01-01", source_id="wire-2025-02-01")]
    )
    return [folder / "sources.csv", folder / "claims.csv"]


def test_submit_killed_before_the_journal_is_removed_is_kept_by_the_next_fmt(make_repo, tmp_path):
    """The reported bug: fmt silently rolled the submitted rows back."""
    repo = make_repo()
    submit_killed_in_cleanup(repo, *two_table_update(tmp_path))
    submitted = digest(repo / "data")
    assert b"wire-2025-02-01-01" in (repo / "data" / "claims.csv").read_bytes()
    run = subprocess.run(
        [sys.executable, "-m", "manpower", "fmt"], cwd=repo, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == transaction.ROLLED_FORWARD + "\n"
    assert digest(repo / "data") == submitted
    assert not (repo / transaction.TXN_DIR).exists()


def test_a_deleted_backup_with_the_journal_present_still_resolves(make_repo, tmp_path, monkeypatch):
    """The reported bug: with a backup gone, the next submit restored one table and died with
    FileNotFoundError. Every table is new and committed, so the write is completed; the next
    submit reports it on stderr and adds its own rows."""
    repo = make_repo()
    submit_killed_in_cleanup(repo, *two_table_update(tmp_path))
    submitted = (repo / "data" / "claims.csv").read_bytes()
    for backup in (repo / transaction.TXN_DIR / "old").iterdir():
        backup.unlink()
    more = tmp_path / "more"
    more.mkdir()
    claimant = {
        "claimant_id": "ru-mod",
        "name": "Ministry of Defence of Russia",
        "type": "government_agency",
        "country": "RU",
        "notes": "",
    }
    write_table(more / "claimants.csv", [claimant])
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["submit", str(more / "claimants.csv")])
    assert result.exit_code == 0, result.output
    assert result.stderr == transaction.ROLLED_FORWARD + "\n"
    assert (repo / "data" / "claims.csv").read_bytes() == submitted
    assert b"ru-mod" in (repo / "data" / "claimants.csv").read_bytes()
    assert not (repo / transaction.TXN_DIR).exists()


def test_tables_that_can_reach_neither_side_are_left_alone_with_one_line(
    scenario, tmp_path, monkeypatch
):
    """Half replaced, and both a backup and a new file deleted by hand: neither side can be
    reached, so nothing is touched and the message says how to get out."""
    points = list(range(1, scenario["steps"] + 1))
    for repo in crashed(scenario, tmp_path, points).values():
        txn = repo / transaction.TXN_DIR
        replaced = (repo / "data" / "sources.csv").read_bytes() == scenario["files"]["sources.csv"]
        if state(repo)[0] and replaced and (txn / "new" / "1").is_file():
            break  # sources is new, claims not yet
    else:
        raise AssertionError("no crash point between the two replacements")
    (txn / "old" / "0").unlink()
    (txn / "new" / "1").unlink()
    before = digest(repo)
    result = run_fmt(repo, monkeypatch)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot recover the interrupted write in {txn}: files it needs are missing; "
        f"restore data/ from git (git checkout -- data/) and delete {txn}\n"
    )
    assert digest(repo) == before


def test_commands_without_the_lock_warn_about_a_pending_write_and_change_nothing(
    scenario, tmp_path, monkeypatch
):
    """fmt --check, validate and submit --dry-run take no lock, so they cannot recover."""
    points = list(range(1, scenario["steps"] + 1))
    repo = next(r for r in crashed(scenario, tmp_path, points).values() if state(r)[0])
    before = digest(repo)
    txn = repo / transaction.TXN_DIR
    warning = (
        f"Warning: an interrupted earlier write is pending in {txn}; data/ may mix old and new "
        "tables until `manpower fmt` or `manpower submit` recovers it.\n"
    )
    write_table(tmp_path / "claimants.csv", [])
    monkeypatch.chdir(repo)
    for args in (
        ["fmt", "--check"],
        ["validate"],
        ["submit", str(tmp_path / "claimants.csv"), "--dry-run"],
    ):
        result = CliRunner().invoke(cli, args)
        assert result.stderr.startswith(warning), (args, result.stderr)
    assert digest(repo) == before
