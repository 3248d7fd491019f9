"""Fuzz hornet's loaders with mutated model files and IR JSON documents, and print how often each outcome occurs.

Every case takes a seed file (a few small models saved by hornet, and IR graph documents), mutates it (byte
flips, truncation, JSON edits at random paths, safetensors header edits, member drops, duplicates, renames,
zip bombs, deep nesting, huge numbers), loads it, and predicts. Edited members are re-signed in hornet.json
most of the time, so the mutation reaches the parser behind the integrity check. Acceptable outcomes:

    refused            a hornet error that names the file (model files) or a SerializationError (IR JSON)
    identical          loaded, and predicts exactly what the original predicts
    valid_graph        IR JSON only: the mutated document is still a valid graph, and running it ends in a
                       result or a hornet error (an IR document carries no hash, so it may be edited)
    inspected          ``hornet inspect`` (run on 15% of the model files) printed the file and exited 0; on a
                       refused file it must exit 1 with a message naming the file, never a traceback

Defects: ``unlocated`` (a hornet error not naming the file), ``crash`` (any other exception at load),
``predict_crash`` (loaded, then predicting raised), ``different`` (loaded, predicts something else),
``state_changed`` (hornet.ops or sys.modules changed) and ``timeout``. Case ``i`` of seed ``s`` is the same
mutation on every run.

    python scripts/fuzz_model_files.py --cases 100000 --jobs 2          # the long campaign
    python scripts/fuzz_model_files.py --cases 200 --show-defects       # a quick look
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import io
import json
import multiprocessing
import os
import random
import signal
import struct
import sys
import tempfile
import time
import warnings
import zipfile
from typing import Any, Callable

OK = ("refused", "identical", "valid_graph", "inspected")
DEFECTS = ("unlocated", "crash", "predict_crash", "different", "state_changed", "timeout")
X_ROWS = 3
_MEMORY_LIMIT = 6 << 30


# --- seeds ------------------------------------------------------------------------------------------------------

def _seed_models() -> list[tuple[str, Any, Any]]:
    """(name, model, input) for each seed model."""
    import numpy as np

    import hornet
    from hornet import layers, ops

    rng = np.random.default_rng(0)
    out = []
    mlp = hornet.Sequential([hornet.Input((6,)), layers.Dense(8, activation="relu"), layers.BatchNormalization(),
                             layers.Dropout(0.2, seed=3), layers.Dense(3, activation="softmax")], name="mlp")
    mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    mlp.fit(rng.normal(size=(16, 6)).astype("float32"), rng.integers(0, 3, 16), epochs=1, verbose=0)
    out.append(("mlp", mlp, rng.normal(size=(X_ROWS, 6)).astype("float32")))

    a, b = hornet.Input((4,), name="a"), hornet.Input((5,), name="b")
    h = layers.Concatenate()([layers.Dense(3, name="pa")(a) * 2.0, b[:, 1:4] + 1.0])
    h = layers.LayerNormalization()(ops.tanh(h))
    functional = hornet.Model({"a": a, "b": b}, layers.Dense(2, name="head")(h), name="two_inputs")
    functional.compile(optimizer=hornet.optimizers.SGD(0.1, momentum=0.9), loss="mse")
    functional.fit({"a": rng.normal(size=(8, 4)).astype("float32"), "b": rng.normal(size=(8, 5)).astype("float32")},
                   rng.normal(size=(8, 2)).astype("float32"), epochs=1, verbose=0)
    out.append(("functional", functional, {"a": rng.normal(size=(X_ROWS, 4)).astype("float32"),
                                           "b": rng.normal(size=(X_ROWS, 5)).astype("float32")}))

    conv = hornet.Sequential([hornet.Input((8, 8, 1)), layers.Conv2D(2, 3, activation="relu"),
                              layers.MaxPooling2D(), layers.Flatten(), layers.Dense(2)], name="conv")
    conv(np.zeros((1, 8, 8, 1), "float32"))
    out.append(("conv", conv, rng.normal(size=(X_ROWS, 8, 8, 1)).astype("float32")))

    class Unregistered(hornet.Layer):  # not registered: the file loads as a GraphModel (forward.json path)
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.w

    ir_only = hornet.Sequential([hornet.Input((4,)), Unregistered(), layers.Dense(2)], name="ir_only")
    ir_only(np.zeros((1, 4), "float32"))
    out.append(("ir_only", ir_only, rng.normal(size=(X_ROWS, 4)).astype("float32")))
    return out


def _seed_graphs() -> list[tuple[str, str]]:
    import numpy as np

    import hornet
    from hornet import ops

    def looped(x, w):
        y = ops.cond(ops.sum(x) > 0, lambda: ops.matmul(x, w), lambda: ops.matmul(x, -w))
        return ops.fori_loop(0, 3, lambda i, acc: acc * 0.5 + ops.sin(acc), y)

    graph = hornet.trace(looped, hornet.TensorSpec((None, 3)), np.ones((3, 2), "float32"))
    return [("cond_loop", graph.to_json())]


def hornet_load(path: str) -> Any:
    import hornet

    return hornet.models.load_model(path)


class Seeds:
    def __init__(self, directory: str):
        import numpy as np

        self.directory = directory
        self.models = {}
        for name, model, x in _seed_models():
            path = os.path.join(directory, f"{name}.hornet")
            model.save(path)
            with open(path, "rb") as f:
                raw = f.read()
            with zipfile.ZipFile(io.BytesIO(raw)) as z:  # noqa: SIM117
                members = {n: z.read(n) for n in z.namelist()}
            self.models[name] = (raw, members, x, _flat(model.predict(x, verbose=0)))
            with warnings.catch_warnings():  # warm up: what the first load imports is not a file's doing
                warnings.simplefilter("ignore")
                hornet_load(path).predict(x, verbose=0)
        self.graphs = {}
        from hornet.ir.graph import Graph
        from hornet.lowering.interpreter import evaluate
        from hornet.lowering.numpy import RULES

        for name, text in _seed_graphs():
            graph = Graph.from_json(text)
            args = _graph_inputs(graph)
            self.graphs[name] = (text, args, [np.asarray(a) for a in evaluate(graph, RULES, args)])
        self.names = [("model", n) for n in self.models] + [("graph", n) for n in self.graphs]


def _flat(tree: Any) -> list[Any]:
    import numpy as np

    from hornet.ir import pytree

    return [np.asarray(a) for a in pytree.flatten(tree)[0]]


def _graph_inputs(graph: Any) -> list[Any]:
    import numpy as np

    rng = np.random.default_rng(1)
    out = []
    for v in graph.inputs:
        shape = [d if isinstance(d, int) else 2 for d in v.type.shape]
        out.append(rng.normal(size=shape).astype(v.type.dtype.np) if v.type.dtype.is_floating
                   else np.ones(shape, v.type.dtype.np))
    return out


# --- mutations ----------------------------------------------------------------------------------------------------

def _resign(members: dict[str, bytes]) -> dict[str, bytes]:
    try:
        meta = json.loads(members["hornet.json"])
        meta["members"] = {n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                           for n, d in members.items() if n != "hornet.json"}
        return {**members, "hornet.json": json.dumps(meta).encode()}
    except (KeyError, ValueError, TypeError, RecursionError):
        return members


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", compression=compression) as z:
            for name, data in members:
                z.writestr(name, data)
    return buf.getvalue()


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


def _get(value: Any, path: tuple) -> Any:
    for k in path:
        value = value[k]
    return value


_DEEP = "@@deep:{}@@"


def _deep(depth: int) -> str:
    """A marker that ``_expand_deep`` turns into ``depth`` nested lists in the JSON text."""
    return _DEEP.format(depth)


def _expand_deep(text: str) -> str:
    for depth in (50, 500, 5000):
        text = text.replace(json.dumps(_DEEP.format(depth)), "[" * depth + "1" + "]" * depth)
    return text


def _random_value(rng: random.Random, doc: Any, paths: list[tuple]) -> Any:
    choices: list[Callable[[], Any]] = [
        lambda: None, lambda: True, lambda: -1, lambda: 0, lambda: 2 ** 31, lambda: 2 ** 63, lambda: 10 ** 30,
        lambda: 1.5, lambda: 1e308, lambda: -1e-300, lambda: "", lambda: "x" * rng.randint(1, 5000),
        lambda: "__setattr__", lambda: "os.system", lambda: "float128", lambda: "../../etc/passwd",
        lambda: [], lambda: {}, lambda: [1, 2, 3], lambda: [10 ** 30, 2 ** 32, 2 ** 32],
        lambda: {"class_name": "Popen", "module": "subprocess", "config": {"args": "touch /tmp/pwned"}},
        lambda: {"class_name": "Dense", "config": {"units": 2 ** 31}},
        lambda: {"__keras_tensor__": ["dense", rng.randint(-2, 5), rng.randint(-2, 5)]},
        lambda: {"kind": "dict", "children": ["leaf"], "keys": [[1]]},
        lambda: _deep(rng.choice([50, 500, 5000])),
        lambda: json.loads(json.dumps(_get(doc, rng.choice(paths)))),
    ]
    return rng.choice(choices)()


def _edit_json(data: bytes, rng: random.Random) -> bytes:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return data[: rng.randint(0, len(data))]
    for _ in range(rng.randint(1, 3)):
        paths = _paths(doc)
        path = rng.choice(paths)
        if not path:
            doc = _random_value(rng, doc, paths)
            continue
        parent = _get(doc, path[:-1])
        key = path[-1]
        action = rng.random()
        if action < 0.6:
            parent[key] = _random_value(rng, doc, paths)
        elif action < 0.8:
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
        else:
            parent[rng.choice(["extra", "class_name", "config", "name", "units", "__keras_tensor__"])] = \
                _random_value(rng, doc, paths)
    text = _expand_deep(json.dumps(doc))
    if rng.random() < 0.05 and text.startswith("{") and len(text) > 2:  # a duplicated key, as raw text
        text = '{"dup": 1, "dup": 2, ' + text[1:]
    return text.encode()


def _edge_value(value: Any, rng: random.Random) -> Any:
    """A boundary value of the same JSON type as ``value`` (or, sometimes, of another type)."""
    if rng.random() < 0.2:
        return rng.choice([None, "relu", -1, 1.5, [], {}, [None, 10 ** 9]])
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return rng.choice([0, -1, 1, 2 ** 31, 2 ** 40, -(2 ** 63), 10 ** 6, value + 1, value * 1000])
    if isinstance(value, float):
        return rng.choice([0.0, -1.0, 1.0, 1e308, -1e308, 1e-320, value * 10, 2.0])
    if isinstance(value, str):
        return rng.choice(["", "relu", "tanh", "softmax", "float16", "int8", "mixed_float16", "bfloat16",
                           "channels_first", "same", "valid", "causal", "zeros", "ones", "glorot_uniform",
                           "he_normal", "__class__", "get_item", "sum", "x" * 300])
    if isinstance(value, list):
        return rng.choice([[], value + value, value[:1], [10 ** 9] * max(1, len(value)), [0] * len(value),
                           [None] * len(value)])
    return value


def _edit_layer_args(data: bytes, rng: random.Random) -> bytes:
    """Edit 1-3 scalar or list arguments inside the model's layer configs (what a crafted file would change)."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return data
    paths = [p for p in _paths(doc.get("model", {}), ("model",))
             if p and not isinstance(_get(doc, p), dict) and "class_name" not in p]
    for _ in range(rng.randint(1, 3)):
        if not paths:
            break
        path = rng.choice(paths)
        try:
            parent = _get(doc, path[:-1])
            parent[path[-1]] = _edge_value(parent[path[-1]], rng)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit changed the structure
    return json.dumps(doc).encode()


