"""hornet's main job (until `fit` lands): learn scikit-learn's digits with hornet ops, compile, export.

A kernel ridge classifier (RBF kernel) is fitted in closed form with `hornet.ops` (matmul, exp, solve), all
compiled by `hornet.jit`; its predictor is traced to hornet IR, printed, lowered to StableHLO, exported with
a symbolic batch dimension, reloaded, and checked against the in-process predictions.

    python examples/digits_kernel_ridge.py [--out artifacts]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

import hornet
from hornet import ops


def sq_distances(a, b):
    """Squared Euclidean distances between the rows of a [n, d] and b [m, d]."""
    aa = ops.sum(ops.square(a), axis=1, keepdims=True)
    bb = ops.sum(ops.square(b), axis=1)
    return ops.maximum(aa + bb - 2.0 * ops.matmul(a, ops.transpose(b)), 0.0)


def fit(x, targets, gamma: float = 0.02, ridge: float = 1e-3):
    """Solve (K + ridge I) alpha = targets for the RBF kernel K of the training rows."""
    k = ops.exp(-gamma * sq_distances(x, x))
    return ops.solve(k + ridge * ops.eye(k.shape[0]), targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="artifacts", help="folder for the exported artifacts")
    args = parser.parse_args()

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    order = np.random.default_rng(0).permutation(len(x))
    n_train = int(0.8 * len(x))
    train, test = order[:n_train], order[n_train:]
    x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]
    print(f"digits: {len(x_train)} train / {len(x_test)} test samples, {x.shape[1]} features, backend "
          f"{hornet.backend.backend()}")

    t0 = time.perf_counter()
    alpha = hornet.jit(fit)(x_train, ops.convert_to_numpy(ops.one_hot(y_train, 10)))
    alpha = ops.convert_to_numpy(alpha)
    print(f"fit (trace + compile + run): {time.perf_counter() - t0:.2f} s")

    def predict(batch):
        scores = ops.matmul(ops.exp(-0.02 * sq_distances(batch, x_train)), alpha)
        return ops.argmax(scores, axis=-1)

    predict_jit = hornet.jit(predict)
    predicted = np.asarray(predict_jit(x_test))
    accuracy = float(np.mean(predicted == y_test))
    print(f"test accuracy: {accuracy:.4f}")

    lowered = predict_jit.lower(hornet.TensorSpec((None, x.shape[1])))
    print("\nhornet IR of the predictor:\n" + str(lowered.graph))
    stablehlo = lowered.as_text()
    print("StableHLO (first lines):\n" + "\n".join(stablehlo.splitlines()[:6]) + "\n  ...")

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "digits_predict.graph.json").write_text(lowered.graph.to_json())
    (out / "digits_predict.mlir").write_text(stablehlo)
    (out / "digits_predict.jax_export").write_bytes(lowered.serialize())

    from hornet.runtime import jax_export

    reloaded = jax_export.load((out / "digits_predict.jax_export").read_bytes())
    again = np.asarray(reloaded.call(x_test[:17])[0])
    graph = hornet.ir.Graph.from_json((out / "digits_predict.graph.json").read_text())
    from hornet.lowering import numpy as reference

    by_reference = reference.run(graph, x_test[:17])[0]
    assert np.array_equal(again, predicted[:17]) and np.array_equal(by_reference, predicted[:17])
    print(f"exported to {out}/ (graph JSON, StableHLO text, serialized jax.export); reloaded artifacts agree")
    if accuracy < 0.95:
        raise SystemExit(f"test accuracy {accuracy:.4f} is below 0.95")


if __name__ == "__main__":
    main()
