"""Write a file so that its path always holds the old or the new content, never a torn one.

The data goes to a temporary file beside the target (named after the target and the writing process), is
flushed and fsynced, then renamed over the target, and the directory is fsynced so the rename survives a power
loss. The new file gets the mode a plain ``open(path, "w")`` would give: the existing file's mode when it
overwrites one, else ``0o666`` less the umask. Temporary files left by a killed save of the same target (their
process is gone) are removed by the next save.

>>> write_atomically("m.bin", lambda f: f.write(b"data"))          # doctest: +SKIP
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
import threading
import time
from typing import BinaryIO, Callable

_SUFFIX = ".hornet-tmp"
_STALE_AFTER_S = 24 * 3600  # a temp of a live process on another host is left alone for a day
_UMASK_LOCK = threading.Lock()


def write_atomically(filepath: str, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(f)`` on a temporary file, then atomically replace ``filepath`` with it."""
    filepath = os.path.abspath(os.fspath(filepath))
    directory, base = os.path.split(filepath)
    remove_stale_temps(filepath)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.{os.getpid()}.", suffix=_SUFFIX, dir=directory)
    try:
        os.fchmod(fd, _mode_for(filepath))
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
        _fsync_directory(directory)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def remove_stale_temps(filepath: str) -> list[str]:
    """Delete temporaries of earlier saves of ``filepath`` whose writing process no longer runs."""
    directory, base = os.path.split(os.path.abspath(filepath))
    pattern = re.compile(re.escape(f".{base}.") + r"(\d+)\.[^/]*" + re.escape(_SUFFIX) + "$")
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if match is None:
            continue
        path = os.path.join(directory, name)
        try:
            age = time.time() - os.stat(path).st_mtime
            if _process_alive(int(match.group(1))) and age < _STALE_AFTER_S:
                continue
            os.unlink(path)
            removed.append(path)
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # maybe a save of the same target in another thread
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def _mode_for(filepath: str) -> int:
    try:
        return stat.S_IMODE(os.stat(filepath).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # no way to read the umask without setting it elsewhere
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # e.g. a platform without directory file descriptors
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["write_atomically", "remove_stale_temps"]
