"""Files crafted by an attacker: no code runs, no module state changes, nothing is imported, nothing is written,
no unbounded memory is allocated, and every refusal is a hornet error naming the file, the member and the path."""
from __future__ import annotations

import json
import os
import struct
import sys
import time
import tracemalloc
import warnings
import zipfile

import numpy as np
import numpy.testing  # noqa: F401  (imported up front: the fixture watches for new imports)
import pytest

import hornet
import model_files
from hornet import layers, ops
from hornet.api.saving.file_errors import ModelFileError
from hornet.api.saving import tensors_file

X = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


def _fingerprint():
    import hornet.ops as public_ops

    return (frozenset(m for m in sys.modules if not m.startswith("hornet")),
            tuple(sorted((k, id(v)) for k, v in vars(public_ops).items())))


@pytest.fixture
def untouched(tmp_path):
    """Asserts after the test that no module was imported, no op rebound, and only the test's files exist."""
    before = _fingerprint()
    marker = tmp_path / "pwned.marker"
    yield marker
    after = _fingerprint()
    assert sorted(after[0] - before[0]) == [], "loading imported modules"
    assert after[1] == before[1], "loading rebound names in hornet.ops"
    assert not marker.exists(), "loading ran code from the file"


@pytest.fixture(scope="module")
def functional(tmp_path_factory):
    """A functional model with operator nodes (TensorOp) and its saved members."""
    a = hornet.Input((4,), name="a")
    h = layers.Dense(3, name="d")(a)
    out = ops.relu(h * 2.0 + a[:, :3])
    model = hornet.Model(a, out, name="ops_model")
    path = tmp_path_factory.mktemp("f") / "f.hornet"
    model.save(path)
    entries = model_files.members(path)
    hornet.models.load_model(path).predict(X, verbose=0)  # warm up what loading imports on first use
    config = _config(entries)
    config["model"]["config"]["layers"][1]["class_name"] = "NotLoadedAnywhere"
    warm = model_files.write(path.parent / "warm.hornet", _with_config(entries, config))
    hornet.models.load_model(warm).predict(X, verbose=0)  # and what the IR-only GraphModel path imports
    return model, entries


def _config(entries):
    return json.loads(entries["config.json"])


def _with_config(entries, config):
    return {**entries, "config.json": json.dumps(config).encode()}


def _tensor_ops(config):
    return [e for e in config["model"]["config"]["layers"] if e["class_name"] == "TensorOp"]


def _refused(path, pattern, member="config.json"):
    with pytest.raises(ModelFileError, match=pattern) as info:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hornet.models.load_model(path)
    assert str(path) in str(info.value) and member in str(info.value)
    return info.value


# --- operator nodes ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["__setattr__", "__getattribute__", "__class__", "eval", "exec", "os", "getattr",
                                "cond", "grad", "convert_to_numpy", "linalg", "numpy"])
def test_operator_nodes_naming_anything_but_an_op_are_refused(functional, tmp_path, untouched, op):
    _, entries = functional
    config = _config(entries)
    _tensor_ops(config)[0]["config"]["op"] = op
    path = model_files.write(tmp_path / "op.hornet", _with_config(entries, config))
    error = _refused(path, r"is not a hornet.ops function that takes tensors")
    assert "$.model.config.layers[" in str(error)


def test_the_setattr_monkeypatch_attack_leaves_hornet_ops_alone(functional, tmp_path, untouched):
    """The reported attack: a node op="__setattr__" called on the module would rebind hornet.ops.relu."""
    _, entries = functional
    relu_before = hornet.ops.relu
    config = _config(entries)
    node_op = _tensor_ops(config)[0]
    node_op["config"].update(op="__setattr__", op_kwargs={})
    for node in config["model"]["config"]["nodes"]:
        if node["layer"] == node_op["name"]:
            node["args"] = ["relu", "print"]
    path = model_files.write(tmp_path / "setattr.hornet", _with_config(entries, config))
    _refused(path, "__setattr__")
    assert hornet.ops.relu is relu_before


