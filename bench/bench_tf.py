"""Training bench on TensorFlow: hornet's TensorFlow backend (StableHLO in XlaCallModule) vs Keras 3 on TF,
measured in one run on this machine's CPU.

Models (Adam, sparse categorical cross-entropy from logits), as in ``bench_torch.py``: mlp 784-512-512-10 batch
128; cnn Conv(32)-Conv(64)-MaxPool-Dense(128)-Dense(10) on 28x28x1, batch 64; transformer (one encoder block over
32 tokens), batch 64; lstm LSTM(64) over 20 steps, batch 64.

Rows: train step (``fit`` over N batches / N), first step (a fresh model's first ``fit`` batch: trace + compile +
run), predict 1 sample (``predict(x[:1])``), a long fit (a fresh model's whole ``fit`` over ``--long-steps``).
Goals (issue): mlp train step <= 0.65x Keras-TF; predict 1 sample <= 0.1x; cnn, transformer, lstm <= 0.9x.

    python bench/bench_tf.py [--only mlp,cnn,transformer,lstm] [--steps 20] [--long-steps 200]
"""
from __future__ import annotations

import argparse
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

import hornet  # noqa: E402

from bench_models import data, keras_like  # noqa: E402

GOALS = {"fit": {"mlp": 0.65, "cnn": 0.9, "transformer": 0.9, "lstm": 0.9}, "predict": 0.1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="mlp,cnn,transformer,lstm")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--long-steps", type=int, default=200)
    args = parser.parse_args()
    import keras

    print(f"tensorflow {tf.__version__}, keras {keras.__version__} on {keras.backend.backend()}")
    print("\n| measurement | hornet-tf | keras-tf | hornet/keras | goal |")
    print("|---|---:|---:|---:|---:|")
    for kind in args.only.split(","):
        batch = 128 if kind == "mlp" else 64
        x, y = data(kind, batch * args.steps)
        sizes = (x, y, batch, args.steps, args.long_steps)
        ours = keras_like(hornet, kind, *sizes, backend="tensorflow")
        theirs = keras_like(keras, kind, *sizes)
        for key, label in (("fit", "train step (fit, ms per step)"), ("first", "first step (ms)"),
                           ("predict", "predict 1 sample (ms)"), ("long", f"fit {args.long_steps} steps (s)")):
            goal = GOALS[key][kind] if key == "fit" else GOALS.get(key)
            ratio = ours[key] / theirs[key]
            verdict = "" if goal is None else f"<= {goal} {'met' if ratio <= goal else 'NOT met'}"
            print(f"| {kind}: {label} | {ours[key]:.3g} | {theirs[key]:.3g} | {ratio:.2f}x | {verdict} |", flush=True)


if __name__ == "__main__":
    main()
