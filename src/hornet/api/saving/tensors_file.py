"""Named arrays in the safetensors format (an 8-byte little-endian header length, a JSON header, raw data),
read and written here with strict checks: a corrupt or hostile file gives a clear error, never a crash or code.

>>> data = dump({"w": np.ones((2, 2), "float32")}, {"note": "x"})
>>> arrays, meta = parse(data)
>>> arrays["w"].shape, meta
((2, 2), {'note': 'x'})
"""
from __future__ import annotations

import json
import struct
from typing import Any

import ml_dtypes
import numpy as np

_CODES = {"BOOL": np.dtype(bool), "U8": np.dtype(np.uint8), "I8": np.dtype(np.int8), "I16": np.dtype(np.int16),
          "U16": np.dtype(np.uint16), "I32": np.dtype(np.int32), "U32": np.dtype(np.uint32),
          "I64": np.dtype(np.int64), "U64": np.dtype(np.uint64), "F16": np.dtype(np.float16),
          "BF16": np.dtype(ml_dtypes.bfloat16), "F32": np.dtype(np.float32), "F64": np.dtype(np.float64)}
_NAMES = {v: k for k, v in _CODES.items()}
_MAX_HEADER = 100 * 1024 * 1024


class TensorsFileError(ValueError):
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


def parse(data: bytes, what: str = "weights file") -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The arrays (copies) and metadata of a safetensors blob."""
    if len(data) < 8:
        raise TensorsFileError(f"{what}: too short to be a safetensors file ({len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(_MAX_HEADER, len(data) - 8):
        raise TensorsFileError(f"{what}: header length {n} exceeds the file size ({len(data)} bytes)")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise TensorsFileError(f"{what}: the header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise TensorsFileError(f"{what}: the header is not a JSON object")
    body = memoryview(data)[8 + n:]
    metadata = header.pop("__metadata__", {}) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise TensorsFileError(f"{what}: __metadata__ must map strings to strings")
    arrays: dict[str, np.ndarray] = {}
    for name, info in header.items():
        try:
            dtype = _CODES[info["dtype"]]
            shape = tuple(int(d) for d in info["shape"])
            start, end = (int(o) for o in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise TensorsFileError(f"{what}: malformed entry for tensor '{name}': {str(info)[:200]}") from None
        if any(d < 0 for d in shape) or not 0 <= start <= end <= len(body):
            raise TensorsFileError(f"{what}: tensor '{name}' has offsets [{start}, {end}] outside the data "
                                   f"({len(body)} bytes) or a negative dim {shape}")
        size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if end - start != size:
            raise TensorsFileError(f"{what}: tensor '{name}' of shape {shape} and dtype {info['dtype']} needs {size} "
                                   f"bytes but has {end - start}")
        arrays[name] = np.frombuffer(body[start:end], dtype=dtype).reshape(shape).copy()
    return arrays, {str(k): v for k, v in metadata.items()}


__all__ = ["dump", "parse", "TensorsFileError"]