def test_op_kwargs_must_be_declared_parameters_with_constant_values(functional, tmp_path, untouched):
    _, entries = functional
    for kwargs, pattern in [({"not_a_parameter": 1}, "has no parameter 'not_a_parameter'"),
                            ({"x2": {"class_name": "Popen", "module": "subprocess"}}, "must be a plain constant")]:
        config = _config(entries)
        _tensor_ops(config)[0]["config"]["op_kwargs"] = kwargs
        path = model_files.write(tmp_path / "kw.hornet", _with_config(entries, config))
        _refused(path, pattern)


def _first_node(config):
    return config["model"]["config"]["nodes"][0]


@pytest.mark.parametrize("edit, pattern", [
    (lambda n: n.update(args=[[1.0, 2.0, 3.0, 4.0]]), r"has no tensor inputs"),
    (lambda n: n.update(args=[{"__keras_tensor__": ["a", 0, 7]}]), r"refers to output 7 of layer 'a'"),
    (lambda n: n.update(args=[{"__keras_tensor__": ["a", -1, 0]}]), r"non-negative indices"),
    (lambda n: n.update(args=[{"__keras_tensor__": ["ghost", 0, 0]}]), r"layer 'ghost', which is not defined"),
    (lambda n: n.update(args=[{"__keras_tensor__": "a"}]), r"a tensor reference must be"),
    (lambda n: n.update(kwargs={"evil": 1}), r"takes no argument 'evil'"),
    (lambda n: n.update(layer="nope"), r"calls unknown layer 'nope'"),
    (lambda n: n.update(layer="a"), r"calls input layer 'a'"),
    (lambda n: n.update(args=[{"__keras_tensor__": ["a", 0, 0]}, list(range(70000))]), r"or a plain constant"),
], ids=["constants_only", "tensor_index", "negative_index", "unknown_layer_ref", "bad_ref", "undeclared_kwarg",
        "unknown_layer", "input_layer_called", "huge_constant"])
def test_functional_nodes_are_validated(functional, tmp_path, untouched, edit, pattern):
    _, entries = functional
    config = _config(entries)
    edit(_first_node(config))
    path = model_files.write(tmp_path / "node.hornet", _with_config(entries, config))
    error = _refused(path, pattern)
    assert "$.model.config.nodes[0]" in str(error)


# --- classes -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("class_name, module", [("Popen", "subprocess"), ("system", "os"), ("Dense", "evil_mod"),
                                                ("os.system", None), ("__import__", "builtins")])
def test_classes_naming_modules_resolve_to_nothing(functional, tmp_path, untouched, class_name, module):
    model, entries = functional
    config = _config(entries)
    config["model"]["config"]["layers"][1].update(class_name=class_name, module=module)
    path = model_files.write(tmp_path / "cls.hornet", _with_config(entries, config))
    loaded = hornet.models.load_model(path)
    assert type(loaded).__name__ == "GraphModel" and class_name in loaded.missing
    assert "$.model.config.layers[1]" in loaded.missing
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert module is None or module not in sys.modules or module in ("os", "subprocess", "builtins")


# --- sizes ---------------------------------------------------------------------------------------------------

def _dense_model(tmp_path):
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3, name="d")], name="small")
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.ones((5, 3), "float32"), verbose=0)
    path = tmp_path / "small.hornet"
    model.save(path)
    return model, model_files.members(path)


@pytest.mark.parametrize("edit, pattern", [
    (lambda c: c["model"]["config"]["layers"][1]["config"].update(units=2 ** 31), r"more than the file's weights"),
    (lambda c: c["model"]["config"]["layers"][0]["config"].update(batch_shape=[None, 10 ** 30]),
     r"outside the int64 range"),
    (lambda c: c["model"]["config"]["layers"][0]["config"].update(batch_shape=[None, 2 ** 32]),
     r"more than the file's weights"),
    (lambda c: c["inputs"]["leaves"][0].update(shape=[None, 2 ** 40]), r"\$\.inputs\.leaves\[0\]\.shape"),
    (lambda c: c["inputs"]["leaves"][0].update(dtype="object"), r"unknown dtype 'object'"),
    (lambda c: c["inputs"].update(tree={"kind": "list", "children": ["leaf", "leaf"]}), r"the tree has 2 leaves"),
    (lambda c: c["inputs"].update(tree={"kind": "dict", "children": ["leaf"], "keys": [[1]]}),
     r"invalid or repeated keys"),
    (lambda c: c["compile"].update(steps_per_execution=10 ** 9), r"steps_per_execution"),
], ids=["dense_units", "huge_dim", "wide_input", "spec_dim", "spec_dtype", "tree_leaves", "tree_keys", "steps"])
def test_huge_or_malformed_sizes_are_refused_before_allocating(tmp_path, untouched, edit, pattern):
    _, entries = _dense_model(tmp_path)
    config = _config(entries)
    edit(config)
    path = model_files.write(tmp_path / "huge.hornet", _with_config(entries, config))
    tracemalloc.start()
    try:
        _refused(path, pattern)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"loading allocated {peak} bytes before refusing"


