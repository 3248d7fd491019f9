"""Train a small Keras-style CNN on scikit-learn's digits with hornet: fit, evaluate, save, reload, predict.

The bundled 8x8 digits (no download) become 8x8x1 images; two Conv2D layers with max pooling feed a Dense
classifier that outputs logits. Compiled with Adam and sparse categorical cross-entropy (from logits), fitted
with a progress bar and 10% validation, evaluated, saved to a ``.hornet`` file, reloaded with
``hornet.models.load_model``, and checked to predict exactly what the original predicts.

    python examples/digits_cnn.py [--epochs 25] [--out artifacts] [--quick]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.datasets import load_digits

import hornet
from hornet import layers

EPOCHS = 25
QUICK_EPOCHS = 2
MIN_ACCURACY = 0.95


def digits_images(seed: int = 0, test_fraction: float = 0.2) -> tuple[np.ndarray, ...]:
    """(x_train, y_train, x_test, y_test): images [n, 8, 8, 1] in [0, 1] as float32, labels int32."""
    images, y = load_digits(return_X_y=True)
    x = (images / 16.0).astype("float32").reshape(-1, 8, 8, 1)
    y = y.astype("int32")
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def build_model() -> hornet.Model:
    """8x8x1 -> conv 32 (same) -> pool -> 4x4x32 -> conv 64 -> 2x2x64 -> dense 64 -> 10 logits."""
    return hornet.Sequential([
        hornet.Input((8, 8, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10),
    ], name="digits_cnn")


def main(epochs: int = EPOCHS, out: str = "artifacts", verbose: int = 1) -> dict[str, Any]:
    """Train, evaluate, save and reload; returns accuracy, timings and the saved file's path."""
    hornet.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test = digits_images()
    print(f"digits: {len(x_train)} train / {len(x_test)} test images of 8x8x1")
    model = build_model()
    model.compile(optimizer="adam", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.summary()

    t0 = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=32, epochs=epochs, validation_split=0.1, verbose=verbose)
    fit_s = time.perf_counter() - t0
    scores = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    loss, accuracy = scores["loss"], scores["accuracy"]
    print(f"fit: {epochs} epochs in {fit_s:.1f} s; test loss {loss:.4f}, test accuracy {accuracy:.4f}")
    if epochs >= EPOCHS and accuracy < MIN_ACCURACY:
        raise AssertionError(f"test accuracy {accuracy:.4f} is below {MIN_ACCURACY} after {epochs} epochs")

    path = Path(out) / "digits_cnn.hornet"
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    reloaded = hornet.models.load_model(path)
    expected = model.predict(x_test, verbose=0)
    got = reloaded.predict(x_test, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert np.array_equal(got.argmax(-1), expected.argmax(-1))
    print(f"saved {path} ({os.path.getsize(path) / 1024:.0f} KiB); the reloaded model predicts the same classes")
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
