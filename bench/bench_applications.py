"""Inference bench of two applications: MobileNetV2 and ResNet50 (224x224x3, weights=None), hornet on each
backend against Keras 3 on each backend, measured in one run on this machine's CPU.

Rows per model: first predict (build + trace + compile + run one sample), predict 1 sample, predict a batch of
32 (``predict(x, batch_size=32)``), each the median of several calls. Keras runs in one subprocess per Keras
backend (Keras picks its backend once per process); hornet runs here, one model per backend.

    python bench/bench_applications.py [--only MobileNetV2,ResNet50] [--backends jax,torch,tensorflow]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np

from bench_models import median_ms

RNG = np.random.default_rng(0)
X = RNG.uniform(0, 255, (32, 224, 224, 3)).astype("float32")


def measure(applications: Any, name: str, prepare: Any = None) -> dict[str, float]:
    model = getattr(applications, name)(weights=None)
    if prepare is not None:
        prepare(model)
    t = time.perf_counter()
    model.predict(X[:1], verbose=0)
    first = (time.perf_counter() - t) * 1e3
    one = median_ms(lambda: model.predict(X[:1], verbose=0), 10)
    batch = median_ms(lambda: model.predict(X, batch_size=32, verbose=0), 3)
    return {"first": first, "one": one, "batch": batch}


def keras_worker(backend: str, names: list[str]) -> None:
    import keras

    assert keras.backend.backend() == backend
    print(json.dumps({name: measure(keras.applications, name) for name in names}))


def keras_results(backend: str, names: list[str]) -> dict[str, Any] | None:
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, __file__, "--keras-worker", backend, "--only", ",".join(names)],
                          env=env, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"(keras on {backend} failed: {done.stderr.strip().splitlines()[-1:]})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="MobileNetV2,ResNet50")
    parser.add_argument("--backends", default="jax,torch,tensorflow")
    parser.add_argument("--keras-worker")
    args = parser.parse_args()
    names = args.only.split(",")
    if args.keras_worker:
        keras_worker(args.keras_worker, names)
        return
    import hornet
    from hornet import applications

    backends = args.backends.split(",")
    theirs = {b: keras_results(b, names) for b in backends}
    ours = {b: {n: measure(applications, n, lambda m, b=b: m.compile(backend=b)) for n in names}
            for b in backends}
    print(f"hornet {hornet.__version__}; Keras 3 in a subprocess per backend; times in ms")
    print("\n| model: measurement | backend | hornet | keras | hornet/keras |")
    print("|---|---|---:|---:|---:|")
    for name in names:
        for key, label in (("first", "first predict"), ("one", "predict 1 sample"), ("batch", "predict batch 32")):
            for b in backends:
                mine = ours[b][name][key]
                other = theirs[b][name][key] if theirs[b] else float("nan")
                print(f"| {name}: {label} | {b} | {mine:.4g} | {other:.4g} | {mine / other:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
