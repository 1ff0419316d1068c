"""All-or-nothing replacement of several data files, under a lock, safe against a crash anywhere.

Each file is replaced atomically by ``os.replace``, but a submit touches several tables, and the
process can die between any two system calls. The protocol, in ``.manpower-txn/`` (outside
``data/``, on the same file system):

1. prepare: the new bytes go to ``new/N`` and a backup of each current table to ``old/N`` (a
   hard link, or a copy where links are not supported), all fsynced;
2. the journal (the list of targets) is written atomically and fsynced: from here on ``data/``
   may be changed, and without a commit marker a recovery puts the backups back;
3. every table is replaced by its ``new/N``, and ``data/`` is fsynced;
4. the commit marker is written atomically and fsynced: from here on the new tables are the
   outcome, and a recovery finishes the write (rolls forward) instead of undoing it;
5. cleanup: the folder is renamed to ``.manpower-txn.done`` in one step, then deleted.

So every crash point resolves to all-old (before the marker) or all-new (after it). Recovery
runs under the lock before ``submit`` or ``fmt`` does anything, is idempotent (a recovery killed
half-way is finished by the next one), and says what it did. A failure raised inside step 3 is
rolled back at once. Ctrl-C and SIGTERM wait from step 3 until the marker is down: the write is
completed and the interrupt reported, never a failure claimed for tables already written.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from manpower.errors import ManpowerError
from manpower.files import sha256_file
from manpower.interrupts import interrupts_deferred

LOCK_NAME = ".manpower.lock"
TXN_DIR = ".manpower-txn"
DONE_DIR = ".manpower-txn.done"
JOURNAL = "journal.json"
COMMITTED = "committed"

ROLLED_BACK = (
    "Recovered: an interrupted earlier write was rolled back; data/ has the tables as they "
    "were before it."
)
ROLLED_FORWARD = (
    "Recovered: an interrupted earlier write had committed and was completed; data/ has the "
    "tables it wrote."
)
DISCARDED = (
    "Recovered: an earlier write interrupted before it changed data/ was discarded; data/ is "
    "as it was."
)
STRAY = (
    "Recovered: {txn} was not a transaction folder (a file or symbolic link of its name) and "
    "was removed; data/ is as it was."
)
INTERRUPTED = "Interrupted during the write: it was completed first, so data/ has the new tables."
UNCLEANED = (
    "Warning: the write is complete, but {txn} could not be removed ({why}); the next "
    "`manpower fmt` or `manpower submit` removes it."
)
PENDING = (
    "Warning: an interrupted earlier write is pending in {txn}; data/ may mix old and new "
    "tables until `manpower fmt` or `manpower submit` recovers it."
)

Notify = Callable[[str], None]


@contextlib.contextmanager
def locked(root: Path, notify: Notify | None = None) -> Iterator[str | None]:
    """Hold the repository's write lock; refuse at once if another writer holds it.

    An interrupted earlier write is recovered first; yields the line saying how (None when
    there was nothing to recover), and passes it to ``notify`` as well.
    """
    from manpower.paths import require_clone

    require_clone(root)  # before the lock file exists: a refused folder is left as it was
    fd = _open_lock(root)
    if fd is None:  # a read-only repository: nobody can write to it, nothing to lock
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ManpowerError(
                f"another manpower submit or fmt is writing to {root / 'data'} (lock file "
                f"{LOCK_NAME}); wait for it to finish and try again"
            ) from None
        message = recover(root)
        if message and notify:
            notify(message)
        yield message
    finally:
        os.close(fd)  # closing releases the lock


def _open_lock(root: Path) -> int | None:
    """The lock file's descriptor; None when the repository is read-only and nothing is pending.

    The lock is never a symbolic link followed out of the repository (O_NOFOLLOW) nor a folder.
    """
    path = root / LOCK_NAME
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR) or path.is_symlink() or path.is_dir():
            raise ManpowerError(
                f"{path} is not a regular file (a symbolic link or a folder); delete it and try "
                "again (it is manpower's lock file); nothing was written"
            ) from None
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and not _present(root / TXN_DIR):
            return None  # writes, if any, fail with their own line (see replace_all)
        raise ManpowerError(
            f"cannot create the lock file {path}: {exc.strerror}; nothing was written"
        ) from None


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove(path: Path) -> None:
    """Remove whatever is at ``path``: a folder with its contents, or a file or symbolic link
    (never followed). Nothing there is fine."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _device(path: Path) -> int:
    return os.stat(path).st_dev