def _edit_safetensors(data: bytes, rng: random.Random) -> bytes:
    if len(data) < 8:
        return data
    (n,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8:8 + n])
    except (ValueError, RecursionError):
        return data
    if not isinstance(header, dict):
        return data
    body = data[8 + n:]
    names = [k for k in header if k != "__metadata__"]
    if not names:
        return data
    name = rng.choice(names)
    edit = rng.randrange(7)
    if edit == 0:
        header[name]["dtype"] = rng.choice(["I32", "F16", "F64", "U8", "PY_OBJ", 3])
    elif edit == 1:
        header[name]["shape"] = rng.choice([[10 ** 30], [2 ** 32, 2 ** 32], [-1], [0], [3.5], list(reversed(
            header[name]["shape"]))])
    elif edit == 2:
        header[name]["data_offsets"] = rng.choice([[0, 0], [0, len(body)], [1, 5], [-4, 4], [0, 2 ** 64]])
    elif edit == 3:
        del header[name]
    elif edit == 4:
        header[name + "x"] = header[name]
    elif edit == 5:
        header["__metadata__"] = rng.choice([{"a": 1}, [1], "x", {"format": "pt"}])
    else:
        body = body[: rng.randint(0, len(body))]
    text = json.dumps(header).encode()
    if rng.random() < 0.2:
        n_field = rng.choice([len(text), len(text) + 7, 2 ** 63, 0])
    else:
        n_field = len(text)
    return struct.pack("<Q", n_field) + text + body


