"""The repository is a DVC data registry: `dvc get --rev` works without a remote, and the
default remote (a local folder) makes `dvc push` / `dvc pull` work out of the box."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import git

DVC = [sys.executable, "-m", "dvc"]


def dvc(cwd, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    return subprocess.run([*DVC, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_dvc_get_rev_returns_each_version(released, tmp_path):
    repo = released["repo"]
    for tag in ("v0.1.0", "v0.2.0"):
        out = tmp_path / f"claims-{tag}.csv"
        proc = dvc(tmp_path, "get", str(repo), "data/claims.csv", "--rev", tag, "-o", str(out))
        assert proc.returncode == 0, proc.stderr
        assert out.read_text() == git(repo, "show", f"{tag}:data/claims.csv")
    old = (tmp_path / "claims-v0.1.0.csv").read_text().splitlines()
    new = (tmp_path / "claims-v0.2.0.csv").read_text().splitlines()
    assert (len(old), len(new)) == (2, 3)
    assert new[:2] == old


def test_default_remote_push_and_pull(released, tmp_path):
    repo = tmp_path / "registry"
    shutil.copytree(released["repo"], repo, symlinks=True)
    assert dvc(repo, "remote", "default").stdout.strip() == "local"
    added = dvc(repo, "add", "dist")
    assert added.returncode == 0, added.stderr
    pushed = dvc(repo, "push")
    assert pushed.returncode == 0, pushed.stderr
    assert any((repo / ".dvc-storage").rglob("*"))
    before = (repo / "dist" / "manpower-0.2.0.zip").read_bytes()
    shutil.rmtree(repo / "dist")
    shutil.rmtree(repo / ".dvc" / "cache")
    pulled = dvc(repo, "pull")
    assert pulled.returncode == 0, pulled.stderr
    assert (repo / "dist" / "manpower-0.2.0.zip").read_bytes() == before


def test_dvc_import_and_update_rev(released, tmp_path):
    repo, project = released["repo"], tmp_path / "consumer"
    project.mkdir()
    git(project, "init", "-q")
    assert dvc(project, "init", "-q").returncode == 0
    proc = dvc(project, "import", str(repo), "data/claims.csv", "--rev", "v0.1.0", "-o", "c.csv")
    assert proc.returncode == 0, proc.stderr
    assert (project / "c.csv").read_text() == git(repo, "show", "v0.1.0:data/claims.csv")
    proc = dvc(project, "update", "--rev", "v0.2.0", "c.csv.dvc")
    assert proc.returncode == 0, proc.stderr
    assert (project / "c.csv").read_text() == git(repo, "show", "v0.2.0:data/claims.csv")
