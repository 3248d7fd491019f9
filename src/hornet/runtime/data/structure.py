"""Nested input structures on the host: converting user data to NumPy, dtype rules, row counts.

A structure is an array leaf, ``None``, a tuple (lists become tuples) or a dict (key order kept). Every leaf
is a NumPy array with a leading sample axis. Paths such as ``x['image']`` or ``y[1]`` name leaves in errors.

>>> to_numpy_structure({"a": [[1.0, 2.0]], "b": np.zeros((1, 3))}, "x")["a"].dtype
dtype('float32')
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

# Dtypes hornet has no type for, and what they become on the way in.
_WIDEN = {np.dtype("uint16"): np.dtype("int32"), np.dtype("uint64"): np.dtype("int64")}
_FLOATX = np.dtype("float32")  # Keras casts every non-floatx float input to floatx


def module_of(obj: Any) -> str:
    """The top-level package an object's type comes from ("numpy", "pandas", "torch", ...)."""
    return type(obj).__module__.split(".")[0]


def is_array_like(obj: Any) -> bool:
    """True for arrays and tensors of any framework (not for plain lists or Python scalars)."""
    if isinstance(obj, np.ndarray):
        return True
    if module_of(obj) in ("pandas", "torch", "tensorflow", "jax", "jaxlib", "hornet"):
        return hasattr(obj, "shape")
    return hasattr(obj, "__array__") and hasattr(obj, "shape")


def _holds_arrays(obj: Any) -> bool:
    """Whether a (possibly nested) list/tuple contains arrays or dicts, i.e. is a structure of inputs."""
    if isinstance(obj, dict) or is_array_like(obj):
        return True
    if isinstance(obj, (list, tuple)):
        return any(_holds_arrays(o) for o in obj)
    return False


def map_structure(fn: Callable[[Any, str], Any], tree: Any, path: str) -> Any:
    """Apply ``fn(leaf, path)`` to every non-None leaf; lists become tuples, dicts keep their key order."""
    if tree is None:
        return None
    if isinstance(tree, dict):
        return {k: map_structure(fn, v, f"{path}[{k!r}]") for k, v in tree.items()}
    if isinstance(tree, (list, tuple)) and not hasattr(tree, "_fields"):
        return tuple(map_structure(fn, v, f"{path}[{i}]") for i, v in enumerate(tree))
    return fn(tree, path)


def leaves_with_paths(tree: Any, path: str) -> Iterator[tuple[str, Any]]:
    """``(path, leaf)`` for every non-None leaf, in structure order."""
    out: list[tuple[str, Any]] = []
    map_structure(lambda leaf, p: out.append((p, leaf)), tree, path)
    return iter(out)


def to_numpy_structure(tree: Any, path: str) -> Any:
    """Convert a user structure to NumPy leaves. A list of numbers (or of lists of numbers) is one array;
    a list holding arrays is a structure of several inputs."""
    if tree is None:
        return None
    if isinstance(tree, dict):
        return {k: to_numpy_structure(v, f"{path}[{k!r}]") for k, v in tree.items()}
    if isinstance(tree, (list, tuple)) and not hasattr(tree, "_fields") and _holds_arrays(tree):
        return tuple(to_numpy_structure(v, f"{path}[{i}]") for i, v in enumerate(tree))
    return to_numpy(tree, path)


def to_numpy(x: Any, path: str) -> np.ndarray:
    """One leaf as a NumPy array with hornet's input dtype rules (floats -> float32, object -> numeric)."""
    mod = module_of(x)
    if isinstance(x, np.ndarray):
        a = x
    elif mod == "pandas" and hasattr(x, "to_numpy"):
        a = x.to_numpy()
    elif mod == "torch" and hasattr(x, "detach"):
        t = x.detach().cpu()
        if str(t.dtype) == "torch.bfloat16":  # NumPy has no bfloat16 view of torch memory
            t = t.float()
        a = t.numpy()
    elif mod == "tensorflow" and hasattr(x, "numpy"):
        a = np.asarray(x.numpy())
    elif hasattr(x, "numpy") and not hasattr(x, "__array__"):  # hornet.Variable and friends
        a = np.asarray(x.numpy())
    else:
        try:
            a = np.asarray(x)
        except Exception as e:
            raise TypeError(f"Could not convert `{path}` to an array: received an object of type "
                            f"{type(x).__name__}. Expected NumPy arrays, lists of numbers, pandas objects, "
                            "or framework tensors.") from e
    if a.dtype == object and a.ndim == 0:
        raise TypeError(f"Unrecognized data type for `{path}`: {str(x)[:100]} (of type {type(x).__name__}). "
                        "Expected NumPy arrays, lists of numbers, pandas objects, framework tensors, a Python "
                        "generator, a PyDataset, a tf.data.Dataset or a torch DataLoader.")
    a = _normalize_dtype(a, path)
    if a.ndim == 0:
        raise ValueError(f"`{path}` must have a leading sample (batch) axis; received a scalar: {a!r}.")
    return a


def _normalize_dtype(a: np.ndarray, path: str) -> np.ndarray:
    if a.dtype == object:
        a = _object_to_numeric(a, path)
    kind = a.dtype.kind
    if kind == "f" or a.dtype.name == "bfloat16":
        return a if a.dtype == _FLOATX else a.astype(_FLOATX)
    if kind in "biu":
        widened = _WIDEN.get(a.dtype)
        return a if widened is None else a.astype(widened)
    raise TypeError(f"`{path}` has dtype {a.dtype}, which hornet cannot feed to a model: inputs must be numeric "
                    "(bool, integer or floating point). Convert strings, dates or complex values to numbers "
                    "before passing them.")


def _object_to_numeric(a: np.ndarray, path: str) -> np.ndarray:
    try:
        converted = np.array(a.tolist())
    except ValueError as e:  # ragged nesting
        raise TypeError(f"`{path}` is an object array that cannot be made rectangular ({e}); pad sequences "
                        "to one length first, e.g. with hornet.utils.pad_sequences.") from e
    if converted.dtype == object or converted.dtype.kind not in "biuf":
        sample = next((v for v in a.flat if not isinstance(v, (int, float, bool, np.number))), None)
        raise TypeError(f"`{path}` is an object array holding non-numeric values (e.g. {sample!r} of type "
                        f"{type(sample).__name__}); inputs must be numeric.")
    return converted


def num_rows(tree: Any, path: str) -> int | None:
    """The common leading dimension of every leaf, or None when the structure has no leaves."""
    sizes = [(p, leaf.shape[0]) for p, leaf in leaves_with_paths(tree, path)]
    check_cardinality(sizes)
    return sizes[0][1] if sizes else None


def check_cardinality(sizes: list[tuple[str, int]], context: str = "") -> None:
    """Raise when the ``(path, length)`` pairs disagree, naming every input and its length."""
    if len({n for _, n in sizes}) > 1:
        listing = ", ".join(f"{p} has {n} samples" for p, n in sizes)
        raise ValueError(f"Data cardinality is ambiguous{context}: {listing}. "
                         "Make sure all arrays contain the same number of samples.")


def take_rows(tree: Any, index: Any) -> Any:
    """Every leaf indexed along its first axis (a slice keeps views, an index array gathers)."""
    return map_structure(lambda a, _: a[index], tree, "")


def is_nested(tree: Any) -> bool:
    return isinstance(tree, (dict, tuple, list))


__all__ = ["check_cardinality", "is_array_like", "is_nested", "leaves_with_paths", "map_structure", "module_of",
           "num_rows", "take_rows", "to_numpy", "to_numpy_structure"]
