"""Training bench: hornet (JAX backend) vs hand-written jax + optax vs Keras 3 on JAX, measured in one run.

Three models, all Adam + sparse categorical cross-entropy from logits:
  mlp          784-512-512-10, batch 128
  cnn          Conv2D(32,3,relu)-Conv2D(64,3,relu)-MaxPooling2D(2)-Flatten-Dense(128,relu)-Dense(10), 28x28x1, batch 64
  transformer  Embedding + MultiHeadAttention(4 heads) + LayerNorm + FFN + LayerNorm + GlobalAveragePooling1D + Dense,
               seq 128, dim 128, batch 32

Rows per model (medians; every timed call blocks on its result):
  train step        ``model.train_on_batch`` (hornet, Keras) / a ``jax.jit`` step with ``donate_argnums`` (jax);
                    the three run interleaved step by step, so machine load hits them alike
  fit, per step     ``fit`` over N batches with verbose=0, divided by N (jax: the same loop without blocking per step)
  program only      hornet's compiled XLA program called directly on device arrays (diagnostic: no Python around it)
  build             constructing the model and ``compile()`` (weight initialization included)
  first step        trace + compile + run of the first train step of a freshly compiled model (after a process
                    warm-up on a tiny model in each library, so once-per-process costs fall on none of them)
  predict 1 sample  ``model.predict(x[:1], verbose=0)`` / ``predict_on_batch`` (jax: a jitted forward + np.asarray)
  cold start        (mlp, not with --quick) a fresh process: import + build + compile + first train step

    python bench/bench_training.py [--quick] [--only mlp,cnn,transformer] [--steps 30]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from typing import Any, Callable

os.environ.setdefault("KERAS_BACKEND", "jax")  # Keras is the oracle here, on the same JAX/XLA as hornet

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

import hornet  # noqa: E402

VOCAB, SEQ, DIM, HEADS, FFN = 2000, 128, 128, 4, 256
Step = Callable[[], Any]


# --- the models, written once for hornet and Keras (same public API) --------------------------------------------

def build_mlp(lib: Any) -> Any:
    layers = lib.layers
    return lib.Sequential([lib.Input((784,)), layers.Dense(512, activation="relu"),
                           layers.Dense(512, activation="relu"), layers.Dense(10)])


def build_cnn(lib: Any) -> Any:
    layers = lib.layers
    return lib.Sequential([lib.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                           layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                           layers.Dense(128, activation="relu"), layers.Dense(10)])


def build_transformer(lib: Any) -> Any:
    layers = lib.layers
    tokens = lib.Input((SEQ,), dtype="int32")
    x = layers.Embedding(VOCAB, DIM)(tokens)
    x = layers.LayerNormalization()(x + layers.MultiHeadAttention(HEADS, DIM // HEADS)(x, x))
    ffn = layers.Dense(DIM)(layers.Dense(FFN, activation="relu")(x))
    x = layers.LayerNormalization()(x + ffn)
    return lib.Model(tokens, layers.Dense(2)(layers.GlobalAveragePooling1D()(x)))


def compiled(lib: Any, build: Callable[[Any], Any]) -> Any:
    model = build(lib)
    model.compile(optimizer="adam", loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


# --- the same models in hand-written jax ---------------------------------------------------------------------------

# hornet turns on jax_enable_x64 at import, so every array here gets an explicit float32 dtype
def _normal(key: Any, shape: tuple[int, ...], scale: float) -> Any:
    return jax.random.normal(key, shape, jnp.float32) * scale


def _zeros(*shape: int) -> Any:
    return jnp.zeros(shape, jnp.float32)


def _dense(key: Any, n_in: int, n_out: int) -> dict[str, Any]:
    return {"w": _normal(key, (n_in, n_out), (2.0 / n_in) ** 0.5), "b": _zeros(n_out)}


def _layer_norm(x: Any, p: dict[str, Any], eps: float = 1e-3) -> Any:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) * jax.lax.rsqrt(var + eps) * p["g"] + p["b"]


def jax_mlp() -> tuple[dict[str, Any], Callable[..., Any]]:
    k = jax.random.split(jax.random.key(0), 3)
    params = {"d0": _dense(k[0], 784, 512), "d1": _dense(k[1], 512, 512), "d2": _dense(k[2], 512, 10)}

    def forward(p: dict[str, Any], x: Any) -> Any:
        h = jax.nn.relu(x @ p["d0"]["w"] + p["d0"]["b"])
        h = jax.nn.relu(h @ p["d1"]["w"] + p["d1"]["b"])
        return h @ p["d2"]["w"] + p["d2"]["b"]

    return params, forward


def jax_cnn() -> tuple[dict[str, Any], Callable[..., Any]]:
    k = jax.random.split(jax.random.key(0), 4)
    params = {"c0": {"w": _normal(k[0], (3, 3, 1, 32), 0.3), "b": _zeros(32)},
              "c1": {"w": _normal(k[1], (3, 3, 32, 64), 0.05), "b": _zeros(64)},
              "d0": _dense(k[2], 12 * 12 * 64, 128), "d1": _dense(k[3], 128, 10)}
    dn = ("NHWC", "HWIO", "NHWC")

    def forward(p: dict[str, Any], x: Any) -> Any:
        h = jax.nn.relu(jax.lax.conv_general_dilated(x, p["c0"]["w"], (1, 1), "VALID", dimension_numbers=dn)
                        + p["c0"]["b"])
        h = jax.nn.relu(jax.lax.conv_general_dilated(h, p["c1"]["w"], (1, 1), "VALID", dimension_numbers=dn)
                        + p["c1"]["b"])
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = jax.nn.relu(h.reshape(h.shape[0], -1) @ p["d0"]["w"] + p["d0"]["b"])
        return h @ p["d1"]["w"] + p["d1"]["b"]

    return params, forward


def jax_transformer() -> tuple[dict[str, Any], Callable[..., Any]]:
    k = jax.random.split(jax.random.key(0), 9)
    hd = DIM // HEADS

    def proj(key: Any) -> dict[str, Any]:
        return {"w": _normal(key, (DIM, HEADS, hd), DIM ** -0.5), "b": _zeros(HEADS, hd)}

    params = {"emb": jax.random.uniform(k[0], (VOCAB, DIM), jnp.float32, minval=-0.05, maxval=0.05),
              "q": proj(k[1]), "k": proj(k[2]), "v": proj(k[3]),
              "o": {"w": _normal(k[4], (HEADS, hd, DIM), DIM ** -0.5), "b": _zeros(DIM)},
              "ln0": {"g": _zeros(DIM) + 1, "b": _zeros(DIM)}, "ln1": {"g": _zeros(DIM) + 1, "b": _zeros(DIM)},
              "f0": _dense(k[5], DIM, FFN), "f1": _dense(k[6], FFN, DIM), "out": _dense(k[7], DIM, 2)}

    def forward(p: dict[str, Any], tokens: Any) -> Any:
        x = p["emb"][tokens]
        q, kk, v = (jnp.einsum("bsd,dhk->bshk", x, p[n]["w"]) + p[n]["b"] for n in ("q", "k", "v"))
        weights = jax.nn.softmax(jnp.einsum("bqhk,bshk->bhqs", q, kk) / hd ** 0.5, axis=-1)
        attn = jnp.einsum("bhqs,bshk->bqhk", weights, v)
        x = _layer_norm(x + jnp.einsum("bqhk,hkd->bqd", attn, p["o"]["w"]) + p["o"]["b"], p["ln0"])
        f = jax.nn.relu(x @ p["f0"]["w"] + p["f0"]["b"]) @ p["f1"]["w"] + p["f1"]["b"]
        x = _layer_norm(x + f, p["ln1"]).mean(axis=1)
        return x @ p["out"]["w"] + p["out"]["b"]

    return params, forward


def jax_trainer(params: Any, forward: Callable[..., Any]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(step(x, y) -> loss, predict(x) -> logits): a jitted Adam step donating params and optimizer state."""
    opt = optax.adam(1e-3)
    state = {"params": params, "opt": opt.init(params)}

    def loss_fn(p: Any, x: Any, y: Any) -> Any:
        return optax.softmax_cross_entropy_with_integer_labels(forward(p, x), y).mean()

    assert all(a.dtype == jnp.float32 for a in jax.tree.leaves(params)), "the jax baseline must be float32"

    def _step(p: Any, s: Any, x: Any, y: Any) -> Any:
        loss, grads = jax.value_and_grad(loss_fn)(p, x, y)
        updates, s = opt.update(grads, s, p)
        return optax.apply_updates(p, updates), s, loss

    step_donating = jax.jit(_step, donate_argnums=(0, 1))
    fwd = jax.jit(forward)

    def step(x: Any, y: Any) -> Any:
        state["params"], state["opt"], loss = step_donating(state["params"], state["opt"], x, y)
        return loss

    return step, lambda x: np.asarray(fwd(state["params"], x))


