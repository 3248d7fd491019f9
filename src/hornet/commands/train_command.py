"""``hornet train JOB --data d.npz --epochs N --batch-size B [--checkpoint-dir D] -o trained.hornet``: train an
exported train step (``hornet compile SPEC --train -o JOB``) in a process that does not have the model's code.

``d.npz`` holds ``x`` and ``y``. Batches are taken in order, the last one padded to ``B`` rows (its mask keeps
the padding out), so the step compiles once. Metric state is reset at each epoch, as ``fit`` does. With
``--checkpoint-dir`` the state is saved after every epoch (atomically) and a rerun resumes from the last one.
The result is a ``.hornet`` model file (the job's bundle with the trained weights) that ``load_model`` reads.

Multi-process (``--coordinator HOST:PORT --num-processes N --process-id I`` on every host, or process): each
process's ``--data`` holds its own rows; global batch ``i`` is every process's batch ``i``, in process order
(``B * N`` rows), split over all devices; the state is replicated. Process 0 prints, checkpoints and writes
the model file.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import numpy as np

from hornet.commands.usage import UsageError

CHECKPOINT = "latest.json"


def _data(path: str, manifest: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    if not os.path.isfile(path):
        raise UsageError(f"--data: {path}: no such file")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ("x", "y") if k not in data.files]
            if missing:
                raise UsageError(f"--data: {path} must hold arrays 'x' and 'y' (it holds {', '.join(data.files)})")
            x, y = data["x"], data["y"]
    except ValueError as e:
        raise UsageError(f"--data: {path} is not a .npz file of arrays ({e})") from None
    specs = {s["name"]: s for s in manifest["inputs"]}
    if len(x) != len(y):
        raise UsageError(f"--data: x has {len(x)} rows but y has {len(y)}")
    for name, arr in (("x", x), ("y", y)):
        want = specs[name]["shape"]
        if arr.ndim != len(want) or any(isinstance(w, int) and w != d for w, d in zip(want[1:], arr.shape[1:])):
            raise UsageError(f"--data: {name} has shape {list(arr.shape)}; the step takes {want}")
    return x.astype(specs["x"]["dtype"]), y.astype(specs["y"]["dtype"])


def _load_state(job: str, checkpoint_dir: str | None) -> tuple[list[np.ndarray], int]:
    from hornet.api.saving import tensors_file

    source, epoch = os.path.join(job, "initial_state.safetensors"), 0
    if checkpoint_dir and os.path.isfile(os.path.join(checkpoint_dir, CHECKPOINT)):
        with open(os.path.join(checkpoint_dir, CHECKPOINT)) as f:
            latest = json.load(f)
        source, epoch = os.path.join(checkpoint_dir, latest["file"]), int(latest["epoch"])
    with open(source, "rb") as f:
        arrays = tensors_file.parse(f.read(), file=source)[0]
    return [arrays[k] for k in sorted(arrays)], epoch


def _save_checkpoint(checkpoint_dir: str, state: list[np.ndarray], epoch: int) -> None:
    from hornet.api.saving import tensors_file
    from hornet.api.saving.atomic_write import write_atomically

    os.makedirs(checkpoint_dir, exist_ok=True)
    name = f"epoch-{epoch:05d}.safetensors"
    data = tensors_file.dump({f"state_{i:05d}": np.asarray(a) for i, a in enumerate(state)})
    write_atomically(os.path.join(checkpoint_dir, name), lambda f: f.write(data))
    pointer = json.dumps({"epoch": epoch, "file": name}).encode()
    write_atomically(os.path.join(checkpoint_dir, CHECKPOINT), lambda f: f.write(pointer))  # the commit point
    for old in os.listdir(checkpoint_dir):
        if old.startswith("epoch-") and old != name:
            os.remove(os.path.join(checkpoint_dir, old))


def _write_model(job: str, manifest: dict[str, Any], state: list[np.ndarray], out: str) -> None:
    from hornet.api.saving import tensors_file
    from hornet.api.saving.model_archive import read_model_archive, write_model_archive
    from hornet.api.saving.restore import ordered

    meta, entries = read_model_archive(os.path.join(job, "model.hornet"))
    saved = tensors_file.parse(entries["weights.safetensors"])[0]
    keys = [f"{i:05d}:{name}" for i, (name, _) in enumerate(ordered(saved, None, None))]
    trained = {key: saved[key] for key in keys}
    for i, entry in enumerate(manifest["state"]):
        if entry["weight"] is not None:
            trained[keys[entry["weight"]]] = np.asarray(state[i])
    entries["weights.safetensors"] = tensors_file.dump(trained)
    write_model_archive(out, meta, entries)


def _host(a: Any) -> np.ndarray:
    """A host copy of a step output; in a multi-process run, this process's copy of a replicated array."""
    if hasattr(a, "is_fully_addressable") and not a.is_fully_addressable:
        return np.asarray(a.addressable_data(0))
    return np.asarray(a)