def mutate_model(raw: bytes, members: dict[str, bytes], rng: random.Random) -> bytes:
    """One mutated model file (the bytes of a zip, or not)."""
    kind = rng.random()
    if kind < 0.12:
        out = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        return bytes(out)
    if kind < 0.17:
        return raw[: rng.randrange(len(raw))]
    m = dict(members)
    signed = rng.random() < 0.85
    if kind < 0.35:
        name = rng.choice([n for n in m if n.endswith(".json")])
        m[name] = _edit_json(m[name], rng)
    elif kind < 0.55:
        m["config.json"] = _edit_layer_args(m["config.json"], rng)
    elif kind < 0.75:
        names = [n for n in m if n.endswith(".safetensors")]
        name = rng.choice(names)
        m[name] = _edit_safetensors(m[name], rng)
    elif kind < 0.82:
        name = rng.choice([n for n in m if n.endswith(".safetensors")])
        data = bytearray(m[name])
        data[rng.randrange(len(data))] ^= 0xFF  # tensor or header bytes: never re-signed
        m[name] = bytes(data)
        signed = False
    elif kind < 0.9:
        action = rng.randrange(4)
        names = sorted(m)
        if action == 0:
            del m[rng.choice(names)]
        elif action == 1:
            a, b = rng.sample(names, 2)
            m[a], m[b] = m[b], m[a]
        elif action == 2:
            m[rng.choice(["../../escape.json", "/tmp/abs.json", "evil.py", "config.json/../x"])] = b"{}"
        else:
            m = dict(_resign(m)) if signed else m
            dup = rng.choice(names)
            return _zip(list(m.items()) + [(dup, m[dup])])
    elif kind < 0.95:
        name = rng.choice(["weights.safetensors", "config.json", "forward.json"])
        m[name] = b"\0" * rng.choice([1 << 24, 1 << 27])  # compresses more than 1000x: a zip bomb
        m = _resign(m) if signed else m
        return _zip(list(m.items()), zipfile.ZIP_DEFLATED)
    else:
        name = rng.choice([n for n in m if n.endswith(".json")])
        depth = rng.choice([100, 1000, 100000])
        m[name] = ("[" * depth + "]" * depth).encode()
    if signed:
        m = _resign(m)
    return _zip(list(m.items()))