# --- timing -----------------------------------------------------------------------------------------------------

def interleaved_ms(fns: dict[str, Step], steps: int) -> dict[str, float]:
    """Median ms per call of each blocking callable, calls interleaved one by one so load drift hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(steps):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - t0) * 1e3)
    return {name: statistics.median(s) for name, s in samples.items()}


def once_ms(fn: Step) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e3


def hornet_program_only(model: Any, x: np.ndarray, y: np.ndarray) -> Step | None:
    """hornet's cached train executable called on device arrays with the variables' current buffers (private API,
    diagnostic only: it separates program time from the Python around it)."""
    try:
        from hornet.runtime.variables import state_of, write_back

        entry = next(iter(model._steps["train"]._cache.values()))
    except Exception:  # internals moved: skip the row rather than fail the bench
        return None
    args = [jnp.asarray(x), jnp.asarray(y), jnp.ones(len(x), "float32")]
    traced = entry.traced

    def run() -> None:
        outs = list(entry.compiled(*args, *state_of(traced.state_in)))
        write_back(traced.state_out, outs[len(outs) - len(traced.state_out):])
        jax.block_until_ready(outs)

    try:
        run()
    except Exception:
        return None
    return run


def bench_model(name: str, build: Callable[[Any], Any], make_jax: Callable[[], Any], x: np.ndarray, y: np.ndarray,
                steps: int, fit_steps: int, keras: Any) -> list[tuple[str, float | None, float | None, float | None]]:
    built: dict[str, Any] = {}
    construct = {lib: once_ms(lambda lib=lib: built.__setitem__(lib.__name__, compiled(lib, build)))
                 for lib in (hornet, keras)}
    h_model, k_model = built["hornet"], built["keras"]
    j_step, j_predict = jax_trainer(*make_jax())
    first = {"hornet": once_ms(lambda: h_model.train_on_batch(x, y)),
             "keras": once_ms(lambda: k_model.train_on_batch(x, y)),
             "jax": once_ms(lambda: jax.block_until_ready(j_step(x, y)))}
    fns = {"hornet": lambda: h_model.train_on_batch(x, y), "keras": lambda: k_model.train_on_batch(x, y),
           "jax": lambda: jax.block_until_ready(j_step(x, y))}
    program = hornet_program_only(h_model, x, y)
    if program is not None:
        fns["program"] = program
    interleaved_ms(fns, 3)  # warm-up
    train = interleaved_ms(fns, steps)

    reps = (fit_steps,) + (1,) * (x.ndim - 1)
    xs, ys = np.tile(x, reps), np.tile(y, fit_steps)
    batch = len(x)

    def jax_loop() -> None:
        loss = None
        for i in range(fit_steps):
            loss = j_step(xs[i * batch:(i + 1) * batch], ys[i * batch:(i + 1) * batch])
        jax.block_until_ready(loss)

    fit_fns = {"hornet": lambda: h_model.fit(xs, ys, batch_size=batch, epochs=1, verbose=0, shuffle=False),
               "keras": lambda: k_model.fit(xs, ys, batch_size=batch, epochs=1, verbose=0, shuffle=False),
               "jax": jax_loop}
    interleaved_ms(fit_fns, 1)  # warm-up (Keras builds its fit machinery on the first call)
    fit = {k: v / fit_steps for k, v in interleaved_ms(fit_fns, 3).items()}

    one = x[:1]
    pred_fns = {"hornet": lambda: h_model.predict(one, verbose=0), "keras": lambda: k_model.predict(one, verbose=0),
                "jax": lambda: j_predict(one), "hornet_on_batch": lambda: h_model.predict_on_batch(one),
                "keras_on_batch": lambda: k_model.predict_on_batch(one)}
    interleaved_ms(pred_fns, 3)
    pred = interleaved_ms(pred_fns, 3 * steps)
    on_batch = {"hornet": pred["hornet_on_batch"], "keras": pred["keras_on_batch"], "jax": pred["jax"]}

    def row(label: str, d: dict[str, float]) -> tuple[str, float | None, float | None, float | None]:
        return (f"{name}: {label}", d.get("hornet"), d.get("jax"), d.get("keras"))

    return [row("train step (train_on_batch)", train), row(f"train step (fit of {fit_steps}, per step)", fit),
            (f"{name}: train step, hornet program only", train.get("program"), None, None),
            (f"{name}: build model + compile()", construct[hornet], None, construct[keras]),
            row("first step (trace+compile+run)", first), row("predict 1 sample", pred),
            row("predict_on_batch 1 sample", on_batch)]


def warm_up_process(keras: Any) -> None:
    """Pay once-per-process costs (XLA client start, first jit, hornet's eager op kernels, Keras's backend
    setup) on a tiny model in each library, so no library's first-step figure carries them."""
    x, y = np.ones((4, 3), "float32"), np.zeros(4, "int32")
    for lib in (hornet, keras):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
        model.compile(optimizer="adam", loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.train_on_batch(x, y)
        model.predict(x, verbose=0)
    jax.block_until_ready(jax_trainer({"d": _dense(jax.random.key(0), 3, 2)},
                                      lambda p, v: v @ p["d"]["w"] + p["d"]["b"])[0](x, y))


_COLD = """
import os, time
os.environ["KERAS_BACKEND"] = "jax"
t0 = time.perf_counter()
import numpy as np
import {lib} as lib
model = lib.Sequential([lib.Input((784,)), lib.layers.Dense(512, activation="relu"),
                        lib.layers.Dense(512, activation="relu"), lib.layers.Dense(10)])
model.compile(optimizer="adam", loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
model.train_on_batch(np.ones((128, 784), "float32"), np.zeros(128, "int32"))
print((time.perf_counter() - t0) * 1e3)
"""


def cold_start_ms(lib: str) -> float | None:
    """A fresh Python process: import + build + compile + first train step of the MLP."""
    import subprocess

    run = subprocess.run([sys.executable, "-c", _COLD.format(lib=lib)], capture_output=True, text=True, timeout=600)
    try:
        return float(run.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        print(f"cold start of {lib} failed:\n{run.stderr[-2000:]}", file=sys.stderr)
        return None


# --- report -----------------------------------------------------------------------------------------------------

def _fmt(v: float | None) -> str:
    return "—" if v is None else (f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.0f}")


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None else f"{a / b:.2f}x"


def print_table(rows: list[tuple[str, float | None, float | None, float | None]]) -> None:
    print("| measurement (ms) | hornet-jax | jax+optax | keras-jax | hornet/jax | hornet/keras |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, h, j, k in rows:
        print(f"| {label} | {_fmt(h)} | {_fmt(j)} | {_fmt(k)} | {_ratio(h, j)} | {_ratio(h, k)} |")


def print_goals(rows: list[tuple[str, float | None, float | None, float | None]]) -> None:
    goals = [("mlp: train step (train_on_batch)", 2, 1.0, "train step <= 1.0x jax+optax (MLP, train_on_batch)"),
             ("mlp: train step (fit of 10, per step)", 2, 1.0, "train step <= 1.0x jax+optax (MLP, fit)"),
             ("mlp: train step (fit of 4, per step)", 2, 1.0, "train step <= 1.0x jax+optax (MLP, fit)")]
    for model in ("mlp", "cnn", "transformer"):
        goals += [(f"{model}: first step (trace+compile+run)", 3, 0.8, f"first step <= 0.8x Keras ({model})"),
                  (f"{model}: predict 1 sample", 3, 0.5, f"one-sample predict <= 0.5x Keras ({model})")]
    by_label = {r[0]: r for r in rows}
    print("\nGoals:")
    for label, col, limit, text in goals:
        r = by_label.get(label)
        if r is None or r[1] is None or r[col] is None:
            continue
        ratio = r[1] / r[col]
        print(f"  {'met ' if ratio <= limit else 'MISS'}  {text}: {ratio:.2f}x")


def print_versions(keras: Any) -> None:
    import jaxlib

    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    print(f"python {platform.python_version()}, numpy {np.__version__}, jax {jax.__version__}, jaxlib "
          f"{jaxlib.__version__}, optax {optax.__version__}, keras {keras.__version__} ({keras.backend.backend()}), "
          f"hornet {hornet.__version__} ({hornet.backend.backend()})")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, devices {jax.devices()}, "
          f"load average {', '.join(f'{v:.1f}' for v in load)}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few steps (a smoke run; numbers are noisier)")
    parser.add_argument("--only", default="mlp,cnn,transformer", help="comma-separated subset of mlp,cnn,transformer")
    parser.add_argument("--steps", type=int, default=30, help="timed train steps per model (median)")
    args = parser.parse_args(argv)
    import keras

    steps, fit_steps = (5, 4) if args.quick else (args.steps, 10)
    rng = np.random.default_rng(0)
    cases = {
        "mlp": (build_mlp, jax_mlp, rng.normal(size=(128, 784)).astype("float32"),
                rng.integers(0, 10, 128).astype("int32")),
        "cnn": (build_cnn, jax_cnn, rng.normal(size=(64, 28, 28, 1)).astype("float32"),
                rng.integers(0, 10, 64).astype("int32")),
        "transformer": (build_transformer, jax_transformer, rng.integers(0, VOCAB, (32, SEQ)).astype("int32"),
                        rng.integers(0, 2, 32).astype("int32")),
    }
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(cases))
    if unknown:
        parser.error(f"--only: unknown model(s) {unknown}; choose from {sorted(cases)}")
    print_versions(keras)
    warm_up_process(keras)
    rows = []
    for name in only:
        t0 = time.perf_counter()
        rows += bench_model(name, *cases[name], steps=steps, fit_steps=fit_steps, keras=keras)
        print(f"[{name} done in {time.perf_counter() - t0:.0f} s]", file=sys.stderr, flush=True)
    if "mlp" in only and not args.quick:
        rows.append(("mlp: cold start (fresh process: import+build+first step)", cold_start_ms("hornet"), None,
                     cold_start_ms("keras")))
    print_table(rows)
    print_goals(rows)


if __name__ == "__main__":
    main()
