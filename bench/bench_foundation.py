"""Foundation bench: eager dispatch cost per op, and trace+lower+compile time of an MLP forward.

Prints a table of hornet vs plain JAX measured in this run (ratio = hornet / jax; lower is better), and with
``--tensorflow`` the eager rows again for hornet's TensorFlow backend on TF tensors vs TF's own eager ops (goal:
within 3x).

    python bench/bench_foundation.py [--repeat 300] [--tensorflow]
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np

import hornet
from hornet import ops


def per_call_us(fn: Callable[[], object], repeat: int) -> float:
    """Median of 5 batches of `repeat` calls, in µs per call, after warm-up; results are blocked on."""
    for _ in range(10):
        jax.block_until_ready(fn())
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(repeat):
            out = fn()
        jax.block_until_ready(out)
        samples.append((time.perf_counter() - t0) / repeat * 1e6)
    return statistics.median(samples)


def first_call_ms(make: Callable[[], Callable[[], object]], repeat: int = 5) -> float:
    """Median time of a fresh function's first call (trace + lower + compile + run), in ms."""
    samples = []
    for _ in range(repeat):
        fn = make()
        t0 = time.perf_counter()
        jax.block_until_ready(fn())
        samples.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--tensorflow", action="store_true", help="also measure eager dispatch on TF tensors")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    a = jnp.asarray(rng.normal(size=(32, 32)).astype("float32"))
    b = jnp.asarray(rng.normal(size=(32, 32)).astype("float32"))

    eager = [
        ("add", lambda: ops.add(a, b), lambda: jnp.add(a, b)),
        ("multiply (scalar)", lambda: ops.multiply(a, 2.0), lambda: jnp.multiply(a, 2.0)),
        ("exp", lambda: ops.exp(a), lambda: jnp.exp(a)),
        ("matmul", lambda: ops.matmul(a, b), lambda: jnp.matmul(a, b)),
        ("sum(axis=1)", lambda: ops.sum(a, axis=1), lambda: jnp.sum(a, axis=1)),
        ("relu", lambda: ops.relu(a), lambda: jax.nn.relu(a)),
        ("reshape", lambda: ops.reshape(a, (16, 64)), lambda: jnp.reshape(a, (16, 64))),
        ("transpose", lambda: ops.transpose(a), lambda: jnp.transpose(a)),
    ]
    rows = []
    for name, h, j in eager:
        th, tj = per_call_us(h, args.repeat), per_call_us(j, args.repeat)
        rows.append((f"eager {name} (µs/call)", th, tj))

    w = [jnp.asarray(rng.normal(size=s).astype("float32")) * 0.05 for s in ((784, 512), (512, 512), (512, 10))]
    x = jnp.asarray(rng.normal(size=(128, 784)).astype("float32"))

    def mlp_hornet(x, w0, w1, w2):
        return ops.matmul(ops.relu(ops.matmul(ops.relu(ops.matmul(x, w0)), w1)), w2)

    def mlp_jax(x, w0, w1, w2):
        return jnp.matmul(jax.nn.relu(jnp.matmul(jax.nn.relu(jnp.matmul(x, w0)), w1)), w2)

    th = first_call_ms(lambda: (lambda f=hornet.jit(lambda *a: mlp_hornet(*a)): f(x, *w)))
    tj = first_call_ms(lambda: (lambda f=jax.jit(lambda *a: mlp_jax(*a)): f(x, *w)))
    rows.append(("MLP 784-512-512-10 first call: trace+lower+compile (ms)", th, tj))
    fh, fj = hornet.jit(mlp_hornet), jax.jit(mlp_jax)
    rows.append(("MLP forward, compiled, batch 128 (µs/call)", per_call_us(lambda: fh(x, *w), 100),
                 per_call_us(lambda: fj(x, *w), 100)))

    print_rows(rows, "jax")
    if args.tensorflow:
        print()
        print_rows(tensorflow_rows(rng, args.repeat), "tf")


def tensorflow_rows(rng: np.random.Generator, repeat: int) -> list[tuple[str, float, float]]:
    """Eager dispatch on TF tensors: hornet's TensorFlow backend vs TF's own eager ops."""
    import tensorflow as tf

    from hornet.runtime.backend import using_backend

    a = tf.constant(rng.normal(size=(32, 32)).astype("float32"))
    b = tf.constant(rng.normal(size=(32, 32)).astype("float32"))
    eager = [
        ("add", lambda: ops.add(a, b), lambda: tf.add(a, b)),
        ("multiply (scalar)", lambda: ops.multiply(a, 2.0), lambda: tf.multiply(a, 2.0)),
        ("exp", lambda: ops.exp(a), lambda: tf.exp(a)),
        ("matmul", lambda: ops.matmul(a, b), lambda: tf.matmul(a, b)),
        ("sum(axis=1)", lambda: ops.sum(a, axis=1), lambda: tf.reduce_sum(a, axis=1)),
        ("relu", lambda: ops.relu(a), lambda: tf.nn.relu(a)),
        ("reshape", lambda: ops.reshape(a, (16, 64)), lambda: tf.reshape(a, (16, 64))),
        ("transpose", lambda: ops.transpose(a), lambda: tf.transpose(a)),
    ]
    with using_backend("tensorflow"):
        return [(f"eager {name} on TF tensors (µs/call)", per_call_us(h, repeat), per_call_us(t, repeat))
                for name, h, t in eager]


def print_rows(rows: list[tuple[str, float, float]], baseline: str) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'hornet':>10}  {baseline:>10}  {'ratio':>6}")
    for name, th, tj in rows:
        print(f"{name:<{width}}  {th:>10.1f}  {tj:>10.1f}  {th / tj:>6.2f}")


if __name__ == "__main__":
    main()
