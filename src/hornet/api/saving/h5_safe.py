"""Reading an HDF5 weights file as untrusted data: every dataset, checked before a byte of it is read.

The whole file is walked once, link by link, without following anything but hard links inside the file:
external links, soft links and user-defined links are refused (no other file is ever opened because the file
says so), as are virtual datasets and datasets with external raw storage. A group or dataset reached twice (an
alias or a cycle) is refused. Datasets must hold numbers (bool, integer or float, or Keras's tagged bfloat16),
use only HDF5's built-in filters (an unknown filter would make HDF5 look for a plugin library), and declare no
more bytes than their storage plausibly expands to. Every refusal is a :class:`ModelFileError` naming the file
and the H5 path.

>>> tree = read_h5("m.weights.h5")                       # doctest: +SKIP
>>> tree["layers/dense/vars"]["0"].shape
(4, 3)
"""
from __future__ import annotations

import io
import math
import os
from typing import Any

import numpy as np

from hornet.api.saving.file_errors import ModelFileError, short

MAX_OBJECTS = 1 << 20
MAX_DEPTH = 64
MAX_EXPANSION = 1000  # declared bytes per stored byte of a chunked (compressed) dataset
_EXPANSION_FREE = 1 << 16  # small datasets (a fill value) may expand further
_BUILTIN_FILTERS = {1, 2, 3, 4, 5, 6, 32000}  # deflate, shuffle, fletcher32, szip, nbit, scaleoffset, lzf
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_NAME_ATTRIBUTES = ("layer_names", "weight_names")


def require_h5py() -> Any:
    """The h5py module, or an ImportError saying what needs it."""
    try:
        import h5py
    except ImportError:
        raise ImportError("reading and writing Keras's .weights.h5 and .keras files needs h5py: pip install h5py") \
            from None
    return h5py


def read_h5(source: str | bytes, file: str | None = None,
            member: str | None = None) -> dict[str, dict[str, np.ndarray]]:
    """``{group path: {dataset name: array}}`` for every group that holds datasets, after checking the whole file.

    ``source`` is a path or the file's bytes (a member of an archive); ``file`` and ``member`` name it in errors.
    """
    return read_h5_with_names(source, file, member)[0]


def read_h5_with_names(source: str | bytes, file: str | None = None, member: str | None = None
                       ) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, dict[str, list[str]]]]:
    """``read_h5``'s tree, and the name lists Keras 2 files keep in attributes: ``{group path: {"layer_names" or
    "weight_names": [str, ...]}}`` (the order of layers and of each layer's weights)."""
    file = file if file is not None else (source if isinstance(source, str) else None)
    if isinstance(source, (bytes, bytearray)):
        head = bytes(source[:8])
    else:
        try:
            with open(source, "rb") as f:
                head = f.read(8)
        except OSError as e:
            raise ModelFileError(f"can't be read ({e.strerror or e})", file=file, member=member) from None
    if head != _HDF5_SIGNATURE:
        raise ModelFileError("not an HDF5 file (it does not start with the HDF5 signature)", file=file,
                             member=member)
    h5py = require_h5py()
    try:
        handle = h5py.File(io.BytesIO(bytes(source)) if isinstance(source, (bytes, bytearray)) else source, "r")
    except (OSError, ValueError, RuntimeError) as e:
        raise ModelFileError(f"not a readable HDF5 file ({short(str(e), 200)})", file=file, member=member) from None
    size = len(source) if isinstance(source, (bytes, bytearray)) else os.path.getsize(source)
    try:
        return _Walk(h5py, file, member, size).run(handle)
    except ModelFileError:
        raise
    except (OSError, ValueError, RuntimeError, KeyError, TypeError, IndexError, OverflowError) as e:
        raise ModelFileError(f"the HDF5 file is corrupt ({type(e).__name__}: {short(str(e), 200)})", file=file,
                             member=member) from None
    finally:
        try:
            handle.close()
        except Exception:  # a corrupt file may fail to close cleanly; nothing is left to protect
            pass


