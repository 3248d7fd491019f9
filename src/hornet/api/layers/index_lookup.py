"""``IndexLookup``: the shared vocabulary machinery of ``IntegerLookup`` and ``StringLookup`` (Keras 3
semantics): the layout of the special tokens (mask, OOV buckets, then the vocabulary), ``adapt`` (tokens
ranked by frequency, ties broken by the larger token), ``set_vocabulary`` (a list, an array or a one-token-per-
line file), inverse document frequencies for "tf_idf", the output encodings, and a config that holds the
vocabulary so that a saved layer reloads it.

>>> class Lookup(IndexLookup): ...                            # doctest: +SKIP
"""
from __future__ import annotations

import collections
import itertools
import os
from typing import Any, Sequence

import numpy as np

from hornet.api import ops
from hornet.api.layers.category import encode_categories
from hornet.api.layers.host_preprocessing import HostLayer, encoded_shape, host_array

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
DROPPED = -1  # the id of masked elements in the encoded modes: out of range, so it encodes as zeros


def _plain(v: Any) -> Any:
    """Arrays and tensors as (nested) Python lists, numbers as Python numbers (for JSON configs)."""
    if v is None or isinstance(v, str):
        return v
    if ops.is_tensor(v):
        v = ops.convert_to_numpy(v)
    if isinstance(v, (np.ndarray, np.generic)):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