def _is_folder(path: Path) -> bool:
    """A real folder (not a symbolic link to one): only such a folder is a transaction."""
    return path.is_dir() and not path.is_symlink()


def pending(root: Path) -> str | None:
    """A warning when an interrupted write awaits recovery (for commands that take no lock)."""
    txn = root / TXN_DIR
    return PENDING.format(txn=txn) if _is_folder(txn) and (txn / JOURNAL).is_file() else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durable(path: Path, payload: bytes) -> None:
    """Write a file the protocol relies on: temp file, fsync, rename, fsync of the folder."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _backup(target: Path, old: Path) -> None:
    try:
        os.link(target, old)
    except OSError:  # a file system without hard links: copy
        shutil.copyfile(target, old)
        with old.open("rb+") as handle:
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


def replace_all(root: Path, files: dict[Path, bytes], notify: Notify | None = None) -> None:
    """Replace each file in ``files`` with its new bytes, or none of them; call under ``locked``.

    Once the tables start to be replaced, Ctrl-C and SIGTERM wait until the write is committed
    and then ``notify`` is told, in one line, that it was completed: a write is never reported
    as failed when data/ holds it.
    """
    if not files:
        return
    targets = {_inside(root, path): payload for path, payload in files.items()}
    txn = root / TXN_DIR
    # leftovers of a write that never got to its journal (recover() has run under the lock)
    _remove(txn)
    try:
        entries = _prepare(root, txn, targets)
    except BaseException as exc:  # disk full, read-only, Ctrl-C: data/ was not touched
        _remove(txn)
        if isinstance(exc, OSError):
            raise ManpowerError(
                f"cannot prepare the write in {txn}: {exc.strerror or exc}; data/ is as it was"
            ) from None
        raise
    with interrupts_deferred() as received:
        late = _commit(root, txn, entries)
    if notify and (received or isinstance(late, KeyboardInterrupt | SystemExit)):
        notify(INTERRUPTED)
    elif notify and late is not None and _present(txn):
        notify(UNCLEANED.format(txn=txn, why=late))


def _commit(root: Path, txn: Path, entries: list[dict]) -> BaseException | None:
    """Steps 3 to 5. An error before the commit marker is down undoes the write and is raised;
    one after it is returned: the write stands (what cleanup leaves, the next recovery clears)."""
    late: BaseException | None = None
    try:
        for entry in entries:
            os.replace(entry["new"], entry["target"])
        _fsync_dir(Path(entries[0]["target"]).parent)
        _write_durable(txn / COMMITTED, b"")
    except BaseException as exc:
        if (txn / COMMITTED).is_file():
            late = exc
        else:
            _undo(root, txn, entries, exc)
    try:
        _clean(root)
    except BaseException as exc:
        return late or exc
    return late


def _undo(root: Path, txn: Path, entries: list[dict], exc: BaseException) -> NoReturn:
    """Put the old tables back after ``exc`` cut step 3 short, and raise."""
    undone = _possible(entries, "old")
    if undone:  # else the next recovery finishes whichever side it can
        _apply(entries, "old")
        _clean(root)
    if isinstance(exc, OSError):
        outcome = "data/ is as it was" if undone else PENDING.format(txn=txn)[9:]
        raise ManpowerError(
            f"cannot replace the tables in {root / 'data'}: {exc.strerror or exc}; {outcome}"
        ) from None
    raise exc


def _prepare(root: Path, txn: Path, targets: dict[Path, bytes]) -> list[dict]:
    """Steps 1 and 2: the new bytes and the backups, then the journal; data/ is not touched."""
    (txn / "new").mkdir(parents=True)
    (txn / "old").mkdir()
    data = (root / "data").resolve()
    if _device(txn) != _device(data):
        # os.replace cannot move a file across file systems in one step
        _remove(txn)
        raise ManpowerError(
            f"{data} is on another file system than {root}: manpower cannot replace its "
            "tables all at once there; keep data/ in the repository's file system; nothing "
            "was written"
        )
    entries = []
    for n, (target, payload) in enumerate(targets.items()):
        new, old = txn.resolve() / "new" / str(n), txn.resolve() / "old" / str(n)
        with new.open("wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        existed = target.exists()
        if existed:
            _backup(target, old)
        entries.append(
            {
                "target": str(target),
                "new": str(new),
                "old": str(old),
                "existed": existed,
                # what each side looks like, so that recovery can tell which one a table is
                "new_sha256": hashlib.sha256(payload).hexdigest(),
                "old_sha256": sha256_file(old) if existed else None,
            }
        )
    _fsync_dir(txn / "new")
    _fsync_dir(txn / "old")
    _write_durable(txn / JOURNAL, json.dumps(entries).encode("utf-8"))
    return entries


def _state(entry: dict, side: str) -> str | None:
    """How one table reaches ``side`` ("old" or "new"): "done", "move", or None (it cannot)."""
    target = Path(entry["target"])
    if side == "old" and not entry["existed"]:
        return "move"  # remove the table this write created
    if target.is_file() and sha256_file(target) == entry[f"{side}_sha256"]:
        return "done"
    return "move" if Path(entry[side]).is_file() else None


def _possible(entries: list[dict], side: str) -> bool:
    return all(_state(entry, side) is not None for entry in entries)


def _apply(entries: list[dict], side: str) -> None:
    """Bring every table to ``side``. Idempotent: a table already there is left alone."""
    for entry in entries:
        state = _state(entry, side)
        if state == "done":
            continue
        if side == "old" and not entry["existed"]:
            Path(entry["target"]).unlink(missing_ok=True)
        elif state == "move":
            os.replace(entry[side], entry["target"])
    _fsync_dir(Path(entries[0]["target"]).parent)


def _clean(root: Path) -> None:
    """Retire the transaction folder in one rename, then delete it at leisure."""
    done = root / DONE_DIR
    _remove(done)
    os.replace(root / TXN_DIR, done)
    _fsync_dir(root)
    _remove(done)


def _cannot(txn: Path, why: str) -> ManpowerError:
    return ManpowerError(
        f"cannot recover the interrupted write in {txn}: {why}; restore data/ from git "
        f"(git checkout -- data/) and delete {txn}"
    )


_KEYS = {"target", "new", "old", "existed", "new_sha256", "old_sha256"}


def _entries(root: Path, txn: Path) -> list[dict]:
    try:
        entries = json.loads((txn / JOURNAL).read_text(encoding="utf-8"))
        ok = (
            isinstance(entries, list)
            and bool(entries)
            and all(isinstance(e, dict) and _KEYS <= e.keys() for e in entries)
        )
    except (OSError, ValueError):
        ok = False
    if not ok:
        raise _cannot(txn, "its journal is unreadable")
    data = (root / "data").resolve()
    for entry in entries:
        inside = Path(entry["target"]).parent == data and all(
            Path(entry[side]).parent == txn.resolve() / side for side in ("new", "old")
        )
        if not inside:
            raise _cannot(txn, f"its journal names {entry['target']!r}")
    return entries


def recover(root: Path) -> str | None:
    """Resolve an interrupted write to all-old or all-new; say which (None: nothing to do).

    Call under the lock. Without a journal nothing in data/ was replaced yet; with a journal
    but no commit marker the backups are put back; with the marker the write is completed.
    Should a file the preferred way needs be gone (deleted by hand), the other way is taken if
    it can be; nothing is changed unless every table can reach the same side.
    """
    _remove(root / DONE_DIR)  # a finished write's leftovers (or a stray file of that name)
    txn = root / TXN_DIR
    if not _present(txn):
        return None
    if not _is_folder(txn):
        # a file or symbolic link of the transaction's name is no transaction of ours: it is
        # never followed, only removed (nothing of it can have reached data/)
        _remove(txn)
        return STRAY.format(txn=txn)
    if not (txn / JOURNAL).is_file():
        message = DISCARDED
    else:
        entries = _entries(root, txn)
        order = ("new", "old") if (txn / COMMITTED).is_file() else ("old", "new")
        side = next((s for s in order if _possible(entries, s)), None)
        if side is None:
            raise _cannot(txn, "files it needs are missing")
        _apply(entries, side)
        message = ROLLED_FORWARD if side == "new" else ROLLED_BACK
    _clean(root)
    return message
