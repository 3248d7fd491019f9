"""Which process this is in a multi-process run (``hornet.distribution.initialize``): logs, progress bars and
files are written by process 0 only, so a job launched on every host writes them once.

>>> is_chief()                                # one process: always True
True
"""
from __future__ import annotations

from typing import Any

from hornet.ir.errors import HornetError
from hornet.runtime.backend import Backend, current_backend


def process_support(backend: Backend | None = None) -> Any | None:
    """The backend's ``sharding()`` support when this run spans several processes, else None (one process, or
    a backend that cannot shard)."""
    try:
        support = (backend or current_backend()).sharding()
    except HornetError:
        return None
    return support if support.process_count() > 1 else None


def process_index(backend: Backend | None = None) -> int:
    """This process's index (0 on one process).

    >>> process_index()
    0
    """
    support = process_support(backend)
    return 0 if support is None else int(support.process_index())


def is_chief(backend: Backend | None = None) -> bool:
    """Whether this process writes logs and files: process 0, or the only one.

    >>> is_chief()
    True
    """
    return process_index(backend) == 0


__all__ = ["process_support", "process_index", "is_chief"]
