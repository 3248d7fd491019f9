"""Putting saved arrays back into variables, all or nothing, after checking count, order, shape and dtype.

Arrays are saved under keys ``"00042:dense/kernel"``: the position, then the variable's path. Positions must run
0..n-1 exactly once; each array must have its variable's shape and dtype (a weight whose dtype was edited from
F32 to I32 would otherwise be read as integer bits). Nothing is assigned unless every array passed.

>>> pairs = match_arrays(arrays, model.weights, "weights", file="m.hornet", member="weights.safetensors")  # doctest: +SKIP
>>> assign(pairs)
"""
from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np

from hornet.api.saving.file_errors import ModelFileError, short

_KEY = re.compile(r"(\d{1,9}):(.*)", re.DOTALL)


def array_key(index: int, variable: Any) -> str:
    return f"{index:05d}:{getattr(variable, 'path', variable.name)}"


def ordered(arrays: dict[str, np.ndarray], file: str | None, member: str | None) -> list[tuple[str, np.ndarray]]:
    """The arrays in saved order; keys must be ``"<index>:<name>"`` with the indices 0..n-1 each once."""
    by_index: dict[int, tuple[str, np.ndarray]] = {}
    for key, array in arrays.items():
        match = _KEY.fullmatch(key)
        if match is None:
            raise ModelFileError(f"array key {short(key)} is not of the form '<index>:<name>'", file=file,
                                 member=member)
        index = int(match.group(1))
        if index in by_index:
            raise ModelFileError(f"two arrays have the index {index} ({short(by_index[index][0])} and {short(key)})",
                                 file=file, member=member)
        by_index[index] = (match.group(2), array)
    if sorted(by_index) != list(range(len(by_index))):
        missing = sorted(set(range(len(by_index))) - set(by_index))
        raise ModelFileError(f"the array indices are not 0..{len(by_index) - 1}: index {missing[0]} is missing",
                             file=file, member=member)
    return [by_index[i] for i in range(len(by_index))]


def match_arrays(arrays: dict[str, np.ndarray], variables: Sequence[Any], what: str, file: str | None,
                 member: str | None, skip_mismatch: bool = False) -> list[tuple[Any, np.ndarray]]:
    """(variable, array) pairs after checking that the file holds exactly one fitting array per variable."""
    saved = ordered(arrays, file, member)
    if len(saved) != len(variables):
        raise ModelFileError(f"the file has {len(saved)} {what} but the model has {len(variables)}",
                             file=file, member=member)
    pairs = []
    for i, (v, (name, a)) in enumerate(zip(variables, saved)):
        label = f"{i:05d}:{getattr(v, 'path', v.name)}"
        problem = None
        if tuple(a.shape) != tuple(v.shape):
            problem = f"has shape {a.shape} in the file but {tuple(v.shape)} in the model"
        elif a.dtype != v.dtype.np:
            problem = f"has dtype {a.dtype} in the file but {v.dtype.name} in the model"
        if problem is not None:
            if skip_mismatch:
                continue
            raise ModelFileError(f"{what[:-1] if what.endswith('s') else what} {label} {problem}", file=file,
                                 member=member)
        pairs.append((v, a))
    return pairs


def assign(pairs: Sequence[tuple[Any, np.ndarray]]) -> None:
    for v, a in pairs:
        v.assign(a)


__all__ = ["array_key", "ordered", "match_arrays", "assign"]
