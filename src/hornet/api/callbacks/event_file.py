"""A TensorBoard event-file writer in plain Python (no TensorFlow, no protobuf library).

An event file is a sequence of TFRecords (length, masked CRC-32C of the length, payload, masked CRC-32C of the
payload); each payload is a serialized ``tensorflow.Event`` protobuf. The few messages needed (Event, Summary,
Summary.Value, TensorProto, SummaryMetadata, HistogramProto) are encoded by hand here.

>>> writer = EventFileWriter("logs/train")                 # doctest: +SKIP
>>> writer.add_scalar("epoch_loss", 0.25, step=0); writer.close()   # doctest: +SKIP
"""
from __future__ import annotations

import itertools
import os
import socket
import struct
import time
from typing import Any

import numpy as np


def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), as TFRecord framing uses."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(payload: bytes) -> bytes:
    """One TFRecord: the framing around ``payload``."""
    length = struct.pack("<Q", len(payload))
    return length + struct.pack("<I", masked_crc32c(length)) + payload + struct.pack("<I", masked_crc32c(payload))


# -- protobuf wire format ---------------------------------------------------------------------------------------
def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64 values take ten bytes, two's complement
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint((field << 3) | wire_type)


def _int_field(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _double_field(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", value)


def _float_field(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", value)


def _bytes_field(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value


def _packed_doubles(field: int, values: Any) -> bytes:
    return _bytes_field(field, np.asarray(values, dtype="<f8").tobytes())


_DT_FLOAT = 1
_DATA_CLASS_SCALAR = 1


def scalar_value(tag: str, value: float) -> bytes:
    """A Summary.Value holding a float32 scalar tensor tagged for the scalars plugin (what tf.summary.scalar writes)."""
    tensor = (_int_field(1, _DT_FLOAT) + _bytes_field(2, b"")
              + _bytes_field(5, struct.pack("<f", value)))                  # dtype, shape (scalar), float_val
    metadata = _bytes_field(1, _bytes_field(1, b"scalars")) + _int_field(4, _DATA_CLASS_SCALAR)
    return _bytes_field(1, tag.encode()) + _bytes_field(8, tensor) + _bytes_field(9, metadata)


def histogram_value(tag: str, values: Any, buckets: int = 30) -> bytes:
    """A Summary.Value holding a HistogramProto of ``values`` (TensorBoard's histograms plugin reads it)."""
    data = np.asarray(values, dtype=np.float64).ravel()
    if data.size == 0:
        lo = hi = 0.0
        limits, counts = np.array([0.0]), np.array([0.0])
    else:
        lo, hi = float(data.min()), float(data.max())
        counts, edges = np.histogram(data, bins=buckets, range=(lo, hi) if hi > lo else (lo - 0.5, lo + 0.5))
        limits = edges[1:]
    histo = (_double_field(1, lo) + _double_field(2, hi) + _double_field(3, float(data.size))
             + _double_field(4, float(data.sum())) + _double_field(5, float(np.square(data).sum()))
             + _packed_doubles(6, limits) + _packed_doubles(7, counts))
    return _bytes_field(1, tag.encode()) + _bytes_field(5, histo)


def event(step: int, wall_time: float, *, summary_values: list[bytes] | None = None,
          file_version: str | None = None) -> bytes:
    """A serialized Event: ``wall_time``, ``step`` and either a file version or a Summary."""
    out = _double_field(1, wall_time) + _int_field(2, int(step))
    if file_version is not None:
        out += _bytes_field(3, file_version.encode())
    if summary_values:
        out += _bytes_field(5, b"".join(_bytes_field(1, v) for v in summary_values))
    return out


_file_ids = itertools.count()


class EventFileWriter:
    """Appends events to a new ``events.out.tfevents.*`` file in ``logdir`` (created if missing).

    >>> w = EventFileWriter("/tmp/tb/train")                    # doctest: +SKIP
    >>> w.add_scalar("epoch_loss", 0.5, step=0); w.flush()   # doctest: +SKIP
    """

    def __init__(self, logdir: str | os.PathLike):
        self.logdir = os.fspath(logdir)
        os.makedirs(self.logdir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_file_ids)}.v2")
        self.path = os.path.join(self.logdir, name)
        self._file = open(self.path, "wb")
        self._write(event(0, time.time(), file_version="brain.Event:2"))
        self.flush()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def _write(self, payload: bytes) -> None:
        if self._file.closed:
            raise ValueError(f"EventFileWriter: {self.path} is closed")
        self._file.write(tfrecord(payload))

    def add_scalar(self, tag: str, value: float, step: int, wall_time: float | None = None) -> None:
        self._write(event(step, wall_time or time.time(), summary_values=[scalar_value(tag, float(value))]))

    def add_histogram(self, tag: str, values: Any, step: int, wall_time: float | None = None) -> None:
        self._write(event(step, wall_time or time.time(), summary_values=[histogram_value(tag, values)]))

    def flush(self) -> None:
        if not self._file.closed:
            self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
