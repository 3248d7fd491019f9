"""A small transformer text classifier with a custom hornet layer, trained on synthetic token data.

``TokenAndPositionEmbedding`` is a user-defined ``hornet.Layer``: it creates its weights with ``add_weight``,
computes with ``hornet.ops`` only (``arange``, ``take``, ``cast``, ``sum``, ``square``, ``sqrt``, ``maximum``), and
implements ``get_config`` so a saved model rebuilds it. The task: a sequence of token ids is positive when
token 7 occurs more often than token 3. The model (embedding, self-attention, LayerNorm, feed-forward, pooling)
is fitted, evaluated, saved to a ``.hornet`` file, reloaded in the same process (the class is registered with
``register_keras_serializable``, so ``load_model`` may rebuild it), and checked to predict what the original
predicts.

    python examples/text_classifier.py [--epochs 6] [--out artifacts] [--quick]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

import hornet
from hornet import layers, ops

EPOCHS = 6
QUICK_EPOCHS = 2
MIN_ACCURACY = 0.9
SEQ_LEN, VOCAB, EMBED_DIM = 32, 16, 32


@hornet.saving.register_keras_serializable(package="text_classifier")
class TokenAndPositionEmbedding(hornet.Layer):
    """Token embedding plus a learned position embedding, then RMS-normalized over the features.

    >>> layer = TokenAndPositionEmbedding(max_length=32, vocab_size=16, embed_dim=8)    # doctest: +SKIP
    >>> layer(np.zeros((2, 32), "int32")).shape
    (2, 32, 8)
    """

    def __init__(self, max_length: int, vocab_size: int, embed_dim: int, epsilon: float = 1e-6, **kwargs: Any):
        super().__init__(**kwargs)
        self.max_length, self.vocab_size, self.embed_dim, self.epsilon = max_length, vocab_size, embed_dim, epsilon
        self.token_embeddings = self.add_weight(shape=(vocab_size, embed_dim), initializer="random_uniform",
                                                name="token_embeddings")
        self.position_embeddings = self.add_weight(shape=(max_length, embed_dim), initializer="random_uniform",
                                                   name="position_embeddings")

    def call(self, token_ids: Any) -> Any:
        length = token_ids.shape[-1]
        positions = ops.arange(0, length)
        x = ops.take(self.token_embeddings, ops.cast(token_ids, "int32"), axis=0)
        x = x + ops.take(self.position_embeddings, positions, axis=0)
        mean_square = ops.sum(ops.square(x), axis=-1, keepdims=True) / self.embed_dim
        return x / ops.sqrt(ops.maximum(mean_square, self.epsilon))

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"max_length": self.max_length, "vocab_size": self.vocab_size, "embed_dim": self.embed_dim,
                       "epsilon": self.epsilon})
        return config


def synthetic_tokens(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random token sequences; label 1 when token 7 appears more often than token 3 (ties are 0)."""
    x = np.random.default_rng(seed).integers(0, VOCAB, size=(n, SEQ_LEN)).astype("int32")
    y = ((x == 7).sum(axis=1) > (x == 3).sum(axis=1)).astype("int32")
    return x, y


def build_model() -> hornet.Model:
    tokens = hornet.Input((SEQ_LEN,), dtype="int32", name="tokens")
    x = TokenAndPositionEmbedding(SEQ_LEN, VOCAB, EMBED_DIM, name="embed")(tokens)
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=EMBED_DIM // 2)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(x + attention)
    ffn = layers.Dense(EMBED_DIM)(layers.Dense(2 * EMBED_DIM, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(x + ffn)
    x = layers.Dropout(0.1)(layers.GlobalAveragePooling1D()(x))
    return hornet.Model(tokens, layers.Dense(2)(x), name="text_classifier")


def main(epochs: int = EPOCHS, out: str = "artifacts", verbose: int = 1) -> dict[str, Any]:
    """Train, evaluate, save and reload; returns accuracy, timings and the saved file's path."""
    hornet.utils.set_random_seed(0)
    x_train, y_train = synthetic_tokens(3000, seed=1)
    x_test, y_test = synthetic_tokens(600, seed=2)
    print(f"synthetic tokens: {len(x_train)} train / {len(x_test)} test sequences of {SEQ_LEN}, "
          f"{y_train.mean():.0%} positive")
    model = build_model()
    model.compile(optimizer=hornet.optimizers.Adam(learning_rate=3e-3),
                  loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.summary()

    t0 = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=64, epochs=epochs, validation_split=0.1, verbose=verbose)
    fit_s = time.perf_counter() - t0
    scores = model.evaluate(x_test, y_test, batch_size=64, verbose=0, return_dict=True)
    loss, accuracy = scores["loss"], scores["accuracy"]
    print(f"fit: {epochs} epochs in {fit_s:.1f} s; test loss {loss:.4f}, test accuracy {accuracy:.4f}")
    if epochs >= EPOCHS and accuracy < MIN_ACCURACY:
        raise AssertionError(f"test accuracy {accuracy:.4f} is below {MIN_ACCURACY} after {epochs} epochs")

    path = Path(out) / "text_classifier.hornet"
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    reloaded = hornet.models.load_model(path)
    if not isinstance(reloaded.get_layer("embed"), TokenAndPositionEmbedding):
        raise AssertionError(f"reloaded model's 'embed' layer is {type(reloaded.get_layer('embed')).__name__}")
    expected = model.predict(x_test, batch_size=64, verbose=0)
    got = reloaded.predict(x_test, batch_size=64, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert np.array_equal(got.argmax(-1), expected.argmax(-1))
    print(f"saved {path} ({os.path.getsize(path) / 1024:.0f} KiB); the reloaded model (with its "
          "TokenAndPositionEmbedding) predicts the same classes")
    print(f"compile_stats: {model.compile_stats}")
    return {"accuracy": float(accuracy), "loss": float(loss), "fit_seconds": fit_s, "path": str(path),
            "history": history.history, "compile_stats": model.compile_stats}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=None, help=f"training epochs (default {EPOCHS})")
    parser.add_argument("--out", default="artifacts", help="folder for the saved model (default ./artifacts)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_EPOCHS} epochs, no accuracy check")
    args = parser.parse_args()
    main(epochs=args.epochs or (QUICK_EPOCHS if args.quick else EPOCHS), out=args.out)
