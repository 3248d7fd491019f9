"""``CSVLogger``: write each epoch's logs as a row of a CSV file.

>>> model.fit(x, y, epochs=3, callbacks=[CSVLogger("training.log")])        # doctest: +SKIP
"""
from __future__ import annotations

import csv
import os
from typing import Any, IO

import numpy as np


from hornet.api.callbacks.callback import Callback
from hornet.runtime.processes import is_chief


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value
    if hasattr(value, "__iter__"):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """One row per epoch: ``epoch`` then the logged names in sorted order.

    Args:
        filename: the CSV file.
        separator: the field separator.
        append: append to an existing file (its header is kept) instead of overwriting it.

    Columns are fixed by the first epoch; when it has no validation values, ``val_`` columns are added
    anyway (filled with ``NA``), as Keras does, so a later validation run fits the same header.
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: csv.DictWriter | None = None
        self.keys: list[str] | None = None
        self.append_header = True
        self.csv_file: IO[str] | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not is_chief():  # a multi-process run writes the file once, from process 0
            return
        mode = "w"
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not f.readline()
            mode = "a"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if not is_chief():
            return
        if self.csv_file is None or self.csv_file.closed:
            raise RuntimeError("CSVLogger.on_epoch_end was called before on_train_begin opened the file "
                               f"{self.filename!r}")
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            dialect = type("HornetCSVDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys], dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
