"""The JSON graph format: exact round trips (text, JSON, constant bits, symbolic dims, every attribute kind,
regions, metadata) and a table of malformed or hostile documents, each a SerializationError naming where."""
from __future__ import annotations

import base64
import builtins
import copy
import json
import pickle
from typing import Any, Callable

import numpy as np
import pytest

from graph_samples import (ATTR_PRIM, EVERY_KIND, REGION_PRIM, attr_prim, bcast, finish, mlp_args,  # noqa: F401
                           mlp_graph, rec, redundant_graph, region_graph, region_prim)
from helpers import assert_close, random_array
from hornet.ir import serialize
from hornet.ir.dtypes import ALL_DTYPES, DType
from hornet.ir.errors import SerializationError
from hornet.ir.graph import Graph, Value
from hornet.ir.passes import verify
from hornet.ir.tracer import Trace
from hornet.ir.types import TensorType
from hornet.lowering import numpy as reference


def roundtrip(g: Graph) -> Graph:
    """Dump, load, dump again: the text, the JSON and the printed graph must not change."""
    text = g.to_json()
    loaded = Graph.from_json(text)
    assert loaded.to_json() == text
    assert str(loaded) == str(g)
    verify(loaded)
    return loaded


# ----------------------------------------------------------------------------------------------- round trips

@pytest.mark.parametrize("sample", ["mlp", "redundant"])
def test_roundtrip_runs_the_same(sample):
    g = mlp_graph() if sample == "mlp" else redundant_graph()
    args = mlp_args() if sample == "mlp" else [np.array([0.5, -1.0, 2.0], np.float32)]
    loaded = roundtrip(g)
    for got, want in zip(reference.run(loaded, *args), reference.run(g, *args)):
        assert_close(got, want, want.dtype)


def test_document_layout():
    doc = json.loads(mlp_graph().to_json())
    assert list(doc) == ["format", "version", "graph"]
    assert doc["format"] == "hornet.graph" and doc["version"] == 1
    g = doc["graph"]
    assert [v["name"] for v in g["inputs"]] == ["x", "w"]
    assert g["inputs"][0]["type"] == {"dtype": "float32", "shape": ["batch", 4]}
    assert g["nodes"][0]["attrs"] == {"lhs_contracting": [1], "rhs_contracting": [0], "lhs_batch": [],
                                      "rhs_batch": [], "preferred_element_type": None}
    assert g["nodes"][0]["op"] == "matmul" and g["outputs"] == [7]
    # raw little-endian bytes: 0.5, -1.0, 0.25 as float32
    assert base64.b64decode(g["constants"][0]["data"]) == bytes.fromhex("0000003f000080bf0000803e")


def _constant_graph(*arrays: np.ndarray) -> Graph:
    tr = Trace("consts")
    values = [tr.constant(a) for a in arrays]
    tr.graph.outputs = values
    return tr.graph


