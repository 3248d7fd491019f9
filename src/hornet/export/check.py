"""Does an artifact reproduce the model? Run it with its own runtime in a fresh process and compare.

Formats other than ``hornet`` run through ``loaders/run_artifact.py`` executed as a script, so the checking process
imports the format's framework and never hornet; the ``hornet`` bundle is reloaded with ``load_model``. Inputs
are random, at each given batch size; the expected outputs come from the program run in this process.

>>> result = check_artifact("out/onnx", program, dims={})     # doctest: +SKIP
>>> result.ok, result.max_abs_diff
(True, 2.4e-07)
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from hornet.export.loaders import run_artifact
from hornet.export.program import InferenceProgram
from hornet.ir.symbolic import is_symbolic

_BUNDLE_RUNNER = """
import sys, numpy as np
from hornet.models import load_model
model = load_model(sys.argv[1])
for src, dst in zip(sys.argv[2::2], sys.argv[3::2]):
    with np.load(src) as data:
        xs = [data[k] for k in data.files]
    out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    outs = out if isinstance(out, (list, tuple)) else [out]
    np.savez(dst, **{f"output_{i}": o for i, o in enumerate(outs)})
"""


@dataclass
class CheckResult:
    ok: bool
    max_abs_diff: float
    detail: str


def random_inputs(program: InferenceProgram, dims: dict[str, int], batch: int, seed: int = 0) -> list[np.ndarray]:
    """Random inputs: uniform [0, 1) floats, integers in {0, 1}; symbolic dims from ``dims`` ("batch" = batch)."""
    rng = np.random.default_rng(seed)
    sizes = {"batch": batch, **dims}
    out = []
    for sig in program.inputs:
        shape = [sizes[str(d)] if is_symbolic(d) else d for d in sig.shape]
        dtype = np.dtype(sig.dtype) if sig.dtype != "bfloat16" else np.float32
        if dtype.kind == "f":
            out.append(rng.random(shape).astype(sig.dtype))
        elif dtype.kind == "b":
            out.append(rng.random(shape) < 0.5)
        else:
            out.append(rng.integers(0, 2, shape).astype(sig.dtype))
    return out


def program_outputs(program: InferenceProgram, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The program's outputs computed in this process, on the current backend."""
    from hornet.runtime.backend import current_backend, to_numpy

    backend = current_backend()
    outs = backend.compile(program.graph)(*[backend.asarray(x) for x in inputs],
                                          *[backend.asarray(a) for a in program.state])
    return [np.asarray(to_numpy(o)) for o in list(outs)[:len(program.outputs)]]


def _command(folder: str, fmt: str) -> list[str]:
    if fmt == "hornet":
        return [sys.executable, "-c", _BUNDLE_RUNNER, os.path.join(folder, "model.hornet")]
    return [sys.executable, os.path.abspath(run_artifact.__file__), folder]


def check_artifact(folder: str, program: InferenceProgram, fmt: str, dims: dict[str, int],
                   batch_sizes: Sequence[int] = (3,), rtol: float = 1e-4, atol: float = 1e-5,
                   timeout: float = 600) -> CheckResult:
    """Run the artifact in a subprocess on random inputs at each batch size and compare with the program."""
    if fmt == "hornet" and program.source_file is None:
        return CheckResult(True, 0.0, "bare graph: nothing to run")
    with tempfile.TemporaryDirectory(prefix="hornet-check-") as tmp:
        expected, args = [], []
        for k, batch in enumerate(batch_sizes):
            inputs = random_inputs(program, dims, batch, seed=k)
            expected.append(program_outputs(program, inputs))
            src, dst = os.path.join(tmp, f"in{k}.npz"), os.path.join(tmp, f"out{k}.npz")
            np.savez(src, **{s.name: x for s, x in zip(program.inputs, inputs)})
            args += [src, dst]
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        try:
            done = subprocess.run(_command(folder, fmt) + args, capture_output=True, text=True, timeout=timeout,
                                  env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return CheckResult(False, float("nan"), f"did not finish in {timeout:.0f} s")
        if done.returncode != 0:
            lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
            return CheckResult(False, float("nan"), lines[-1] if lines else f"exit code {done.returncode}")
        worst = 0.0
        for k, want in enumerate(expected):
            with np.load(os.path.join(tmp, f"out{k}.npz")) as data:
                got = [data[f"output_{i}"] for i in range(len(want))]
            for g, w in zip(got, want):
                if g.shape != w.shape:
                    return CheckResult(False, float("nan"), f"output shape {list(g.shape)}, expected {list(w.shape)}")
                diff = float(np.max(np.abs(g.astype(np.float64) - w.astype(np.float64)))) if g.size else 0.0
                worst = max(worst, diff)
                if not np.allclose(g, w, rtol=rtol, atol=atol):
                    return CheckResult(False, worst, f"outputs differ by up to {worst:.3g}")
        return CheckResult(True, worst, f"max |diff| {worst:.2g} at batch {', '.join(map(str, batch_sizes))}")