class IndexLookup(HostLayer):
    """Base of the lookup layers: maps tokens to indices ``[mask] + [OOV] * num_oov_indices + vocabulary`` (or
    back, with ``invert=True``), encoded per ``output_mode``. Subclasses define the token kind (``_tokens_of``)
    and the lookups (``_lookup``, ``_invert``)."""

    vocabulary_dtype = "int64"

    def __init__(self, max_tokens: int | None, num_oov_indices: int, mask_token: Any, oov_token: Any,
                 vocabulary_dtype: str, vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", name: str | None = None, salt: Any = None, **kwargs: Any):
        kind = type(self).__name__
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        super().__init__(name=name, **kwargs)
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{kind}: if set, `max_tokens` must be greater than 1, got max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{kind}: pad_to_max_tokens=True needs `max_tokens`, got max_tokens={max_tokens}")
        if num_oov_indices is None or num_oov_indices < 0:
            raise ValueError(f"{kind}: `num_oov_indices` must be >= 0, got num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{kind}: unknown oov_method={oov_method!r}; expected 'floormod' or 'farmhash'")
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError(f"{kind}: `salt` can only be used with oov_method='farmhash', got "
                                 f"oov_method={oov_method!r}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
                salt = [int(salt), int(salt)]
            else:
                raise ValueError(f"{kind}: `salt` must be a single integer or a tuple of 2 integers, got "
                                 f"salt={salt!r}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in _MODES:
            raise ValueError(f"{kind}: unknown output_mode={output_mode!r}; expected one of {_MODES}")
        if invert and output_mode != "int":
            raise ValueError(f"{kind}: `output_mode` must be 'int' when invert=True, got output_mode={output_mode!r}")
        if sparse:
            raise ValueError(f"{kind}: sparse=True is not supported (hornet tensors are dense); use sparse=False")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{kind}: `idf_weights` should only be set with output_mode='tf_idf', got "
                             f"output_mode={output_mode!r}")
        if output_mode == "tf_idf" and has_input_vocabulary and vocabulary is not None and idf_weights is None:
            raise ValueError(f"{kind}: with a `vocabulary` and output_mode='tf_idf', `idf_weights` must be given too")
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = bool(has_input_vocabulary)
        self._frozen_vocab_size = None
        self._tokens: list[Any] | None = None
        self.idf_weights: np.ndarray | None = None
        self.reset_state()
        if vocabulary is not None:
            if frozen_size is not None and output_mode != "int" and not pad_to_max_tokens:
                self._frozen_vocab_size = frozen_size
            self.set_vocabulary(vocabulary, idf_weights)
            if isinstance(vocabulary, str):  # kept as a list, so the config doesn't depend on the file
                self.input_vocabulary = self.get_vocabulary()
                self.input_idf_weights = None
        self.built = True

    # --- token kinds (subclasses) -------------------------------------------------------------------------------

    def _tokens_of(self, data: Any) -> np.ndarray:
        """``data`` as a NumPy array of this layer's tokens."""
        raise NotImplementedError

    def _parse_line(self, line: str) -> Any:
        return line

    def _lookup(self, inputs: Any) -> Any:
        """Token ids (int64) of ``inputs``."""
        raise NotImplementedError

    def _invert(self, inputs: Any) -> Any:
        """Tokens of the ids ``inputs``."""
        raise NotImplementedError

    # --- vocabulary -----------------------------------------------------------------------------------------------

    def _oov_start(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start(self) -> int:
        return self._oov_start() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices: the special tokens plus the vocabulary.

        >>> IntegerLookup(vocabulary=[12, 36]).vocabulary_size()    # doctest: +SKIP
        3
        """
        return self._token_start() + len(self._tokens or ())

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """The token of each index (with the mask and OOV tokens first, unless ``include_special_tokens`` is
        False).

        >>> StringLookup(vocabulary=["a", "b"]).get_vocabulary()    # doctest: +SKIP
        ['[UNK]', 'a', 'b']
        """
        vocab = [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices + \
            list(self._tokens or ())
        return vocab if include_special_tokens else vocab[self._token_start():]

    def _read_vocabulary_file(self, path: str) -> list[Any]:
        if not os.path.exists(path):
            raise ValueError(f"Vocabulary file {path} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError(f"layer '{self.name}' ({type(self).__name__}): output_mode 'tf_idf' does not support "
                             "loading a vocabulary from file")
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return [self._parse_line(line) for line in lines]

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary: a list, an array, or the path of a file with one token per line. It may start
        with the special tokens (mask, then the OOV tokens), exactly as ``get_vocabulary`` lists them; with
        "tf_idf", ``idf_weights`` gives one weight per vocabulary entry.

        >>> layer = StringLookup(); layer.set_vocabulary(["a", "b"])     # doctest: +SKIP
        """
        kind = f"layer '{self.name}' ({type(self).__name__})"
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{kind}: `idf_weights` must be set when output_mode='tf_idf'")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{kind}: `idf_weights` should only be set with output_mode='tf_idf', got "
                             f"output_mode={self.output_mode!r}")
        if isinstance(vocabulary, str):
            vocabulary = self._read_vocabulary_file(vocabulary)
        vocab = list(self._tokens_of(host_array(vocabulary) if not isinstance(vocabulary, (list, tuple))
                                     else vocabulary).reshape(-1).tolist())
        if not vocab:
            raise ValueError(f"{kind}: cannot set an empty vocabulary, got vocabulary={vocabulary!r}")
        token_start = self._token_start()
        specials = [self.mask_token] * self._oov_start() + [self.oov_token] * self.num_oov_indices
        found_specials = vocab[:token_start] == specials
        tokens = vocab[token_start:] if found_specials else vocab
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(f"{kind}: the vocabulary has repeated terms {repeated}; make its entries unique")
        hint = ("Note that the vocabulary does not need to include the OOV and mask tokens. Either remove them, or "
                f"include them only at its start in precisely this order: {specials}.")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(f"{kind}: found the mask token {self.mask_token!r} at vocabulary index "
                             f"{len(vocab) - 1 - vocab[::-1].index(self.mask_token)}. {hint}")
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            raise ValueError(f"{kind}: found the OOV token {self.oov_token!r} at vocabulary index "
                             f"{len(vocab) - 1 - vocab[::-1].index(self.oov_token)}. {hint}")
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError(f"{kind}: the vocabulary size {token_start + len(tokens)} exceeds "
                             f"max_tokens={self.max_tokens}")
        weights = None
        if self.output_mode == "tf_idf":
            weights = np.asarray(host_array(idf_weights) if not isinstance(idf_weights, (list, tuple))
                                 else idf_weights, np.float32)
            if weights.ndim != 1:
                raise ValueError(f"{kind}: `idf_weights` must be 1-D, got shape {weights.shape}")
            if len(weights) != len(vocab):
                raise ValueError(f"{kind}: `idf_weights` must have one weight per vocabulary entry; got "
                                 f"{len(weights)} weights for {len(vocab)} entries")
            if not found_specials:  # the special tokens weigh the average
                weights = np.concatenate([np.full(token_start, np.mean(weights), np.float32), weights])
        self._set_tokens(tokens, weights)

    def _set_tokens(self, tokens: list[Any], idf_weights: np.ndarray | None) -> None:
        new_size = self._token_start() + len(tokens)
        if self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is not None \
                and new_size != self._frozen_vocab_size:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the "
                               "vocabulary size cannot be changed after the layer is called. Old vocab size is "
                               f"{self._frozen_vocab_size}, new vocab size is {new_size}")
        self._tokens = list(tokens)
        if idf_weights is not None and self.pad_to_max_tokens:
            idf_weights = np.pad(idf_weights, (0, self.max_tokens - len(idf_weights)))
        self.idf_weights = None if idf_weights is None else np.asarray(idf_weights, np.float32)
        self._frozen_vocab_size = new_size

    # --- adapt ----------------------------------------------------------------------------------------------------

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary from ``data``: an array or list (each element, or each row of a 2-D array, is a
        document), or an iterable of batches (a generator, a ``tf.data.Dataset``...; ``steps`` limits the
        number of batches). Tokens are ranked by frequency, ties broken by the larger token.

        >>> layer = IntegerLookup(); layer.adapt(np.array([5, 1, 5]))    # doctest: +SKIP
        >>> layer.get_vocabulary()  # doctest: +SKIP
        [-1, 5, 1]
        """
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, str)) or ops.is_tensor(data) or not hasattr(data, "__iter__"):
            arr = self._tokens_of(data)
            self.update_state(arr[:, None] if arr.ndim == 1 else arr)
        else:
            batches = iter(data)
            for batch in itertools.islice(batches, steps) if steps is not None else batches:
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch (a 1-D batch is one document)."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via the "
                             "`vocabulary` argument")
        arr = self._tokens_of(data)
        if arr.ndim < 2:
            arr = arr.reshape(1, -1)
        self._counts.update(arr.reshape(-1).tolist())
        if self.output_mode == "tf_idf":
            for row in arr.reshape(arr.shape[0], -1).tolist():
                self._doc_counts.update(set(row))
            self._num_documents += arr.shape[0]

    def finalize_state(self) -> None:
        """Turn the counts of ``update_state`` into the vocabulary (and the idf weights)."""
        if self._has_input_vocabulary or not self._counts:
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                self._counts.pop(special, None)
        ranked = sorted(self._counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        token_start = self._token_start()
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - token_start]
        tokens = [t for t, _ in ranked]
        weights = None
        if self.output_mode == "tf_idf":
            docs = np.array([self._doc_counts[t] for t in tokens], np.float64)
            idf = np.log(1 + self._num_documents / (1 + docs)).astype(np.float32)
            mean = np.mean(idf) if idf.size else np.float32(0)
            weights = np.concatenate([np.full(token_start, mean, np.float32), idf])
        self._set_tokens(tokens, weights)
        self.reset_state()

    def reset_state(self) -> None:
        self._counts: collections.Counter = collections.Counter()
        self._doc_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    # --- call -----------------------------------------------------------------------------------------------------

    def _depth(self) -> int | None:
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def call(self, inputs: Any) -> Any:
        if self.output_mode != "int" and self._depth() is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you "
                               "must set the layer's vocabulary before calling it. Either pass a `vocabulary` "
                               "argument to the layer, or call `adapt` with some sample data.")
        if self.invert:
            return self._invert(inputs)
        return self._encode(self._lookup(inputs))

    def _encode(self, ids: Any) -> Any:
        if self.output_mode == "int":
            return ids
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categories(ids, mode, self._depth(), "int64")
        if self.output_mode == "tf_idf":
            out = ops.multiply(ops.cast(out, "float32"), self.idf_weights)
        return out

    def _oov_error(self, oov: Sequence[Any]) -> ValueError:
        return ValueError(f"layer '{self.name}' ({type(self).__name__}): when `num_oov_indices=0` all inputs "
                          f"should be in the vocabulary; found OOV values {list(oov)}. Consider setting "
                          "`num_oov_indices=1`")

    def compute_output_shape(self, input_shape: Any) -> Any:
        return encoded_shape(tuple(input_shape), self.output_mode, self._depth())

    # --- config ---------------------------------------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        vocabulary, idf_weights, extra = self.input_vocabulary, self.input_idf_weights, {}
        if vocabulary is None and self._tokens is not None:  # learned (or set later): saved in the config
            vocabulary = self.get_vocabulary()
            if self.idf_weights is not None:
                idf_weights = self.idf_weights[:len(vocabulary)]
            extra = {"has_input_vocabulary": False}
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode, "sparse": self.sparse,
                "pad_to_max_tokens": self.pad_to_max_tokens, "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": _plain(idf_weights), "vocabulary": _plain(vocabulary),
                "vocabulary_size": self._frozen_vocab_size, "oov_method": self.oov_method, "salt": self.salt,
                **extra}


__all__ = ["IndexLookup", "DROPPED"]
