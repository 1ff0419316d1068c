"""The few git operations releases and diffs need, through the git command line."""

from __future__ import annotations

import subprocess
from pathlib import Path

from manpower.errors import ManpowerError
from manpower.releasing.versioning import version_of_tag


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except FileNotFoundError:
        raise ManpowerError("git is not installed") from None
    if check and proc.returncode != 0:
        message = proc.stderr.strip() or proc.stdout.strip()
        raise ManpowerError(f"git {' '.join(args)} failed: {message}")
    return proc


def git_bytes(root: Path, *args: str) -> bytes:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True)
    if proc.returncode != 0:
        raise ManpowerError(f"git {' '.join(args)} failed: {proc.stderr.decode().strip()}")
    return proc.stdout


def extract_paths(root: Path, rev: str, paths: tuple[str, ...], into: Path) -> list[str]:
    """Those of ``paths`` that ``rev`` holds, written under ``into``; returns them (when there
    is none, nothing is written: ``git archive`` without a path would write the whole tree)."""
    import io
    import tarfile

    present = git(root, "ls-tree", "--name-only", rev, "--", *paths).stdout.split()
    if present:
        data = git_bytes(root, "archive", "--format=tar", rev, "--", *present)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(into, filter="data")
    return present


def is_repo(root: Path) -> bool:
    return git(root, "rev-parse", "--is-inside-work-tree", check=False).returncode == 0


def commit_of(root: Path, rev: str) -> str | None:
    proc = git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def release_tags(root: Path) -> dict[str, str]:
    """``{version: tag}`` of every ``vX.Y.Z`` tag; what a release is, releases.json says (see
    ``origin.previous_release``), these are only checked against it."""
    out = git(root, "tag", "--list", "v*").stdout.split()
    return {v: tag for tag in out if (v := version_of_tag(tag))}


def dirty_paths(root: Path) -> list[str]:
    """Changed, staged and untracked (not ignored) paths; empty when the tree is clean."""
    lines = git(root, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()
    return [line[3:] for line in lines if line.strip()]