def _assert_same_bits(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == np.ascontiguousarray(want).tobytes()


@pytest.mark.parametrize("d", ALL_DTYPES, ids=str)
def test_constants_of_every_dtype(d):
    rng = np.random.default_rng(1)
    arrays = [random_array((2, 3), d, rng), random_array((), d, rng), random_array((0, 4), d, rng),
              random_array((7,), d, rng)[::2]]  # a strided view is written contiguously
    loaded = roundtrip(_constant_graph(*arrays))
    for got, want in zip(loaded.constants.values(), arrays):
        _assert_same_bits(got, want)
        assert got.flags.writeable and got.flags.c_contiguous


# (dtype, bit patterns): NaN payloads (quiet, signalling, negative), -0.0, infinities, subnormals
SPECIAL_BITS = {
    DType.float16: [0x7E01, 0xFE00, 0x7C01, 0x8000, 0x7C00, 0xFC00, 0x0001],
    DType.bfloat16: [0x7FC1, 0xFF81, 0x7F81, 0x8000, 0x7F80, 0xFF80, 0x0001],
    DType.float32: [0x7FC00001, 0xFFC12345, 0x7F800001, 0x80000000, 0x7F800000, 0xFF800000, 0x00000001],
    DType.float64: [0x7FF8000000000001, 0xFFF8DEADBEEF0000, 0x7FF0000000000001, 0x8000000000000000,
                    0x7FF0000000000000, 0xFFF0000000000000, 0x0000000000000001],
}


@pytest.mark.parametrize("d", sorted(SPECIAL_BITS), ids=str)
def test_float_bit_patterns_survive(d):
    uint = np.dtype(f"u{d.itemsize}")
    arr = np.array(SPECIAL_BITS[d], dtype=uint).view(d.np)
    (got,) = roundtrip(_constant_graph(arr)).constants.values()
    _assert_same_bits(got, arr)
    assert got.view(uint).tolist() == SPECIAL_BITS[d]


def test_symbolic_dims():
    tr = Trace("sym")
    x = tr.new_input(TensorType("float32", ("batch", "n", 4)))
    y = rec(tr, "reshape", x, new_sizes=("batch", "4*n"))
    z = rec(tr, "concatenate", y, y, dimension=1)
    g = finish(tr, z, bcast(tr, np.float32(1.0), ("2*batch+1", 3), ()))
    loaded = roundtrip(g)
    assert loaded.outputs[0].type == TensorType("float32", ("batch", "8*n"))
    assert loaded.outputs[1].type.shape == ("2*batch+1", 3)
    arr = np.ones((2, 5, 4), np.float32)
    assert reference.run(loaded, arr)[0].shape == (2, 40)


def test_every_attribute_kind(attr_prim):
    tr = Trace("attrs")
    x = tr.new_input(TensorType("float32", (2,)))
    y = rec(tr, ATTR_PRIM, x, **EVERY_KIND)
    z = rec(tr, ATTR_PRIM, y, **{**EVERY_KIND, "a_float": float("-inf"), "a_optional": 0.25, "a_default": 3})
    loaded = roundtrip(finish(tr, z))
    attrs = loaded.nodes[0].attrs
    assert attrs["a_dtype"] is DType.bfloat16 and np.isnan(attrs["a_float"])
    assert attrs["a_shape"] == ("batch", "2*batch+1", 4) and attrs["a_pairs"] == ((0, 1), (-2, 3))
    inner = attrs["a_json"][2]
    assert inner[:2] == ("x", 1.5) and inner[2:4] == (float("inf"), float("-inf")) and np.isnan(inner[4])
    assert attrs["a_optional"] is None and attrs["a_default"] == 7
    assert loaded.nodes[1].attrs["a_float"] == float("-inf") and loaded.nodes[1].attrs["a_optional"] == 0.25
    encoded = json.loads(loaded.to_json())["graph"]["nodes"][0]["attrs"]
    assert encoded["a_float"] == "nan" and encoded["a_json"][2][2:5] == [{"float": "inf"}, {"float": "-inf"},
                                                                           {"float": "nan"}]


def test_catalogue_attributes():
    """Real prims with dtype, bool, str, pairs, triples, optional and json attributes."""
    tr = Trace("cat")
    x = tr.new_input(TensorType("float32", (2, 4)))
    a = rec(tr, "convert", x, new_dtype="bfloat16")
    b = rec(tr, "reduce_window", x, computation="max", window_dimensions=(1, 2), window_strides=(1, 1),
            padding=((0, 0), (0, 1)))
    c = rec(tr, "pad", x, np.float32(0.0), padding_config=((0, 0, 0), (1, 1, 1)))
    (d,) = rec(tr, "sort", x, dimension=1, descending=True)
    e = rec(tr, "sharding_constraint", x, spec=("data", None))
    f = rec(tr, "layer_norm", x, axes=(1,), epsilon=1e-5)
    g = finish(tr, a, b, c, d, e, f)
    loaded = roundtrip(g)
    arr = np.arange(8, dtype=np.float32).reshape(2, 4)
    for got, want in zip(reference.run(loaded, arr), reference.run(g, arr)):
        _assert_same_bits(got, want)


def test_regions(region_prim):
    g = region_graph()
    loaded = roundtrip(g)
    region = loaded.nodes[0].regions[0]
    assert region.name == "body" and len(region.nodes) == 4
    assert json.loads(g.to_json())["graph"]["nodes"][0]["regions"][0]["inputs"][0]["id"] == 0  # local ids


def test_metadata_is_kept():
    g = mlp_graph()
    g.metadata = {"out_tree": {"kind": "tuple", "children": ["leaf", "none"]}, "note": "héllo ✓",
                  "numbers": [1, 2.5, -3e-300, True, None], "nested": {"a": {"b": [[]]}}, "tuple": (1, 2)}
    loaded = Graph.from_json(g.to_json())
    assert loaded.metadata["note"] == "héllo ✓" and loaded.metadata["tuple"] == [1, 2]
    assert loaded.to_json() == g.to_json() and roundtrip(loaded).metadata == loaded.metadata


def test_bytes_input():
    text = mlp_graph().to_json()
    assert Graph.from_json(text.encode("utf-8")).to_json() == text


# ----------------------------------------------------------------------------------------------- dump errors

@pytest.mark.parametrize("metadata, pattern", [
    ({"f": float("nan")}, r"\$\.graph\.metadata\.f: non-finite float"),
    ({"a": np.float32(1.0)}, r"\$\.graph\.metadata\.a: a float32 is not JSON data"),
    ({1: "x"}, r"\$\.graph\.metadata: key 1 is not a string"),
    ({"obj": object()}, r"metadata\.obj: a object is not JSON data"),
])
def test_dump_rejects_non_json_metadata(metadata, pattern):
    g = mlp_graph()
    g.metadata = metadata
    with pytest.raises(SerializationError, match=pattern):
        g.to_json()


def test_dump_rejects_broken_graphs():
    g = mlp_graph()
    g.nodes[2].inputs = (Value(TensorType("float32", ())), g.nodes[2].inputs[1])
    with pytest.raises(SerializationError, match=r"\$\.graph\.nodes\[2\]\.inputs\[0\]: value .* not defined"):
        g.to_json()
    g = mlp_graph()
    g.nodes[0].prim = "nope"
    with pytest.raises(SerializationError, match=r"\$\.graph\.nodes\[0\]: unknown prim 'nope'"):
        g.to_json()
    g = mlp_graph()
    (v,) = g.constants
    g.constants[v] = g.constants[v].astype(np.float16)
    with pytest.raises(SerializationError, match=r"constants\[0\]: array of dtype float16 .* float32\[3\]"):
        g.to_json()


# ----------------------------------------------------------------------------------------------- hostile input

def doc() -> dict:
    return json.loads(mlp_graph().to_json())


def edit(fn: Callable[[dict], Any]) -> str:
    """A valid document changed by ``fn`` (which edits the parsed JSON in place)."""
    d = doc()
    fn(d)
    return json.dumps(d)


def nested(depth: int, leaf: Any) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


def _set(d: dict, path: str, value: Any) -> None:
    """``path`` like ``graph.nodes.2.inputs``: dict keys and list indices separated by dots."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    for p in parents:
        d = d[p]
    if value is DELETE:
        del d[last]
    else:
        d[last] = value


DELETE = object()
PAYLOAD = "__import__('os').system('touch pwned')"


def put(path: str, value: Any) -> Callable[[dict], None]:
    return lambda d: _set(d, path, value)


HOSTILE: dict[str, tuple[Any, str]] = {
    # not a document at all
    "not json": ("this is not json", r"not valid JSON"),
    "empty": ("", r"not valid JSON"),
    "truncated": (mlp_graph().to_json()[:-7], r"not valid JSON"),
    "NaN literal": ('{"format": NaN}', r"NaN is not allowed"),
    "Infinity literal": ('{"format": -Infinity}', r"-Infinity is not allowed"),
    "duplicate key": ('{"format": "hornet.graph", "format": "x"}', r"duplicate key 'format'"),
    "deep json": ("[" * 100_000 + "]" * 100_000, r"not valid JSON"),
    "top-level list": ("[]", r"^\$: expected an object, got a list"),
    "wrong format": (edit(put("format", "pickle")), r"\$\.format: expected 'hornet\.graph', got 'pickle'"),
    "unknown version": (edit(put("version", 2)), r"\$\.version: unsupported version 2; .* version\(s\) 1"),
    "string version": (edit(put("version", "1")), r"unsupported version '1'"),
    "bool version": (edit(put("version", True)), r"unsupported version True"),
    "missing field": (edit(put("graph", DELETE)), r"^\$: missing field\(s\) 'graph'"),
    "extra field": (edit(put("code", PAYLOAD)), r"^\$: unexpected field\(s\) 'code'"),
    # structure
    "graph not object": (edit(put("graph", [])), r"\$\.graph: expected an object, got a list"),
    "missing node field": (edit(put("graph.nodes.2.attrs", DELETE)), r"\$\.graph\.nodes\[2\]: missing .*'attrs'"),
    "extra node field": (edit(put("graph.nodes.2.eval", PAYLOAD)), r"nodes\[2\]: unexpected field\(s\) 'eval'"),
    "extra value field": (edit(put("graph.inputs.0.pickle", "x")), r"inputs\[0\]: unexpected field\(s\) 'pickle'"),
    "unknown prim": (edit(put("graph.nodes.2.prim", PAYLOAD)), r"\$\.graph\.nodes\[2\]\.prim: unknown prim"),
    "prim not a string": (edit(put("graph.nodes.2.prim", ["add"])), r"nodes\[2\]\.prim: expected a string"),
    "op not a string": (edit(put("graph.nodes.0.op", 5)), r"nodes\[0\]\.op: expected a string, got an integer"),
    "graph name null": (edit(put("graph.name", None)), r"\$\.graph\.name: expected a string, got null"),
    "value name number": (edit(put("graph.inputs.0.name", 5)), r"inputs\[0\]\.name: expected a string"),
    "inputs not a list": (edit(put("graph.nodes.0.inputs", "0,1")), r"nodes\[0\]\.inputs: expected a list"),
    "bool as id": (edit(put("graph.nodes.0.inputs.0", True)), r"nodes\[0\]\.inputs\[0\]: expected an integer"),
    "float as id": (edit(put("graph.nodes.0.inputs.0", 0.0)), r"inputs\[0\]: expected an integer, got a number"),
    "undefined reference": (edit(put("graph.nodes.2.inputs.1", 99)),
                            r"\$\.graph\.nodes\[2\]\.inputs\[1\]: value id 99 is not defined .*\(node prim 'add'\)"),
    "forward reference": (edit(put("graph.nodes.0.inputs.1", 5)), r"nodes\[0\]\.inputs\[1\]: value id 5 is not"),
    "undefined output": (edit(put("graph.outputs.0", 42)), r"\$\.graph\.outputs\[0\]: value id 42 is not defined"),
    "duplicate id": (edit(put("graph.nodes.1.outputs.0.id", 3)), r"nodes\[1\]\.outputs\[0\]\.id: .*defined twice"),
    "negative id": (edit(put("graph.inputs.0.id", -1)), r"inputs\[0\]\.id: id -1 is out of range"),
    "huge id": (edit(put("graph.inputs.0.id", 2**31)), r"inputs\[0\]\.id: id 2147483648 is out of range"),
    # types
    "unknown dtype": (edit(put("graph.inputs.0.type.dtype", "complex64")),
                      r"inputs\[0\]\.type\.dtype: unknown dtype 'complex64'; hornet dtypes are bool, int8"),
    "foreign dtype name": (edit(put("graph.inputs.0.type.dtype", "torch.float32")), r"unknown dtype 'torch"),
    "type missing shape": (edit(put("graph.inputs.0.type", {"dtype": "float32"})),
                           r"inputs\[0\]\.type: missing field\(s\) 'shape'"),
    "absurd size": (edit(put("graph.inputs.1.type.shape", [2**21, 2**21])),
                    r"inputs\[1\]\.type\.shape: declares 4398046511104 elements, over the limit of 2\*\*40"),
    "absurd dim": (edit(put("graph.inputs.1.type.shape", [2**50])), r"shape\[0\]: dimension .* out of range"),
    "absurd dim as text": (edit(put("graph.inputs.1.type.shape", ["99999999999999"])), r"shape\[0\]: .*out of range"),
    "negative dim": (edit(put("graph.inputs.1.type.shape", [-1, 3])), r"shape\[0\]: dimension -1 is out of range"),
    "code as dim": (edit(put("graph.inputs.0.type.shape.0", PAYLOAD)), r"shape\[0\]: malformed symbolic dimension"),
    "empty dim": (edit(put("graph.inputs.0.type.shape.0", "")), r"shape\[0\]: a dimension must be"),
    "float dim": (edit(put("graph.inputs.1.type.shape.0", 4.0)), r"shape\[0\]: a dimension must be .*got a number"),
    "huge rank": (edit(put("graph.inputs.1.type.shape", [1] * 65)), r"rank 65 is over the limit of 64"),
    # constants
    "short constant": (edit(put("graph.constants.0.data", base64.b64encode(bytes(8)).decode())),
                       r"constants\[0\]\.data: base64 text of 12 characters cannot hold the 12 bytes"),
    "bad base64": (edit(put("graph.constants.0.data", "!!!!" + "A" * 12)), r"constants\[0\]\.data: invalid base64"),
    "data not text": (edit(put("graph.constants.0.data", [0, 0, 0])), r"constants\[0\]\.data: expected a string"),
    "symbolic constant": (edit(put("graph.constants.0.type.shape", ["n"])), r"needs a static shape"),
    "missing data": (edit(put("graph.constants.0.data", DELETE)), r"constants\[0\]: missing field\(s\) 'data'"),
    # attributes
    "unknown attribute": (edit(put("graph.nodes.4.attrs.keepdims", True)),
                          r"nodes\[4\]\.attrs\.keepdims: prim 'reduce_sum' has no attribute 'keepdims'"),
    "missing attribute": (edit(put("graph.nodes.4.attrs.axes", DELETE)), r"missing required attribute 'axes'"),
    "attribute wrong type": (edit(put("graph.nodes.4.attrs.axes", "1")), r"nodes\[4\]\.attrs\.axes: expected a list"),
    "attribute element type": (edit(put("graph.nodes.4.attrs.axes", [1.0])), r"attrs\.axes\[0\]: expected an int"),
    "attribute too big": (edit(put("graph.nodes.4.attrs.axes", [2**70])), r"axes\[0\]: integer .* not fit in 64"),
    "attribute unknown dtype": (edit(put("graph.nodes.0.attrs.preferred_element_type", "float128")),
                                r"preferred_element_type: expected a dtype name .* got 'float128'"),
    "attribute code string": (edit(put("graph.nodes.1.attrs.shape", [PAYLOAD, 3])),
                              r"nodes\[1\]\.attrs\.shape\[0\]: malformed symbolic dimension"),
    "attrs not object": (edit(put("graph.nodes.4.attrs", [["axes", [1]]])), r"nodes\[4\]\.attrs: expected an object"),
    "metadata not object": (edit(put("graph.metadata", [])), r"\$\.graph\.metadata: expected an object"),
    "deep metadata": (edit(put("graph.metadata", {"x": nested(100, 1)})), r"metadata\.x.*nested more than 64"),
    # well-formed, but not a valid graph
    "wrong output type": (edit(put("graph.nodes.3.outputs.0.type.dtype", "float16")),
                          r"\$\.graph: the loaded graph is invalid: .*node 3 \(prim 'exp', op 'exp'\): recorded"),
    "wrong arity": (edit(put("graph.nodes.3.inputs", [5, 5])), r"loaded graph is invalid: .*expected 1 inputs"),
    "bad attribute value": (edit(put("graph.nodes.4.attrs.axes", [7])), r"loaded graph is invalid: .*node 4"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents(name, monkeypatch, tmp_path):
    text, pattern = HOSTILE[name]
    monkeypatch.chdir(tmp_path)

    def forbidden(*args, **kwargs):
        raise AssertionError("loading executed code")

    for mod, attr in ((builtins, "eval"), (builtins, "exec"), (pickle, "loads"), (pickle, "load")):
        monkeypatch.setattr(mod, attr, forbidden)
    with pytest.raises(SerializationError, match=pattern):
        Graph.from_json(text)
    assert not (tmp_path / "pwned").exists()


def test_hostile_strings_stay_inert(monkeypatch, tmp_path):
    """Code in names, op labels and metadata is loaded as plain text and never run."""
    monkeypatch.chdir(tmp_path)
    d = doc()
    d["graph"]["name"] = PAYLOAD
    d["graph"]["inputs"][0]["name"] = PAYLOAD
    d["graph"]["nodes"][0]["op"] = PAYLOAD
    d["graph"]["metadata"] = {PAYLOAD: [PAYLOAD], "__reduce__": "os.system"}
    g = Graph.from_json(json.dumps(d))
    assert g.name == PAYLOAD and g.inputs[0].name == PAYLOAD and g.nodes[0].op == PAYLOAD
    assert g.metadata[PAYLOAD] == [PAYLOAD]
    assert PAYLOAD in str(g)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("text, pattern", [
    (123, r"expected JSON text \(str or bytes\), got int"),
    (b"\xff\xfe{}", r"not UTF-8"),
])
def test_not_text(text, pattern):
    with pytest.raises(SerializationError, match=pattern):
        Graph.from_json(text)


def test_size_cap():
    text = mlp_graph().to_json()
    assert serialize.MAX_TEXT_SIZE == 2 * 1024**3
    assert serialize.graph_from_json(text, max_size=len(text)).name == "main"
    with pytest.raises(SerializationError, match=f"is {len(text)} long, over the limit of {len(text) - 1}"):
        serialize.graph_from_json(text, max_size=len(text) - 1)


def test_bool_constant_bytes_must_be_0_or_1():
    text = _constant_graph(np.array([True, False])).to_json()
    d = json.loads(text)
    d["graph"]["constants"][0]["data"] = base64.b64encode(bytes([1, 2])).decode()
    with pytest.raises(SerializationError, match=r"constants\[0\]\.data: a bool constant holds bytes other than"):
        Graph.from_json(json.dumps(d))


def _region_doc(depth: int) -> dict:
    """main(x) = test_call(x){ test_call(x){ ... exp ... } } nested ``depth`` regions deep."""
    t = {"dtype": "float32", "shape": [3]}
    inner = {"name": "leaf", "inputs": [{"id": 0, "type": t}], "constants": [], "metadata": {}, "outputs": [1],
             "nodes": [{"prim": "exp", "op": None, "inputs": [0], "outputs": [{"id": 1, "type": t}], "attrs": {},
                        "regions": []}]}
    for level in range(depth):
        inner = {"name": f"level{level}", "inputs": [{"id": 0, "type": t}], "constants": [], "metadata": {},
                 "outputs": [1], "nodes": [{"prim": REGION_PRIM, "op": None, "inputs": [0], "attrs": {},
                                            "outputs": [{"id": 1, "type": t}], "regions": [inner]}]}
    return {"format": "hornet.graph", "version": 1, "graph": inner}


def test_region_nesting_limit(region_prim):
    ok = Graph.from_json(json.dumps(_region_doc(serialize.MAX_REGION_DEPTH)))
    x = np.array([0.0, 1.0, 2.0], np.float32)
    assert_close(reference.run(ok, x)[0], np.exp(x), "float32")
    with pytest.raises(SerializationError, match="regions are nested more than 32 deep"):
        Graph.from_json(json.dumps(_region_doc(serialize.MAX_REGION_DEPTH + 1)))


def test_regions_are_closed_on_load(region_prim):
    d = _region_doc(1)
    region = d["graph"]["nodes"][0]["regions"][0]
    region["inputs"][0]["id"] = 5  # the region's own input is now 5; its exp still reads id 0 (the outer x)
    with pytest.raises(SerializationError, match=r"\$\.graph\.nodes\[0\]\.regions\[0\]\.nodes\[0\]\.inputs\[0\]: "
                                                 r"value id 0 is not defined .*regions may use only their own"):
        Graph.from_json(json.dumps(d))


def test_hostile_json_attribute(attr_prim):
    tr = Trace("attrs")
    x = tr.new_input(TensorType("float32", (2,)))
    good = json.loads(finish(tr, rec(tr, ATTR_PRIM, x, **EVERY_KIND)).to_json())
    cases = {
        "a_json": ({"float": "nan", "__class__": "os.system"}, r"attrs\.a_json: unexpected field\(s\) '__class__'"),
        "a_ints": ({"__class__": "os.system"}, r"attrs\.a_ints: expected a list, got an object"),
        "a_float": ("1e5", r"attrs\.a_float: expected a number or one of 'inf'"),
        "a_bool": (1, r"attrs\.a_bool: expected a boolean, got an integer"),
        "a_pairs": ([[1, 2, 3]], r"attrs\.a_pairs\[0\]: expected 2 integers, got 3"),
        "a_str": (None, r"attrs\.a_str: expected a string, got null"),
    }
    for key, (value, pattern) in cases.items():
        d = copy.deepcopy(good)
        d["graph"]["nodes"][0]["attrs"][key] = value
        with pytest.raises(SerializationError, match=pattern):
            Graph.from_json(json.dumps(d))
    d = copy.deepcopy(good)
    d["graph"]["nodes"][0]["attrs"]["a_json"] = nested(100, None)
    with pytest.raises(SerializationError, match=r"a_json(\[0\])+: nested more than 64 levels deep"):
        Graph.from_json(json.dumps(d))
