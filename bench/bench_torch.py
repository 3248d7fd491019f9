"""Training bench on PyTorch: hornet's torch backend vs plain PyTorch eager, ``torch.compile`` of the same torch
model, and Keras 3 on torch, measured in one run (CPU unless ``HORNET_TORCH_DEVICE``/CUDA says otherwise).

Models (Adam, sparse categorical cross-entropy from logits):
  mlp   784-512-512-10, batch 128
  cnn   Conv(32,3,relu)-Conv(64,3,relu)-MaxPool(2)-Flatten-Dense(128,relu)-Dense(10), 28x28x1, batch 64
  transformer  Embedding(1000,64) of 32 tokens, one encoder block (4-head self-attention, residual, LayerNorm,
               FF 128 relu, residual, LayerNorm), mean over tokens, Dense(10); batch 64
  lstm  LSTM(64) over 20 steps of 16 features, Dense(10); batch 64

Rows (medians over repeats):
  fit, per step      ``fit`` over N batches (verbose=0) divided by N; torch: the same loop of
                     zero_grad/forward/backward/step, synchronized at the end
  first step         the first train step of a fresh model: trace + build/compile + run
  predict 1 sample   ``predict(x[:1])`` / ``predict_on_batch``; torch: forward under no_grad + .numpy()
  long fit, total s  a fresh model's whole ``fit`` over ``--long-steps`` batches: first step, compiles and all

hornet-torch columns: ``jit_compile="auto"`` (the default, the FX module; set ``HORNET_TORCH_TIER_UP_CALLS=N`` to
measure the opt-in background tier-up), ``False`` (the FX module only) and ``True`` (Inductor before the first step). Inductor's on-disk
cache is pointed at a fresh folder, so its compile times are those of a first run.

    python bench/bench_torch.py [--only mlp,cnn,transformer,lstm] [--steps 20] [--long-steps 400] [--no-inductor]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any, Callable

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", tempfile.mkdtemp(prefix="bench-inductor-"))
os.environ.setdefault("TORCHINDUCTOR_FX_GRAPH_CACHE", "0")  # every column compiles cold, as on a first run
os.environ.setdefault("TORCHINDUCTOR_AUTOGRAD_CACHE", "0")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import hornet  # noqa: E402
from hornet.runtime.backend import get_backend  # noqa: E402

from bench_models import build, data, keras_like, median_ms  # noqa: E402

class _Block(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        nn = torch.nn
        self.embed = nn.Embedding(1000, 64)
        self.attention = nn.MultiheadAttention(64, 4, batch_first=True)
        self.norm1, self.norm2 = nn.LayerNorm(64), nn.LayerNorm(64)
        self.ff = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 64))
        self.head = nn.Linear(64, 10)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens)
        h = self.norm1(h + self.attention(h, h, h, need_weights=False)[0])
        h = self.norm2(h + self.ff(h))
        return self.head(h.mean(dim=1))


class _Recurrent(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(16, 64, batch_first=True)
        self.head = torch.nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.lstm(x)[0][:, -1])


def torch_model(kind: str) -> torch.nn.Module:
    nn = torch.nn
    if kind == "transformer":
        return _Block()
    if kind == "lstm":
        return _Recurrent()
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 12 * 12, 128), nn.ReLU(), nn.Linear(128, 10))


def plain_torch(kind: str, x: np.ndarray, y: np.ndarray, batch: int, steps: int, long_steps: int,
                compiled: bool) -> dict[str, float]:
    model = torch_model(kind)
    if kind == "cnn":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    forward = torch.compile(model) if compiled else model

    def step(i: int) -> None:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(forward(xt[i * batch:(i + 1) * batch]), yt[i * batch:(i + 1) * batch])
        loss.backward()
        opt.step()

    t = time.perf_counter()
    step(0)
    first = (time.perf_counter() - t) * 1e3

    def loop() -> None:
        for i in range(steps):
            step(i)

    fit = median_ms(loop, 3)
    model = torch_model(kind)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    forward = torch.compile(model) if compiled else model
    t = time.perf_counter()
    for _ in range(long_steps // steps):
        loop()
    long = time.perf_counter() - t

    def predict() -> None:
        with torch.no_grad():
            forward(xt[:1]).numpy()

    return {"fit": fit / steps, "first": first, "predict": median_ms(predict, 30), "long": long}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="mlp,cnn,transformer,lstm")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--long-steps", type=int, default=400)
    parser.add_argument("--no-inductor", action="store_true", help="skip the slow-to-compile columns")
    args = parser.parse_args()
    import keras

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device "
          f"{get_backend('torch').device}")
    rows = []
    for kind in args.only.split(","):
        batch = 128 if kind == "mlp" else 64
        x, y = data(kind, batch * args.steps)
        sizes = (x, y, batch, args.steps, args.long_steps)
        results = {"hornet auto": keras_like(hornet, kind, *sizes, backend="torch"),
                   "hornet fx": keras_like(hornet, kind, *sizes, backend="torch", jit_compile=False)}
        if not args.no_inductor:
            results["hornet inductor"] = keras_like(hornet, kind, *sizes, backend="torch", jit_compile=True)
        results["torch eager"] = plain_torch(kind, *sizes, compiled=False)
        if not args.no_inductor:
            results["torch.compile"] = plain_torch(kind, *sizes, compiled=True)
        results["keras-torch"] = keras_like(keras, kind, *sizes)
        rows.append((kind, results))

    cols = list(rows[0][1])
    print(f"\n| measurement | {' | '.join(cols)} | auto/eager | auto/keras |")
    print("|---|" + "---:|" * (len(cols) + 2))
    for kind, results in rows:
        for key, label in (("fit", "train step (fit, ms per step)"), ("first", "first step (ms)"),
                           ("predict", "predict 1 sample (ms)"), ("long", f"fit {args.long_steps} steps (s)")):
            values = [results[c][key] for c in cols]
            auto = results["hornet auto"][key]
            print(f"| {kind}: {label} | " + " | ".join(f"{v:.3g}" for v in values)
                  + f" | {auto / results['torch eager'][key]:.2f}x | {auto / results['keras-torch'][key]:.2f}x |")


if __name__ == "__main__":
    main()