class _Walk:
    def __init__(self, h5py: Any, file: str | None, member: str | None, size: int):
        self.h5py, self.file, self.member, self.size = h5py, file, member, size
        self.seen: set[Any] = set()
        self.count = 0
        self.out: dict[str, dict[str, np.ndarray]] = {}
        self.names: dict[str, dict[str, list[str]]] = {}

    def fail(self, message: str, path: str) -> ModelFileError:
        return ModelFileError(message, file=self.file, member=self.member, path=f"/{path}")

    def run(self, handle: Any) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, dict[str, list[str]]]]:
        self.group(handle, "", 0)
        return self.out, self.names

    def name_lists(self, group: Any, path: str) -> None:
        for key in _NAME_ATTRIBUTES:
            if key not in group.attrs:
                continue
            value = np.asarray(group.attrs[key])
            if value.size == 0:  # Keras writes an empty list as an empty float array
                self.names.setdefault(path, {})[key] = []
                continue
            if value.dtype.kind not in "SUO" or value.ndim != 1 or value.size > MAX_OBJECTS:
                raise self.fail(f"attribute {key} must be a list of names, got {value.dtype} {value.shape}", path)
            names = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in value.tolist()]
            if any(len(n) > 1024 for n in names):
                raise self.fail(f"attribute {key} holds a name longer than 1024 characters", path)
            self.names.setdefault(path, {})[key] = names

    def group(self, group: Any, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise self.fail(f"groups nest more than {MAX_DEPTH} deep", path)
        self.name_lists(group, path)
        for name in list(group.keys()):
            child = f"{path}/{name}" if path else name
            self.count += 1
            if self.count > MAX_OBJECTS:
                raise self.fail(f"the file holds more than {MAX_OBJECTS} objects", child)
            if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
                raise self.fail(f"invalid link name {short(name)}", child)
            link = group.get(name, getlink=True)
            if isinstance(link, self.h5py.ExternalLink):
                raise self.fail(f"external links are not allowed (it points to {short(link.filename, 120)}); "
                                "no other file is opened", child)
            if isinstance(link, self.h5py.SoftLink):
                raise self.fail(f"soft links are not allowed (it points to {short(link.path, 120)})", child)
            if link is None:
                raise self.fail("the link can't be resolved (the file is corrupt)", child)
            if not isinstance(link, self.h5py.HardLink):
                raise self.fail(f"links of type {type(link).__name__} are not allowed", child)
            obj = group[name]
            key = (obj.id.fileno, self.h5py.h5o.get_info(obj.id).addr)
            if key in self.seen:
                raise self.fail("the object is linked more than once (an alias or a cycle)", child)
            self.seen.add(key)
            if isinstance(obj, self.h5py.Group):
                self.group(obj, child, depth + 1)
            elif isinstance(obj, self.h5py.Dataset):
                self.out.setdefault(path, {})[name] = self.dataset(obj, child)
            else:
                raise self.fail(f"unexpected HDF5 object {type(obj).__name__}", child)

    def dataset(self, ds: Any, path: str) -> np.ndarray:
        if ds.is_virtual:
            raise self.fail("virtual datasets are not allowed (they read from other files)", path)
        if ds.external:
            raise self.fail("datasets stored in external files are not allowed", path)
        plist = ds.id.get_create_plist()
        for i in range(plist.get_nfilters()):
            code = plist.get_filter(i)[0]
            if code not in _BUILTIN_FILTERS:
                raise self.fail(f"the dataset uses HDF5 filter {code}, which is not built in (reading it would "
                                "load a plugin)", path)
        dtype = self.numeric_dtype(ds, path)
        shape = ds.shape
        if shape is None:
            raise self.fail("the dataset has no shape (a null dataspace)", path)
        declared = math.prod(shape) * dtype.itemsize
        stored = ds.id.get_storage_size()
        if stored > self.size:
            raise self.fail(f"the dataset claims {stored} stored bytes, more than the file's {self.size}", path)
        if ds.chunks is None and ds.compression is None:
            if stored and stored < declared:
                raise self.fail(f"the dataset declares {declared} bytes but stores {stored}", path)
        if declared > _EXPANSION_FREE and declared > MAX_EXPANSION * stored:
            raise self.fail(f"the dataset declares shape {tuple(shape)} ({declared} bytes) but stores only "
                            f"{stored} bytes: refused as a decompression or shape bomb", path)
        try:
            array = np.empty(shape, dtype=ds.dtype)
            if array.size:
                ds.read_direct(array)
        except MemoryError:
            raise self.fail(f"the dataset of shape {tuple(shape)} does not fit in memory", path) from None
        if dtype is not ds.dtype and dtype != ds.dtype:
            array = array.view(dtype)
        return array

    def numeric_dtype(self, ds: Any, path: str) -> np.dtype:
        dtype = ds.dtype
        if dtype.kind in "biuf" and dtype.itemsize <= 8 and not dtype.fields and not dtype.subdtype:
            return dtype
        if dtype.itemsize == 2 and dtype.kind in "Vu" and not dtype.fields and self.tagged_bfloat16(ds):
            import ml_dtypes

            return np.dtype(ml_dtypes.bfloat16)
        raise self.fail(f"the dataset holds {dtype} values; a weight must be bool, integer or float", path)

    @staticmethod
    def tagged_bfloat16(ds: Any) -> bool:
        try:
            tag = ds.attrs.get("dtype")
        except (OSError, ValueError, TypeError, KeyError):
            return False
        if isinstance(tag, bytes):
            tag = tag.decode("ascii", "replace")
        return tag == "bfloat16"


__all__ = ["read_h5", "require_h5py", "MAX_OBJECTS", "MAX_EXPANSION"]
