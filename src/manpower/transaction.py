"""All-or-nothing replacement of several data files, under a lock.

Each file is replaced atomically by ``os.replace``, but a submit touches several tables. So the
new files and backups of the old ones are written first into ``.manpower-txn/`` (outside
``data/``, same file system), then a journal marks the point of no return, then the files are
replaced. A failure raises after restoring the backups; a process killed half-way leaves the
journal behind, and the next ``submit`` or ``fmt`` restores the backups before doing anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from manpower.errors import ManpowerError
from manpower.fsutil import write_atomic

LOCK_NAME = ".manpower.lock"
TXN_DIR = ".manpower-txn"
JOURNAL = "journal.json"


@contextlib.contextmanager
def locked(root: Path) -> Iterator[bool]:
    """Hold the repository's write lock; refuse at once if another writer holds it.

    Yields True when an interrupted earlier write had to be rolled back first.
    """
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ManpowerError(
                f"another manpower submit or fmt is writing to {root / 'data'} (lock file "
                f"{LOCK_NAME}); wait for it to finish and try again"
            ) from None
        yield recover(root)
    finally:
        os.close(fd)  # closing releases the lock


def _fsync_write(path: Path, payload: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())


def _inside(root: Path, target: Path) -> Path:
    """``target`` resolved, refusing anything (e.g. a symlink) that leads outside data/."""
    data = (root / "data").resolve()
    resolved = target.resolve()
    if resolved.parent != data:
        raise ManpowerError(
            f"{target} resolves to {resolved}, outside {data}; refusing to write there"
        )
    return resolved


def replace_all(root: Path, files: dict[Path, bytes]) -> None:
    """Replace each file in ``files`` with its new bytes, or none of them; call under ``locked``."""
    if not files:
        return
    targets = {_inside(root, path): payload for path, payload in files.items()}
    txn = root / TXN_DIR
    shutil.rmtree(txn, ignore_errors=True)
    (txn / "new").mkdir(parents=True)
    (txn / "old").mkdir()
    entries = []
    for n, (target, payload) in enumerate(targets.items()):
        new, old = txn / "new" / str(n), txn / "old" / str(n)
        _fsync_write(new, payload)
        existed = target.exists()
        if existed:
            _fsync_write(old, target.read_bytes())
        entries.append(
            {"target": str(target), "new": str(new), "old": str(old), "existed": existed}
        )
    write_atomic(txn / JOURNAL, json.dumps(entries))
    try:
        for entry in entries:
            os.replace(entry["new"], entry["target"])
    except BaseException:
        _restore(entries)
        shutil.rmtree(txn, ignore_errors=True)
        raise
    shutil.rmtree(txn, ignore_errors=True)


def _restore(entries: list[dict]) -> None:
    for entry in entries:
        target = Path(entry["target"])
        if entry["existed"]:
            write_atomic(target, Path(entry["old"]).read_bytes())
        else:
            target.unlink(missing_ok=True)


def recover(root: Path) -> bool:
    """Undo a replacement that was interrupted after its journal was written.

    Returns True when files were restored. Without a journal nothing was replaced yet, and the
    leftovers are simply removed.
    """
    txn = root / TXN_DIR
    if not txn.exists():
        return False
    journal = txn / JOURNAL
    restored = False
    if journal.is_file():
        _restore(json.loads(journal.read_text(encoding="utf-8")))
        restored = True
    shutil.rmtree(txn, ignore_errors=True)
    return restored