# --- running one case ---------------------------------------------------------------------------------------------

class _Timeout(Exception):
    pass


def _on_alarm(*_: Any) -> None:
    raise _Timeout()


def _state_fingerprint() -> tuple:
    """Modules outside hornet that are imported, and what every public op name is bound to."""
    import hornet.ops

    return (frozenset(m for m in sys.modules if not m.startswith("hornet")),
            tuple(sorted((k, id(v)) for k, v in vars(hornet.ops).items())))


def _same(a: list[Any], b: list[Any]) -> bool:
    import numpy as np

    return len(a) == len(b) and all(x.shape == y.shape and x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True)
                                    for x, y in zip(a, b))


def run_model_case(seeds: Seeds, name: str, rng: random.Random, path: str) -> tuple[str, str]:
    import hornet
    from hornet.ir.errors import HornetError

    raw, members, x, expected = seeds.models[name]
    with open(path, "wb") as f:
        f.write(mutate_model(raw, members, rng))
    seeds.before = _state_fingerprint()
    if rng.random() < 0.15:
        return _run_cli(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = hornet.models.load_model(path)
    except HornetError as e:
        return ("refused", "") if path in str(e) else ("unlocated", f"{type(e).__name__}: {e}")
    except _Timeout:
        raise
    except BaseException as e:  # noqa: BLE001  (the point: any other exception is a defect)
        return "crash", f"{type(e).__name__}: {str(e)[:300]}"
    try:
        got = _flat(model.predict(x, verbose=0))
    except _Timeout:
        raise
    except BaseException as e:  # noqa: BLE001
        return "predict_crash", f"{type(e).__name__}: {str(e)[:300]}"
    return ("identical", "") if _same(got, expected) else ("different", f"{[g.shape for g in got]}")


def _run_cli(path: str) -> tuple[str, str]:
    """``hornet inspect`` on the file: exit code 0 (a loadable file) or 1 with a message, never a traceback."""
    import contextlib

    from hornet.cli import main as cli

    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = cli(["inspect", path])
    except _Timeout:
        raise
    except BaseException as e:  # noqa: BLE001
        return "crash", f"hornet inspect raised {type(e).__name__}: {str(e)[:300]}"
    if code == 0:
        return "inspected", ""
    if code == 1 and path in err.getvalue():
        return "refused", ""
    return "unlocated", f"hornet inspect exited {code}: {err.getvalue()[:300]}"


def run_graph_case(seeds: Seeds, name: str, rng: random.Random) -> tuple[str, str]:
    from hornet.ir.errors import HornetError, SerializationError
    from hornet.ir.graph import Graph
    from hornet.lowering.interpreter import evaluate
    from hornet.lowering.numpy import RULES

    text, args, expected = seeds.graphs[name]
    data = text.encode()
    if rng.random() < 0.2:
        data = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = bytes(data)
    else:
        data = _edit_json(data, rng)
    seeds.before = _state_fingerprint()
    try:
        graph = Graph.from_json(data)
    except SerializationError:
        return "refused", ""
    except _Timeout:
        raise
    except BaseException as e:  # noqa: BLE001
        return "crash", f"{type(e).__name__}: {str(e)[:300]}"
    try:
        got = [__import__("numpy").asarray(a) for a in evaluate(graph, RULES, _graph_inputs(graph))]
    except HornetError:
        return "valid_graph", ""
    except _Timeout:
        raise
    except BaseException as e:  # noqa: BLE001
        return "predict_crash", f"{type(e).__name__}: {str(e)[:300]}"
    return ("identical" if _same(got, expected) else "valid_graph"), ""


def run_case(seeds: Seeds, seed: int, index: int, path: str, timeout_s: float) -> tuple[str, str, str]:
    rng = random.Random(seed * 1_000_003 + index)
    kind, name = rng.choice(seeds.names)
    seeds.before = None
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        outcome, detail = (run_model_case(seeds, name, rng, path) if kind == "model"
                           else run_graph_case(seeds, name, rng))
    except _Timeout:
        outcome, detail = "timeout", ""
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if outcome in OK and seeds.before is not None and _state_fingerprint() != seeds.before:
        outcome, detail = "state_changed", "hornet.ops or sys.modules changed"
    return outcome, f"{kind}:{name}", detail


# --- campaigns ----------------------------------------------------------------------------------------------------

def _limit_memory() -> None:
    """In a worker process: a huge allocation becomes a MemoryError instead of exhausting the machine."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass


def _worker(job: tuple[int, int, int, float]) -> tuple[collections.Counter, list[tuple[int, str, str, str]]]:
    seed, start, stop, timeout_s = job
    counts: collections.Counter = collections.Counter()
    defects = []
    with tempfile.TemporaryDirectory(prefix="hornet-fuzz-") as directory:
        seeds = Seeds(directory)
        path = os.path.join(directory, "case.hornet")
        for i in range(start, stop):
            outcome, what, detail = run_case(seeds, seed, i, path, timeout_s)
            counts[outcome] += 1
            counts[(what, outcome)] += 1
            if outcome in DEFECTS:
                defects.append((i, outcome, what, detail))
    return counts, defects


def campaign(cases: int, seed: int = 0, jobs: int = 1, timeout_s: float = 20.0) -> tuple[collections.Counter, list]:
    """Run ``cases`` cases in ``jobs`` processes; the outcome counts and the defects found."""
    chunk = cases if jobs <= 1 else max(1, min(2000, cases // (jobs * 4)))
    parts = [(seed, s, min(cases, s + chunk), timeout_s) for s in range(0, cases, chunk)]
    counts: collections.Counter = collections.Counter()
    defects: list = []
    if jobs <= 1:  # in this process (a test), without a memory limit on it
        results = map(_worker, parts)
    else:
        pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=_limit_memory, maxtasksperchild=1)
        results = pool.imap_unordered(_worker, parts)
    for c, d in results:
        counts.update(c)
        defects.extend(d)
    return counts, sorted(defects)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--case-timeout", type=float, default=20.0, help="seconds per case")
    parser.add_argument("--show-defects", action="store_true", help="print every defect found")
    args = parser.parse_args(argv)
    os.environ.setdefault("HORNET_BACKEND", "jax")
    start = time.time()
    counts, defects = campaign(args.cases, args.seed, args.jobs, args.case_timeout)
    elapsed = time.time() - start
    print(f"{sum(v for k, v in counts.items() if isinstance(k, str))} cases, seed {args.seed}, {elapsed:.0f} s")
    seeds = sorted({k[0] for k in counts if isinstance(k, tuple)})
    print(f"{'outcome':<16}{'all':>9}" + "".join(f"{s:>20}" for s in seeds))
    for outcome in OK + DEFECTS:
        print(f"{outcome:<16}{counts.get(outcome, 0):>9}" + "".join(f"{counts.get((s, outcome), 0):>20}" for s in seeds))
    if args.show_defects:
        for i, outcome, what, detail in defects[:200]:
            print(f"case {i} [{what}] {outcome}: {detail}")
    return 1 if defects else 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    sys.exit(main())
