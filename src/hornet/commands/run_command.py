"""``hornet run PATH --input x.npy [-o y.npy] [--backend B]``: run a model file or graph on a hornet backend, or an
artifact folder on its own framework. Inputs are ``.npy`` files (one per model input, in order, or
``NAME=file.npy``) or one ``.npz`` with an array per input name; outputs go to ``.npy`` (one output) or ``.npz``."""
from __future__ import annotations

import argparse
import os
from typing import Any

import numpy as np

from hornet.commands.usage import UsageError
from hornet.export.loaders.artifact_manifest import MANIFEST


def _read_inputs(items: list[str], names: list[str]) -> list[np.ndarray]:
    if len(items) == 1 and items[0].endswith(".npz"):
        path = items[0]
        if not os.path.isfile(path):
            raise UsageError(f"--input: {path}: no such file")
        with np.load(path, allow_pickle=False) as data:
            missing = [n for n in names if n not in data.files]
            if missing:
                raise UsageError(f"--input: {path} has no array named {', '.join(missing)} (it holds "
                                 f"{', '.join(data.files) or 'nothing'})")
            return [data[n] for n in names]
    given: dict[str, str] = {}
    for i, item in enumerate(items):
        name, sep, path = item.partition("=")
        if not sep:
            if i >= len(names):
                raise UsageError(f"--input: the model takes {len(names)} input(s) ({', '.join(names)}), got more")
            name, path = names[i], item
        if name not in names:
            raise UsageError(f"--input: the model has no input '{name}'; its inputs: {', '.join(names)}")
        given[name] = path
    if len(given) != len(names):
        raise UsageError(f"--input: the model takes {len(names)} input(s) ({', '.join(names)}), got {len(given)}")
    out = []
    for name in names:
        path = given[name]
        if not os.path.isfile(path):
            raise UsageError(f"--input: {path}: no such file")
        try:
            out.append(np.load(path, allow_pickle=False))
        except ValueError as e:
            raise UsageError(f"--input: {path} is not a .npy array file ({e})") from None
    return out


def _runner(path: str, backend: str | None) -> tuple[list[str], list[str], Any]:
    if os.path.isdir(path):
        if backend is not None:
            raise UsageError("--backend applies to model files; an artifact folder runs on its own framework")
        if not os.path.isfile(os.path.join(path, MANIFEST)):
            raise UsageError(f"{path}: not an artifact folder (no manifest.json)")
        from hornet.export.loaders.run_artifact import open_artifact

        manifest, run = open_artifact(path)
        return [s["name"] for s in manifest["inputs"]], [s["name"] for s in manifest["outputs"]], run
    from hornet.commands.spec_loading import program_from_spec
    from hornet.export.check import program_outputs
    from hornet.export.loaders.run_artifact import check_inputs
    from hornet.runtime.backend import registered_backends, using_backend

    if backend is not None and backend not in registered_backends():
        raise UsageError(f"--backend: unknown backend '{backend}'; backends: {', '.join(registered_backends())}")
    with program_from_spec(path) as (program, _):
        signature = program.signature_json()

    def run(inputs: list[np.ndarray]) -> list[np.ndarray]:
        arrays = check_inputs(signature, inputs)
        if backend is None:
            return program_outputs(program, arrays)
        with using_backend(backend):
            return program_outputs(program, arrays)

    return [s.name for s in program.inputs], [s.name for s in program.outputs], run


def run(args: argparse.Namespace) -> int:
    if args.output and not (args.output.endswith(".npy") or args.output.endswith(".npz")):
        raise UsageError(f"-o: '{args.output}' must end in .npy (one output) or .npz")
    in_names, out_names, runner = _runner(args.path, args.backend)
    outputs = runner(_read_inputs(args.input, in_names))
    if args.output:
        if args.output.endswith(".npy"):
            if len(outputs) != 1:
                raise UsageError(f"-o: the model has {len(outputs)} outputs; write them to a .npz")
            np.save(args.output, outputs[0])
        else:
            np.savez(args.output, **dict(zip(out_names, outputs)))
        print(f"wrote {args.output}: " + ", ".join(f"{n} {o.dtype}{list(o.shape)}" for n, o in zip(out_names, outputs)))
    else:
        for name, out in zip(out_names, outputs):
            print(f"{name}: {out.dtype}{list(out.shape)}")
            print(np.array2string(out, threshold=20, edgeitems=3))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run a model file or an artifact on .npy inputs",
                       description="Run a .hornet model file or .graph.json on a hornet backend, or an artifact "
                                   "folder on its own framework, on inputs read from .npy/.npz files.")
    p.add_argument("path", help="a .hornet file, a .graph.json, or an artifact folder (with manifest.json)")
    p.add_argument("--input", action="append", required=True, metavar="[NAME=]FILE",
                   help="a .npy file per input (in order, or NAME=file.npy), or one .npz holding every input")
    p.add_argument("-o", "--output", help="write the outputs to a .npy (one output) or .npz file")
    p.add_argument("--backend", help="hornet backend for a model file (jax, torch, numpy); default HORNET_BACKEND")
    p.set_defaults(run=run)