class _Processes:
    """A multi-process run: every device on one data-parallel mesh axis; state replicated, batches split."""

    def __init__(self) -> None:
        import jax
        from jax.sharding import Mesh, NamedSharding, PartitionSpec

        self.index, self.count = jax.process_index(), jax.process_count()
        mesh = Mesh(np.array(jax.devices()), ("batch",))
        self._rows = NamedSharding(mesh, PartitionSpec("batch"))
        self._same = NamedSharding(mesh, PartitionSpec())

    def batch(self, local: np.ndarray) -> Any:
        import jax

        return jax.make_array_from_process_local_data(self._rows, local)

    def replicated(self, value: np.ndarray) -> Any:
        import jax

        return jax.make_array_from_process_local_data(self._same, np.asarray(value), np.shape(value))

    def check_steps(self, steps: int, rows: int) -> None:
        from hornet.runtime.jax_multihost import gather_ints

        counts = gather_ints([steps, rows])
        if len({s for s, _ in counts}) > 1:
            table = ", ".join(f"process {p}: {s} batches ({n} rows)" for p, (s, n) in enumerate(counts))
            raise UsageError(f"--data: every process must run the same number of steps, got {table}")


def _join_processes(args: argparse.Namespace) -> _Processes | None:
    given = [args.coordinator is not None, args.num_processes is not None, args.process_id is not None]
    if not any(given):
        return None
    if not all(given):
        raise UsageError("--coordinator, --num-processes and --process-id go together (a multi-process run)")
    if args.num_processes < 1 or not 0 <= args.process_id < args.num_processes:
        raise UsageError(f"--process-id must be in [0, {args.num_processes}) and --num-processes at least 1")
    from hornet import distribution

    distribution.initialize(args.coordinator, args.num_processes, args.process_id)
    return _Processes()


def run(args: argparse.Namespace) -> int:
    import jax
    from jax import export

    from hornet.export.loaders.artifact_manifest import verify
    from hornet.export.train_program import FORMAT

    if args.epochs < 1 or args.batch_size < 1:
        raise UsageError("--epochs and --batch-size must be at least 1")
    processes = _join_processes(args)
    if not args.output.endswith(".hornet"):
        raise UsageError(f"-o: '{args.output}' must end in .hornet")
    manifest = verify(args.job, FORMAT)
    x, y = _data(args.data, manifest)
    with open(os.path.join(args.job, "train_step.jax_exported"), "rb") as f:
        exported = export.deserialize(bytearray(f.read()))
    initial, _ = _load_state(args.job, None)
    state, start = _load_state(args.job, args.checkpoint_dir)
    updates = manifest["updates"]
    log_names = [s["name"] for s in manifest["outputs"]]
    reset = [i for i, s in enumerate(manifest["state"]) if s["reset_each_epoch"]]
    step = jax.jit(exported.call)
    b = args.batch_size
    steps = -(-len(x) // b)
    chief = processes is None or processes.index == 0
    if processes is not None:
        processes.check_steps(steps, len(x))
    if start and chief:
        print(f"resuming from {args.checkpoint_dir} after epoch {start}")
    with jax.enable_x64(True):  # the step's 64-bit state (RNG counters, iterations) stays 64-bit
        if processes is not None:  # the same state on every device of every process
            state = [processes.replicated(s) for s in state]
            initial = [processes.replicated(s) for s in initial]
        for epoch in range(start, args.epochs):
            for i in reset:
                state[i] = initial[i]
            t0 = time.perf_counter()
            logs: Any = None
            for k in range(steps):
                rows = slice(k * b, min((k + 1) * b, len(x)))
                n = rows.stop - rows.start
                pad = np.arange(b) % n
                xb, yb = x[rows][pad], y[rows][pad]
                mask = (np.arange(b) < n).astype(np.float32)
                if processes is not None:  # this process's rows of one global batch of b * processes rows
                    xb, yb, mask = (processes.batch(a) for a in (xb, yb, mask))
                outs = step(xb, yb, mask, *state)
                logs, new = outs[:len(log_names)], outs[len(log_names):]
                for j, position in enumerate(updates):
                    state[position] = new[j]
                done = int(30 * (k + 1) / steps)
                if not args.quiet and chief:
                    print(f"\repoch {epoch + 1}/{args.epochs} [{'=' * done}{'.' * (30 - done)}] {k + 1}/{steps}",
                          end="", flush=True)
            summary = " - ".join(f"{n}: {float(_host(v)):.4f}" for n, v in zip(log_names, logs))
            if chief:
                print(("\r" if not args.quiet else "") + f"epoch {epoch + 1}/{args.epochs} - "
                      f"{time.perf_counter() - t0:.1f}s - {summary}")
            if args.checkpoint_dir and chief:
                _save_checkpoint(args.checkpoint_dir, [_host(s) for s in state], epoch + 1)
    if chief:
        _write_model(args.job, manifest, [_host(s) for s in state], args.output)
        print(f"wrote {args.output}")
    sys.stdout.flush()
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train an exported train step (hornet compile --train) on .npz data",
                       description="Train a job exported with `hornet compile SPEC --train -o JOB`, without the "
                                   "model's Python code, and write the trained model as a .hornet file.")
    p.add_argument("job", help="the folder written by `hornet compile SPEC --train -o JOB`")
    p.add_argument("--data", required=True, help="a .npz file with arrays x and y")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--checkpoint-dir", help="save the state after each epoch here, and resume from it")
    p.add_argument("-o", "--output", required=True, help="the trained model file (.hornet)")
    p.add_argument("--quiet", action="store_true", help="one line per epoch, no progress bar")
    p.add_argument("--coordinator", help="multi-process run: HOST:PORT of process 0 (with --num-processes and "
                                         "--process-id); each process's --data holds its own rows")
    p.add_argument("--num-processes", type=int, help="multi-process run: how many processes")
    p.add_argument("--process-id", type=int, help="multi-process run: this process's index")
    p.set_defaults(run=run)
