"""``TextVectorization``: raw strings to token ids or token-count vectors, with Keras 3 arguments and semantics
(standardize, split, n-grams, then a ``StringLookup`` whose mask token "" pads sequences). Host-side
preprocessing: it runs on NumPy arrays or lists of strings in front of a model.

>>> layer = TextVectorization(output_sequence_length=4)
>>> layer.adapt(["The cat sat.", "The dog sat on the mat"])
>>> np.asarray(layer(["the cat", "a dog"])).tolist()
[[2, 7, 0, 0], [1, 6, 0, 0]]
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers import text_processing as text
from hornet.api.layers.host_preprocessing import HostLayer, host_array, host_only_error, is_symbolic, string_array
from hornet.api.layers.lookup import StringLookup

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _check_choice(arg: str, value: Any, allowed: Sequence[str]) -> None:
    if not (value is None or callable(value) or value in allowed):
        raise ValueError(f"TextVectorization: `{arg}` must be None, a callable or one of {tuple(allowed)}, got "
                         f"{arg}={value!r}")


def _padded(rows: list[list[str]], length: int | None = None) -> np.ndarray:
    """Token rows as an object array padded with "" (the mask token) to ``length`` or the longest row."""
    width = max((len(r) for r in rows), default=0) if length is None else length
    out = np.full((len(rows), width), "", dtype=object)
    for i, row in enumerate(rows):
        row = row[:width]
        out[i, :len(row)] = row
    return out


class TextVectorization(HostLayer):
    """Turn strings into sequences of token ids ("int", padded with 0 to the longest sequence or to
    ``output_sequence_length``) or into per-string vectors over the vocabulary ("multi_hot", "count",
    "tf_idf", "one_hot"). Each string is standardized (``standardize``), split into tokens (``split``), and
    extended with its n-grams (``ngrams``: an int ``n`` for 1..n-grams, or a tuple of widths). The vocabulary
    is given or learned by ``adapt``; index 0 is the padding "" and index 1 the OOV token "[UNK]" (in "int").

    >>> TextVectorization(vocabulary=["cat", "sat"])(["Cat sat, dog!"]).tolist()     # doctest: +SKIP
    [[2, 3, 1]]
    """

    def __init__(self, max_tokens: int | None = None,
                 standardize: str | Callable[[np.ndarray], Any] | None = "lower_and_strip_punctuation",
                 split: str | Callable[[np.ndarray], Any] | None = "whitespace", ngrams: int | tuple | None = None,
                 output_mode: str = "int", output_sequence_length: int | None = None, pad_to_max_tokens: bool = False,
                 vocabulary: Any = None, idf_weights: Any = None, sparse: bool = False, ragged: bool = False,
                 encoding: str = "utf-8", name: str | None = None, **kwargs: Any):
        if sparse:
            raise ValueError("TextVectorization: sparse=True is not supported (hornet tensors are dense)")
        if ragged:
            raise ValueError("TextVectorization: ragged=True is not supported (hornet tensors are dense); "
                             "outputs are padded with 0")
        _check_choice("standardize", standardize, _STANDARDIZE)
        _check_choice("split", split, _SPLIT)
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"TextVectorization: unknown output_mode={output_mode!r}; expected one of {_MODES}")
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
                or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError(f"TextVectorization: `ngrams` must be None, an integer, or a tuple of integers, got "
                             f"ngrams={ngrams!r}")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError("TextVectorization: `output_sequence_length` must be None or an integer when "
                             f"output_mode='int', got output_sequence_length={output_sequence_length!r}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("TextVectorization: `output_sequence_length` must not be set if output_mode is not "
                             f"'int', got output_sequence_length={output_sequence_length}")
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="",
                                          output_mode=output_mode, has_input_vocabulary=has_input_vocabulary,
                                          encoding=encoding, vocabulary_size=vocabulary_size)
        self.built = True

    # --- preprocessing --------------------------------------------------------------------------------------------

    def _preprocess(self, inputs: Any) -> np.ndarray:
        """The tokens of ``inputs``: an object array, its rows padded with "" where strings were split."""
        if is_symbolic(inputs):
            raise host_only_error(self)
        arr = np.asarray(inputs, dtype=object) if isinstance(inputs, (str, bytes)) else host_array(inputs, self)
        strings = text.standardize(string_array(arr, self._encoding), self._standardize)
        if self._split is None:
            if self._ngrams is None:
                return strings
            if strings.ndim <= 1:  # one sequence
                return np.asarray(text.ngrams(strings.reshape(-1).tolist(), self._ngrams), dtype=object)
            return _padded([text.ngrams(row, self._ngrams) for row in strings.reshape(-1, strings.shape[-1]).tolist()])
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(f"layer '{self.name}' (TextVectorization): to split strings, the input must be "
                                 "rank 1 or have a last dimension of size 1, got shape "
                                 f"{strings.shape} (rank {strings.ndim})")
            strings = strings.reshape(strings.shape[:-1])
        if strings.ndim > 1:
            raise ValueError(f"layer '{self.name}' (TextVectorization): to split strings, the input must have at "
                             f"most 2 dims, got shape {arr.shape}")
        rows = text.split_rows(strings, self._split)
        if strings.ndim == 0:
            tokens = rows if self._ngrams is None else text.ngrams(rows, self._ngrams)
            out = np.empty(len(tokens), dtype=object)
            out[:] = tokens
            return out
        if self._ngrams is not None:
            rows = [text.ngrams(row, self._ngrams) for row in rows]
        return _padded(rows)

    def _fit_length(self, tokens: np.ndarray) -> np.ndarray:
        """Tokens cut or padded with "" (id 0) to ``output_sequence_length`` on the last axis."""
        length = self._output_sequence_length
        if length is None or tokens.ndim == 0:
            return tokens
        tokens = tokens[..., :length]
        pad = [(0, 0)] * (tokens.ndim - 1) + [(0, length - tokens.shape[-1])]
        return np.pad(tokens, pad, constant_values="")

    # --- vocabulary -----------------------------------------------------------------------------------------------

    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learn the vocabulary from ``data``: an array or list of strings (each a document), or an iterable of
        batches of them (``steps`` limits the number of batches)."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, str, bytes)) or ops.is_tensor(data) \
                or not hasattr(data, "__iter__"):
            arr = np.asarray(data, dtype=object) if isinstance(data, (str, bytes)) else host_array(data, self)
            self.update_state(arr.reshape(-1, 1) if arr.ndim == 1 else arr)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        self._lookup_layer.update_state(self._preprocess(data))

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """The token of each index ("" and "[UNK]" first, unless ``include_special_tokens`` is False)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The number of indices, the padding and OOV tokens included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (a list, an array or a file path; see ``StringLookup.set_vocabulary``)."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # --- call -----------------------------------------------------------------------------------------------------

    def call(self, inputs: Any) -> Any:
        tokens = self._preprocess(inputs)
        if self._output_mode == "int":
            tokens = self._fit_length(tokens)
        return self._lookup_layer(tokens)

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            shape = input_shape + (1,) if len(input_shape) <= 1 else input_shape
        else:
            shape = (input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 else input_shape) + (None,)
        return self._lookup_layer.compute_output_shape(shape)

    # --- config ---------------------------------------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        from hornet.api.saving.keras_object import serialize_keras_object

        lookup = self._lookup_layer.get_config()
        extra = {"has_input_vocabulary": False} if "has_input_vocabulary" in lookup else {}
        return {**super().get_config(), "max_tokens": self._lookup_layer.max_tokens,
                "standardize": serialize_keras_object(self._standardize),
                "split": serialize_keras_object(self._split), "ngrams": self._ngrams_arg,
                "output_mode": self._output_mode, "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": self._lookup_layer.pad_to_max_tokens, "sparse": False, "ragged": False,
                "vocabulary": lookup["vocabulary"], "idf_weights": lookup["idf_weights"],
                "encoding": self._encoding, "vocabulary_size": self.vocabulary_size(), **extra}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "TextVectorization":
        from hornet.api.saving.keras_object import deserialize_keras_object

        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)


__all__ = ["TextVectorization"]
