"""``DataAdapter``: turns a data source into epochs of fixed-size :class:`Batch` es.

A source only says how to start one pass over its data (``_new_stream``) and how to turn an element into NumPy
``(x, y, sample_weight)`` (``_prepare``). The base class adds what every source shares: the fixed batch size
(the source's first batch when it batches itself), class weights, padding with a row mask, splitting a batch
larger than the batch size, and ``steps_per_epoch`` with Keras's semantics: with it, an epoch takes that many
steps and the next epoch continues where the last one stopped (a finite source restarts once exhausted).

>>> from hornet.runtime.data import make_adapter
>>> adapter = make_adapter(np.zeros((10, 3)), np.arange(10), batch_size=4)
>>> [b.num_real for b in adapter]
[4, 4, 2]
"""
from __future__ import annotations

import warnings
from typing import Any, Iterator

from hornet.runtime.data.batch import (
    Batch, class_weight_to_sample_weight, finalize_batch, split_rows, standardize_element,
)
from hornet.runtime.data.structure import map_structure

_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
            "generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` function "
            "when building your dataset.")


class DataAdapter:
    """Base class: iterate it (or call ``iterate_epoch()``) once per epoch to get that epoch's batches.

    Attributes: ``batch_size`` (rows in every batch), ``num_batches`` (steps per epoch, None if unknown).
    Subclasses implement ``_new_stream()`` and, unless they yield ready NumPy triples, ``_prepare()``.
    """

    #: A short description for error messages ("a Python generator", "a tf.data.Dataset", ...).
    source_name = "the data"

    def __init__(self, *, batch_size: int | None = None, steps_per_epoch: int | None = None,
                 class_weight: dict[int, float] | None = None, source_batches: int | None = None,
                 infinite: bool = False):
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, int) or steps_per_epoch < 1):
            raise ValueError(f"`steps_per_epoch` must be a positive integer or None. Received: "
                             f"steps_per_epoch={steps_per_epoch!r}")
        if infinite and steps_per_epoch is None:
            raise ValueError(f"When `x` is {self.source_name} that never ends, you must specify `steps_per_epoch` "
                             "(or `steps` in evaluate/predict): the number of batches that make one epoch.")
        self._batch_size = batch_size
        self.steps_per_epoch = steps_per_epoch
        self.class_weight = class_weight
        self._source_batches = source_batches
        self._stream: Iterator[Batch] | None = None
        self._peeked: list[Batch] = []
        self._first: Batch | None = None
        self._fresh = False  # the current stream has only been peeked at, no epoch consumed from it
        self._passes = 0

    # ---- what sources implement ----
    def _new_stream(self) -> Iterator[Any]:
        """A fresh iterator over one pass of the source's elements."""
        raise NotImplementedError

    def _prepare(self, element: Any, index: int) -> tuple[tuple[Any, Any, Any], int]:
        """One element as NumPy ``((x, y, sample_weight), rows)``."""
        x, y, sw, rows = standardize_element(element, f"batch {index} of {self.source_name}")
        return (x, y, sw), rows

    def on_epoch_begin(self) -> None:
        """Called before each epoch's first batch."""

    def on_epoch_end(self) -> None:
        """Called after each epoch's last batch."""

    # ---- public surface ----
    @property
    def batch_size(self) -> int:
        """Rows in every batch: the requested batch size, or the first batch's size for self-batching sources."""
        if self._batch_size is None:
            self.peek()
        assert self._batch_size is not None
        return self._batch_size

    @property
    def num_batches(self) -> int | None:
        """Steps in one epoch: ``steps_per_epoch`` if given, else the source's count (None when unknown)."""
        return self.steps_per_epoch or self._source_batches

    def peek(self) -> Batch:
        """The first batch (padded), without consuming it: the first epoch still starts with it. Once seen,
        the first batch is kept, so this works after a single-use generator is exhausted too."""
        if self._first is not None:
            return self._first
        if not self._peeked:
            if self._stream is None:
                self._start_stream()
            try:
                self._peeked.append(next(self._stream))  # type: ignore[arg-type]
            except StopIteration:
                raise ValueError(f"{self.source_name[0].upper()}{self.source_name[1:]} yielded no data: "
                                 "there must be at least one batch.") from None
        return self._peeked[0]

    def start_new_pass(self) -> None:
        """Forget the pass begun by ``peek``: the next epoch starts a new one (a new shuffle, drawn then)."""
        self._stream = None
        self._peeked = []

    def peek_spec(self) -> Batch:
        """The structure, shapes and dtypes of the batches, as a Batch of ``hornet.TensorSpec`` leaves with
        the batch dimension None (every real batch has ``batch_size`` rows)."""
        from hornet.ir.tracer import TensorSpec

        def spec(a: Any, _: str) -> Any:
            return TensorSpec((None,) + tuple(a.shape[1:]), a.dtype)

        b = self.peek()
        return Batch(*(map_structure(spec, part, "") for part in b))

    def iterate_epoch(self) -> Iterator[Batch]:
        """The batches of one epoch; ``on_epoch_begin``/``on_epoch_end`` run around them."""
        self.on_epoch_begin()
        try:
            if self.steps_per_epoch is None:
                yield from self._whole_pass()
            else:
                yield from self._limited(self.steps_per_epoch)
        finally:
            self.on_epoch_end()

    def __iter__(self) -> Iterator[Batch]:
        return self.iterate_epoch()

    # ---- machinery ----
    def _start_stream(self) -> None:
        self._stream = self._batches(self._new_stream())
        self._peeked = []
        self._fresh = True
        self._passes += 1

    def _next(self) -> Batch:
        self._fresh = False
        if self._peeked:
            return self._peeked.pop(0)
        assert self._stream is not None
        return next(self._stream)

    def _whole_pass(self) -> Iterator[Batch]:
        if self._stream is None or not self._fresh:
            self._start_stream()
        count = 0
        while True:
            try:
                batch = self._next()
            except StopIteration:
                break
            count += 1
            yield batch
        self._stream = None
        if count == 0 and self._passes > 1:
            warnings.warn(_RAN_OUT, stacklevel=3)
        elif self._source_batches is None and count:
            self._source_batches = count  # learnt: later epochs (and progress bars) know the length

    def _limited(self, steps: int) -> Iterator[Batch]:
        carried = self._stream is not None and not self._fresh  # continuing the previous epoch's pass
        if self._stream is None:
            self._start_stream()
        for step in range(steps):
            try:
                batch = self._next()
            except StopIteration:
                batch = None
                if step == 0 and carried:  # the previous epoch ended exactly at the end of the data
                    self._start_stream()
                    try:
                        batch = self._next()
                    except StopIteration:
                        pass
                if batch is None:
                    warnings.warn(_RAN_OUT, stacklevel=3)
                    self._stream = None
                    return
            yield batch

    def _batches(self, elements: Iterator[Any]) -> Iterator[Batch]:
        """Prepared, class-weighted, split and padded batches from a stream of raw elements."""
        for index, element in enumerate(elements):
            data, rows = self._prepare(element, index)
            if rows == 0:
                continue
            if self._batch_size is None:
                self._batch_size = rows
            if self.class_weight is not None:
                x, y, sw = data
                data = (x, y, class_weight_to_sample_weight(y, self.class_weight, sw))
            for chunk, n in split_rows(data, rows, self._batch_size):
                batch = finalize_batch(chunk, self._batch_size, n)
                if self._first is None:
                    self._first = batch
                yield batch


__all__ = ["DataAdapter"]