def test_huge_safetensors_shapes_are_refused_without_overflow(tmp_path, untouched):
    _, entries = _dense_model(tmp_path)
    for shape in ([10 ** 30], [2 ** 32, 2 ** 32], [2 ** 62, 4]):
        header = {"00000:d/kernel": {"dtype": "F32", "shape": shape, "data_offsets": [0, 48]},
                  "00001:d/bias": {"dtype": "F32", "shape": [3], "data_offsets": [48, 60]}}
        text = json.dumps(header).encode()
        blob = struct.pack("<Q", len(text)) + text + b"\0" * 60
        path = model_files.write(tmp_path / "shape.hornet", {**entries, "weights.safetensors": blob})
        _refused(path, r"needs \d+ bytes but has 48", member="weights.safetensors")


@pytest.mark.parametrize("member", ["config.json", "forward.json", "hornet.json"])
def test_deep_nesting_is_refused_without_recursion_errors(tmp_path, untouched, member):
    _, entries = _dense_model(tmp_path)
    deep = ("[" * 200_000 + "]" * 200_000).encode()
    signed = member != "hornet.json"
    path = model_files.write(tmp_path / "deep.hornet", {**entries, member: deep}, signed=signed)
    error = _refused(path, r"nested too deeply|nested more than|not valid JSON|not a hornet model file", member=member)
    assert not isinstance(error.__cause__, RecursionError)


def test_zip_bombs_are_refused_before_they_are_inflated(tmp_path, untouched):
    _, entries = _dense_model(tmp_path)
    bomb = b"\0" * (128 << 20)
    path = tmp_path / "bomb.hornet"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in model_files.sign({**entries, "weights.safetensors": bomb}).items():
            z.writestr(name, data)
    del bomb
    assert path.stat().st_size < 4 << 20
    tracemalloc.start()
    start = time.perf_counter()
    try:
        _refused(path, r"expands from \d+ to \d+ bytes.*zip bomb", member="weights.safetensors")
        seconds, peak = time.perf_counter() - start, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 2 and peak < 16 << 20


def test_members_claiming_more_data_than_the_file_holds_are_refused(tmp_path, untouched):
    """Central-directory sizes that add up to more than the file (overlapping or invented members)."""
    _, entries = _dense_model(tmp_path)
    path = model_files.write(tmp_path / "o.hornet", entries)
    raw = bytearray(path.read_bytes())
    eocd = raw.rfind(b"PK\x05\x06")
    (pos,) = struct.unpack("<I", raw[eocd + 16:eocd + 20])
    while raw[pos:pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", raw[pos + 28:pos + 34])
        if raw[pos + 46:pos + 46 + name_len] == b"forward_state.safetensors":
            raw[pos + 20:pos + 28] = struct.pack("<II", 50 << 20, 50 << 20)
        pos += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(raw))
    _refused(path, r"exceeds the file's size", member="")


# --- integrity and consistency ---------------------------------------------------------------------------------

def test_a_flipped_weight_byte_is_caught_by_the_manifest(tmp_path, untouched):
    _, entries = _dense_model(tmp_path)
    blob = bytearray(entries["weights.safetensors"])
    blob[-1] ^= 0x40
    path = model_files.write(tmp_path / "flip.hornet", {**entries, "weights.safetensors": bytes(blob)}, signed=False)
    _refused(path, r"sha256 does not match", member="weights.safetensors")


