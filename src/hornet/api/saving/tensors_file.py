"""Named arrays in the safetensors format (an 8-byte little-endian header length, a JSON header, raw data),
read and written here with strict checks: a corrupt or hostile file gives a clear error, never a crash or code.

>>> data = dump({"w": np.ones((2, 2), "float32")}, {"note": "x"})
>>> arrays, meta = parse(data)
>>> arrays["w"].shape, meta
((2, 2), {'note': 'x'})
"""
from __future__ import annotations

import json
import math
import struct
from typing import Any

import ml_dtypes
import numpy as np

from hornet.api.saving import json_data
from hornet.api.saving.file_errors import ModelFileError, short

_CODES = {"BOOL": np.dtype(bool), "U8": np.dtype(np.uint8), "I8": np.dtype(np.int8), "I16": np.dtype(np.int16),
          "U16": np.dtype(np.uint16), "I32": np.dtype(np.int32), "U32": np.dtype(np.uint32),
          "I64": np.dtype(np.int64), "U64": np.dtype(np.uint64), "F16": np.dtype(np.float16),
          "BF16": np.dtype(ml_dtypes.bfloat16), "F32": np.dtype(np.float32), "F64": np.dtype(np.float64)}
_NAMES = {v: k for k, v in _CODES.items()}
_MAX_HEADER = 100 * 1024 * 1024
_MAX_TENSORS = 1_000_000
_MAX_RANK = 64


class TensorsFileError(ModelFileError):
    """A safetensors blob that can't be read."""


def dump(arrays: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> bytes:
    header: dict[str, Any] = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks, offset = [], 0
    for name, array in arrays.items():
        a = np.asarray(array)  # (np.ascontiguousarray would make a 0-d array 1-d)
        if a.dtype not in _NAMES:
            raise TypeError(f"can't save array '{name}' of dtype {a.dtype}")
        raw = np.ascontiguousarray(a).tobytes()
        header[name] = {"dtype": _NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def parse(data: bytes, file: str | None = None, member: str | None = None
          ) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The arrays (copies) and metadata of a safetensors blob, checked as the format requires: known dtypes,
    integer shapes, unique names, and data offsets that tile the data exactly (no gaps, overlaps or slack)."""
    def fail(message: str, path: str | None = None) -> TensorsFileError:
        return TensorsFileError(message, file=file, member=member, path=path)

    if len(data) < 8:
        raise fail(f"too short to be a safetensors file ({len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(_MAX_HEADER, len(data) - 8):
        raise fail(f"header length {n} exceeds the file size ({len(data)} bytes)")
    try:
        header = json_data.loads(data[8:8 + n], file=file, member=member)
    except ModelFileError as e:
        raise fail(f"the header {e.reason}", e.path) from None
    if not isinstance(header, dict):
        raise fail("the header is not a JSON object")
    body = memoryview(data)[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise fail("__metadata__ must map strings to strings")
    if len(header) > _MAX_TENSORS:
        raise fail(f"the header lists {len(header)} tensors (the limit is {_MAX_TENSORS})")
    spans: list[tuple[int, int, str]] = []
    layout: dict[str, tuple[np.dtype, tuple[int, ...], int, int]] = {}
    for name, info in header.items():
        where = f"$[{json.dumps(name[:60])}]"
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise fail(f"malformed entry for tensor {short(name)}: expected the keys dtype, shape and data_offsets, "
                       f"got {short(info, 200)}", where)
        dtype = _CODES.get(info["dtype"]) if isinstance(info["dtype"], str) else None
        if dtype is None:
            raise fail(f"malformed entry for tensor {short(name)}: unknown dtype {short(info['dtype'])} (known: "
                       f"{', '.join(_CODES)})", f"{where}.dtype")
        shape, offsets = info["shape"], info["data_offsets"]
        if not _ints(shape, _MAX_RANK) or any(d < 0 for d in shape):
            raise fail(f"malformed entry for tensor {short(name)}: the shape must be a list of at most {_MAX_RANK} "
                       f"non-negative integers, got {short(shape)}", f"{where}.shape")
        if not _ints(offsets, 2) or len(offsets) != 2:
            raise fail(f"malformed entry for tensor {short(name)}: data_offsets must be two integers, got "
                       f"{short(offsets)}", f"{where}.data_offsets")
        start, end = offsets
        if not 0 <= start <= end <= len(body):
            raise fail(f"tensor {short(name)} has offsets [{start}, {end}] outside the data ({len(body)} bytes)",
                       f"{where}.data_offsets")
        size = math.prod(shape) * dtype.itemsize  # Python ints: no overflow for huge shapes
        if end - start != size:
            raise fail(f"tensor {short(name)} of shape {tuple(shape)} and dtype {info['dtype']} needs {size} bytes "
                       f"but has {end - start}", f"{where}.data_offsets")
        spans.append((start, end, name))
        layout[name] = (dtype, tuple(shape), start, end)
    _check_tiling(spans, len(body), fail)
    arrays = {name: np.frombuffer(body[start:end], dtype=dtype).reshape(shape).copy()
              for name, (dtype, shape, start, end) in layout.items()}
    return arrays, {str(k): v for k, v in metadata.items()}


def _ints(value: Any, max_len: int) -> bool:
    return (isinstance(value, list) and len(value) <= max_len
            and all(isinstance(d, int) and not isinstance(d, bool) for d in value))


def _check_tiling(spans: list[tuple[int, int, str]], body_size: int, fail: Any) -> None:
    """The tensors' byte ranges, in order, cover the data exactly once (as the safetensors format requires)."""
    position = 0
    for start, end, name in sorted(spans):
        if start != position:
            what = "overlaps the tensor before it" if start < position else f"leaves a gap of {start - position} bytes"
            raise fail(f"tensor {short(name)} at offsets [{start}, {end}] {what}; the data is not laid out as one "
                       "contiguous block")
        position = end
    if position != body_size:
        raise fail(f"the tensors cover {position} bytes but the data holds {body_size}: {body_size - position} bytes "
                   "belong to no tensor")


__all__ = ["dump", "parse", "TensorsFileError"]
