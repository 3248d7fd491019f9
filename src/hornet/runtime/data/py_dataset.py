"""``PyDataset`` (alias ``Sequence``): a dataset written in Python, indexed by batch, with Keras 3 semantics.

>>> class Squares(PyDataset):
...     def __init__(self, n, batch_size, **kwargs):
...         super().__init__(**kwargs)
...         self.n, self.batch_size = n, batch_size
...     def __len__(self):
...         return -(-self.n // self.batch_size)
...     def __getitem__(self, idx):
...         x = np.arange(idx * self.batch_size, min((idx + 1) * self.batch_size, self.n), dtype="float32")
...         return x[:, None], x[:, None] ** 2
>>> len(Squares(10, 4)), Squares(10, 4)[2][0].shape
(3, (2, 1))
"""
from __future__ import annotations

import collections
import itertools
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Iterable, Iterator


class PyDataset:
    """Base class for a dataset of batches: implement ``__getitem__(index)`` (returning a whole batch: ``x``,
    ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``) and ``__len__`` (the number of batches), or a
    ``num_batches`` property returning None for an infinite dataset. ``on_epoch_begin``/``on_epoch_end`` run
    around every epoch.

    ``workers`` > 1 fetches batches on that many threads (in order, at most ``max_queue_size`` ahead).
    ``use_multiprocessing`` is accepted for Keras compatibility; hornet always uses threads, which keeps the
    data on the host process with the compiled step (NumPy and most I/O release the GIL).
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self) -> None:
        missing = [n for n in ("_workers", "_use_multiprocessing", "_max_queue_size") if not hasattr(self, n)]
        if missing:
            self._workers = getattr(self, "_workers", 1)
            self._use_multiprocessing = getattr(self, "_use_multiprocessing", False)
            self._max_queue_size = getattr(self, "_max_queue_size", 10)
            warnings.warn("Your `PyDataset` class should call `super().__init__(**kwargs)` in its constructor. "
                          "`**kwargs` can include `workers`, `use_multiprocessing`, `max_queue_size`. Do not pass "
                          "these arguments to `fit()`, as they will be ignored.", stacklevel=3)

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """The batch at position ``index``."""
        raise NotImplementedError

    @property
    def num_batches(self) -> int | None:
        """The number of batches, or None for an infinite dataset (defaults to ``len(self)``)."""
        if hasattr(self, "__len__"):
            return len(self)  # type: ignore[arg-type]
        raise NotImplementedError("You need to implement the `num_batches` property:\n\n"
                                  "@property\ndef num_batches(self):\n  return ...")

    def __iter__(self) -> Iterator[Any]:
        try:
            n = self.num_batches
        except NotImplementedError:
            n = None
        indices: Iterable[int] = itertools.count() if n is None else range(n)
        for i in indices:
            yield self[i]

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


Sequence = PyDataset


def fetch_in_order(fetch: Callable[[int], Any], indices: Iterable[int], workers: int,
                   max_queue_size: int) -> Iterator[Any]:
    """``fetch(i)`` for each index, computed on ``workers`` threads up to ``max_queue_size`` ahead, yielded
    in order. Closing the iterator cancels what is still queued."""
    if workers <= 1:
        for i in indices:
            yield fetch(i)
        return
    pending: collections.deque[Future] = collections.deque()
    it = iter(indices)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hornet-pydataset")
    try:
        for i in itertools.islice(it, max(max_queue_size, workers)):
            pending.append(pool.submit(fetch, i))
        while pending:
            result = pending.popleft().result()
            for i in itertools.islice(it, 1):
                pending.append(pool.submit(fetch, i))
            yield result
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


__all__ = ["PyDataset", "Sequence", "fetch_in_order"]