def test_manifest_and_members_must_agree(tmp_path, untouched):
    _, entries = _dense_model(tmp_path)
    signed = model_files.sign(entries)
    meta = json.loads(signed["hornet.json"])
    meta["members"].pop("forward.json")
    path = model_files.write(tmp_path / "m.hornet", {**signed, "hornet.json": json.dumps(meta).encode()},
                             signed=False)
    _refused(path, r"which hornet.json does not list|does not list the required member", member="hornet.json")
    meta = json.loads(signed["hornet.json"])
    meta["members"]["config.json"]["size"] += 1
    path = model_files.write(tmp_path / "m.hornet", {**signed, "hornet.json": json.dumps(meta).encode()},
                             signed=False)
    _refused(path, r"hornet.json records", member="config.json")


def test_forward_and_config_from_two_saves_are_refused(tmp_path, untouched):
    _, entries = _dense_model(tmp_path)
    other = hornet.Sequential([hornet.Input((4,)), layers.Dense(3, activation="tanh", name="d")], name="small")
    other.save(tmp_path / "other.hornet")
    swapped = {**entries, "forward.json": model_files.members(tmp_path / "other.hornet")["forward.json"]}
    path = model_files.write(tmp_path / "swap.hornet", swapped)
    _refused(path, r"forward.json does not match the model that config.json describes", member="forward.json")


def _weights_blob(entries, edit):
    (n,) = struct.unpack("<Q", entries["weights.safetensors"][:8])
    header = json.loads(entries["weights.safetensors"][8:8 + n])
    body = entries["weights.safetensors"][8 + n:]
    text = edit(header)
    if not isinstance(text, bytes):
        text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


@pytest.mark.parametrize("edit, pattern", [
    (lambda h: h["00000:d/kernel"].update(dtype="I32"), r"has dtype int32 in the file but float32 in the model"),
    (lambda h: h["00001:d/bias"].update(data_offsets=[36, 48]), r"overlaps|gap|belong to no tensor"),
    (lambda h: h["00000:d/kernel"].update(data_offsets=[12, 60]) or h["00001:d/bias"].update(data_offsets=[0, 12]),
     None),
    (lambda h: ('{"00001:d/bias": ' + json.dumps(h["00001:d/bias"]) + ", " + json.dumps(h)[1:]).encode(),
     r"duplicate key '00001:d/bias'"),
    (lambda h: h["00000:d/kernel"].update(shape=[4.0, 3]), r"the shape must be a list"),
    (lambda h: h.update({"00002:x": {"dtype": "F32", "shape": [0], "data_offsets": [60, 60]}}),
     r"the file has 3 weights but the model has 2"),
], ids=["dtype_edit", "overlap", "reordered", "duplicate_key", "float_dim", "extra"])
def test_silent_weight_corruptions_are_refused(tmp_path, untouched, edit, pattern):
    model, entries = _dense_model(tmp_path)
    path = model_files.write(tmp_path / "w.hornet", {**entries, "weights.safetensors": _weights_blob(entries, edit)})
    if pattern is None:  # a legal re-layout of the same bytes gives a different, well-formed file
        loaded = hornet.models.load_model(path)
        assert loaded.get_weights()[0].shape == (4, 3)
        return
    _refused(path, pattern, member="weights.safetensors")


def _dropout_model(tmp_path):
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3), layers.Dropout(0.5, seed=2)], name="drop")
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.ones((5, 3), "float32"), verbose=0)
    model.save(tmp_path / "drop.hornet")
    return model_files.members(tmp_path / "drop.hornet")


def test_state_must_match_or_the_load_is_refused(tmp_path, untouched):
    entries = _dropout_model(tmp_path)
    arrays, _ = tensors_file.parse(entries["state.safetensors"])
    cases = {
        "missing": ({k: v for k, v in entries.items() if k != "state.safetensors"}, r"holds no state.safetensors"),
        "extra": ({**entries, "state.safetensors": tensors_file.dump(
            {**arrays, f"{len(arrays):05d}:extra": np.zeros(2, "uint32")})}, r"the file has \d+ state variables"),
        "shape": ({**entries, "state.safetensors": tensors_file.dump(
            {k: np.zeros(7, v.dtype) for k, v in arrays.items()})}, r"has shape \(7,\) in the file"),
    }
    for name, (members, pattern) in cases.items():
        path = model_files.write(tmp_path / f"{name}.hornet", members)
        _refused(path, pattern, member="state.safetensors" if name != "missing" else "")


