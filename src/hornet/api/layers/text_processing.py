"""The host-side string steps of ``TextVectorization``, matching TensorFlow's string ops as Keras uses them:
ASCII-only lowercasing, stripping ASCII punctuation, splitting on ASCII whitespace or into Unicode characters,
and space-joined n-grams.

>>> standardize(np.array(["Hello, WORLD!"], object), "lower_and_strip_punctuation").tolist()
['hello world']
>>> split_rows(np.array(["a  b", "c"], object), "whitespace")
[['a', 'b'], ['c']]
>>> ngrams(["a", "b", "c"], (1, 2))
['a', 'b', 'c', 'a b', 'b c']
"""
from __future__ import annotations

import re
from typing import Any, Callable, Sequence

import numpy as np

# Keras's punctuation class: ASCII punctuation but no space (",-." is the range from "," to ".")
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _object_array(items: Sequence[str], shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = list(items)
    return out.reshape(shape)


def standardize(strings: np.ndarray, mode: str | Callable[[np.ndarray], Any] | None) -> np.ndarray:
    """``strings`` (an object array of str) after ``mode``: "lower" (ASCII letters only, as TensorFlow's
    ``strings.lower``), "strip_punctuation", "lower_and_strip_punctuation", None, or a callable given a NumPy
    unicode array and returning strings of the same shape."""
    if mode is None:
        return strings
    if callable(mode):
        result = np.asarray(mode(np.asarray(strings.tolist(), dtype=str).reshape(strings.shape)))
        flat = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in result.reshape(-1).tolist()]
        return _object_array(flat, result.shape)
    flat = strings.reshape(-1).tolist()
    if mode in ("lower", "lower_and_strip_punctuation"):
        flat = [s.translate(_LOWER) for s in flat]
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        flat = [_PUNCTUATION.sub("", s) for s in flat]
    return _object_array(flat, strings.shape)


def split_rows(strings: np.ndarray, mode: str | Callable[[np.ndarray], Any]) -> Any:
    """The tokens of each string of the 1-D (or scalar) ``strings``: "whitespace" (runs of ASCII whitespace,
    no empty tokens), "character" (Unicode code points), or a callable given the 1-D unicode array and returning
    one token sequence per string. A scalar gives one token list."""
    if strings.ndim == 0:
        return split_rows(strings.reshape(1), mode)[0]
    if callable(mode):
        rows = mode(np.asarray(strings.tolist(), dtype=str))
        return [[t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in np.asarray(row).reshape(-1).tolist()]
                for row in rows]
    if mode == "whitespace":
        return [[t for t in _WHITESPACE.split(s) if t] for s in strings.tolist()]
    return [list(s) for s in strings.tolist()]


def ngrams(tokens: Sequence[str], widths: Sequence[int]) -> list[str]:
    """All n-grams of ``tokens`` for each width in ``widths`` (in that order), joined by spaces; a sequence
    shorter than a width has none of that width."""
    out: list[str] = []
    for width in widths:
        out.extend(" ".join(tokens[i:i + width]) for i in range(len(tokens) - width + 1))
    return out


__all__ = ["standardize", "split_rows", "ngrams"]
