"""The data folder: held by one node at a time (an advisory lock) and private to its owner.

The folder holds the replica (password hashes, sealed secrets), the keys that open them and
the root credentials, so nobody but the node's own user may read any of it: the folder is
0700 and every file in it 0600, whatever the umask, and a folder that exists already is
tightened when the node starts. Two nodes on one folder would both write the same SQLite
file under different node ids (corrupting each other's commits), so the first node takes an
exclusive `flock` on `DATA_DIR/lock` for its whole life and any other is refused.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

LOCK_NAME = "lock"
FOLDER_MODE = 0o700
FILE_MODE = 0o600


class DataDirError(Exception):
    """The data folder cannot be used: in use by another node, or not ours to make private."""


class DataDirInUse(DataDirError):
    """Another node (another process, or another node in this one) holds the folder's lock."""


def open_private(path: Path, flags: int) -> int:
    """Opens `path` (created 0600 when missing) and makes sure it is 0600, whatever the umask.

    Never follows a symbolic link: a link planted in the folder cannot redirect a write.
    """
    fd = os.open(path, flags | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_private(path: Path, data: bytes) -> None:
    """Replaces `path` with `data` through a 0600 temporary file and a rename (never half
    written, never readable by others)."""
    temporary = path.with_name(path.name + ".tmp")
    fd = open_private(temporary, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def make_private(folder: Path) -> None:
    """Sets `folder` and every folder below it to 0700 and every file to 0600.

    Symbolic links inside are neither followed nor changed: whatever they point to is not
    ours. `folder` itself may be a link (an operator's choice of where the data lives).
    """
    os.chmod(folder, FOLDER_MODE)
    for root, folders, files in os.walk(folder, followlinks=False):
        for name in folders:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, FOLDER_MODE, follow_symlinks=False)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, FILE_MODE, follow_symlinks=False)


class DataDirLock:
    """The exclusive hold on one data folder, from `claim` until `release` (or process exit:
    the kernel drops a `flock` with its last descriptor, so a crashed node leaves no stale lock).
    """

    def __init__(self, folder: Path, fd: int) -> None:
        self.folder = folder
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor releases the lock

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def claim(folder: Path) -> DataDirLock:
    """Creates `folder` if needed, locks it for this node and makes it and its files private.

    Raises DataDirInUse when another node holds it (nothing in the folder is touched then) and
    DataDirError when it cannot be made private (e.g. a folder owned by another user).
    """
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        fd = open_private(folder / LOCK_NAME, os.O_RDWR)
    except OSError as err:
        raise DataDirError(f"cannot use data folder `{folder}`: {err.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise DataDirInUse(
            f"data folder `{folder}` is in use by another node (process {holder}); "
            "stop it first, or give this node its own --data-dir"
        ) from None
    except BaseException:
        os.close(fd)
        raise
    lock = DataDirLock(folder, fd)
    try:
        # The holder's process id, for the message above (informative only: the lock decides).
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        make_private(folder)
    except OSError as err:
        lock.release()
        raise DataDirError(f"cannot make data folder `{folder}` private: {err.strerror}") from None
    except BaseException:
        lock.release()
        raise
    return lock