def test_a_mismatched_optimizer_state_warns_as_keras_does(tmp_path):
    model, entries = _dense_model(tmp_path)
    arrays, _ = tensors_file.parse(entries["optimizer.safetensors"])
    short = tensors_file.dump(dict(list(sorted(arrays.items()))[:2]))
    path = model_files.write(tmp_path / "opt.hornet", {**entries, "optimizer.safetensors": short})
    with pytest.warns(UserWarning, match=r"optimizer.safetensors: the saved optimizer state does not match"):
        loaded = hornet.models.load_model(path)
    assert loaded.compiled


# --- the IR-only path -------------------------------------------------------------------------------------------

class NotRegistered(hornet.Layer):
    def call(self, x):
        return x * 2.0


@pytest.fixture
def graph_model_entries(tmp_path):
    model = hornet.Sequential([hornet.Input((4,)), NotRegistered(), layers.Dense(2)], name="ir")
    model(X[:1])
    model.save(tmp_path / "ir.hornet")
    return model, model_files.members(tmp_path / "ir.hornet")


@pytest.mark.parametrize("edit, pattern", [
    (lambda f: f["inputs"]["leaves"][0].update(dtype="int32"), r"input 0 is described as int32"),
    (lambda f: f["inputs"]["leaves"][0].update(shape=[None, 5]), r"input 0 is described as float32\[None, 5\]"),
    (lambda f: f.update(outputs={"kind": "list", "children": []}), r"the output tree has 0 leaves"),
    (lambda f: f.update(outputs={"kind": "tuple", "children": ["leaf"] * 3}), r"the output tree has 3 leaves"),
    (lambda f: f.update(state=[{"weight": 99}] + f["state"][1:]), r"refers to missing state"),
    (lambda f: f.update(state=f["state"][:1]), r"the forward graph takes \d+ inputs"),
    (lambda f: f.pop("graph"), r"must be an object with 'graph'"),
], ids=["input_dtype", "input_dim", "no_outputs", "too_many_outputs", "state_ref", "state_count", "no_graph"])
def test_graph_model_metadata_must_describe_the_graph(graph_model_entries, tmp_path, untouched, edit, pattern):
    _, entries = graph_model_entries
    forward = json.loads(entries["forward.json"])
    edit(forward)
    path = model_files.write(tmp_path / "gm.hornet", {**entries, "forward.json": json.dumps(forward).encode()})
    _refused(path, pattern, member="forward.json")


def test_graph_model_refuses_values_that_would_need_unbounded_memory(graph_model_entries, tmp_path, untouched):
    _, entries = graph_model_entries
    forward = json.loads(entries["forward.json"])
    graph = forward["graph"]["graph"]
    graph["inputs"][0]["type"]["shape"] = ["batch", 2 ** 34]
    forward["inputs"]["leaves"][0]["shape"] = [None, 2 ** 34]
    path = model_files.write(tmp_path / "big.hornet", {**entries, "forward.json": json.dumps(forward).encode()})
    _refused(path, r"shape|bytes per sample", member="forward.json")


# --- loading with a bare import ----------------------------------------------------------------------------------

def test_built_in_models_reload_after_a_bare_import_hornet(tmp_path):
    import subprocess

    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3), layers.BatchNormalization(),
                               layers.Dropout(0.1), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.ones((5, 2), "float32"), verbose=0)
    model.save(tmp_path / "bare.hornet")
    script = ("import sys, numpy as np, hornet\n"
              f"m = hornet.models.load_model({str(tmp_path / 'bare.hornet')!r})\n"
              "print(type(m).__name__, m.compiled, int(m.optimizer.iterations.numpy()))\n")
    env = {**os.environ, "HORNET_BACKEND": "jax"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["Sequential", "True", str(int(model.optimizer.iterations.numpy()))]
