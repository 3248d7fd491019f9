"""``ReversibleEmbedding``: an ``Embedding`` that can also project hidden states back to vocabulary logits
(Keras 3 ``keras.layers.ReversibleEmbedding``), as language models tie their input and output embeddings.

>>> emb = ReversibleEmbedding(100, 32)                            # doctest: +SKIP
>>> hidden = emb(token_ids)                     # (batch, T) -> (batch, T, 32)
>>> logits = emb(hidden, reverse=True)          # (batch, T, 32) -> (batch, T, 100)
"""
from __future__ import annotations

from typing import Any, Sequence

from hornet.api import ops
from hornet.api.layers.conv_base import read
from hornet.api.layers.core import Embedding
from hornet.ir.errors import ShapeError


class ReversibleEmbedding(Embedding):
    """An embedding table whose ``call(x, reverse=True)`` computes ``x @ embeddings.T`` (``tie_weights=True``,
    the default) or ``x @ reverse_embeddings`` with a separate trainable ``(output_dim, input_dim)`` matrix
    (``tie_weights=False``). ``reverse_dtype`` sets the dtype of that product; ``logit_soft_cap`` squashes the
    logits to ``cap * tanh(logits / cap)``. No bias. With ``mask_zero`` only the forward output is masked.

    >>> emb = ReversibleEmbedding(10, 4, tie_weights=False)         # doctest: +SKIP
    >>> emb(np.ones((2, 4), "float32"), reverse=True).shape
    (2, 10)
    """

    def __init__(self, input_dim: int, output_dim: int, tie_weights: bool = True,
                 embeddings_initializer: Any = "uniform", embeddings_regularizer: Any = None,
                 embeddings_constraint: Any = None, mask_zero: bool = False, reverse_dtype: Any = None,
                 logit_soft_cap: float | None = None, **kwargs: Any):
        # set before Embedding's constructor, which builds the layer when given `weights`
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap
        self._last_reverse = False
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)

    def build(self, input_shape: Any = None) -> None:
        super().build(input_shape)
        if not self.tie_weights and getattr(self, "reverse_embeddings", None) is None:
            self.reverse_embeddings = self.add_weight(shape=(self.output_dim, self.input_dim),
                                                      initializer=self.embeddings_initializer,
                                                      name="reverse_embeddings")
        self.built = True

    def call(self, inputs: Any, reverse: bool = False) -> Any:
        # compute_mask runs right after each call (of a model node), and masks forward outputs only
        self._last_reverse = bool(reverse)
        if not reverse:
            return super().call(inputs)
        if len(inputs.shape) < 1 or inputs.shape[-1] != self.output_dim:
            raise ShapeError(f"layer '{self.name}' (ReversibleEmbedding) with reverse=True expects inputs whose last "
                             f"dim is output_dim={self.output_dim}, got shape {tuple(inputs.shape)}")
        kernel = ops.transpose(read(self, self.embeddings)) if self.tie_weights \
            else read(self, self.reverse_embeddings)
        if self.reverse_dtype is not None:
            inputs, kernel = ops.cast(inputs, self.reverse_dtype), ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = ops.multiply(ops.tanh(ops.divide(logits, cap)), cap)
        return logits

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        return None if self._last_reverse else super().compute_mask(inputs, previous_mask)

    def compute_output_shape(self, input_shape: Sequence[Any], reverse: bool = False) -> tuple[Any, ...]:
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return super().compute_output_shape(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                "logit_soft_cap": self.logit_soft_cap}


__all__ = ["ReversibleEmbedding"]
