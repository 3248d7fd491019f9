"""hornet's versioned, data-only JSON graph format.

A document is ``{"format": "hornet.graph", "version": 1, "graph": G}`` where a graph G is::

    {"name": str, "inputs": [V...], "constants": [C...], "nodes": [N...], "outputs": [id...], "metadata": {...}}
    V = {"id": int, "type": T, "name"?: str}                     a value definition; ids are local to G
    C = {"id": int, "type": T, "data": base64, "name"?: str}     raw little-endian bytes, row-major
    N = {"prim": str, "op": str|null, "inputs": [id...], "outputs": [V...], "attrs": {...}, "regions": [G...]}
    T = {"dtype": "float32", "shape": [2, "batch"]}

Attributes are encoded per their kind in the prim's schema (dtypes by name, tuples as lists, non-finite floats
as the strings "inf", "-inf", "nan"; inside "json" attributes as ``{"float": "nan"}``). Regions are closed: a
region's ids refer only to its own values.

Loading never executes code: the text is parsed by ``hornet.ir.strict_json`` (NaN/Infinity literals, duplicate
keys and excessive nesting rejected) and checked field by field; every problem raises SerializationError naming
the JSON path (and the node index and prim). Limits: ``MAX_TEXT_SIZE`` (2 GiB of text), ``MAX_REGION_DEPTH`` nested regions,
``MAX_JSON_DEPTH`` nesting inside metadata and json attributes, ``MAX_ELEMENTS`` elements per declared type,
``MAX_RANK`` dims. The loaded graph must pass ``verify``.

>>> from hornet.ir.graph import Graph
>>> graph_from_json(graph_to_json(Graph(name="f"))).name
'f'
"""
from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any, Callable

import numpy as np

from hornet.ir import strict_json
from hornet.ir.dtypes import DType
from hornet.ir.errors import HornetError, SerializationError
from hornet.ir.graph import Graph, Node, Value
from hornet.ir.prims import PRIMITIVES, normalize_attrs
from hornet.ir.symbolic import canonical_dim
from hornet.ir.types import TensorType

FORMAT = "hornet.graph"
VERSION = 1
SUPPORTED_VERSIONS = (1,)
MAX_TEXT_SIZE = 2 * 1024**3  # characters (str) or bytes (bytes) accepted by graph_from_json
MAX_REGION_DEPTH = 32
MAX_JSON_DEPTH = 64
_MAX_DOCUMENT_DEPTH = 8 * MAX_REGION_DEPTH + MAX_JSON_DEPTH  # JSON levels of the deepest legal document
MAX_ELEMENTS = 2**40
MAX_RANK = 64
MAX_DIM_TEXT = 256  # characters of one symbolic dim
MAX_ID = 2**31
_NONFINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _fail(path: str, message: str) -> SerializationError:
    return SerializationError(f"{path}: {message}")


def _short(x: Any, limit: int = 80) -> str:
    """A repr for error messages, cut so hostile documents cannot flood them."""
    text = repr(x)
    return text if len(text) <= limit else text[:limit] + "..."


# ----------------------------------------------------------------------------------------------- encoding

def graph_to_json(graph: Graph) -> str:
    """Serialize ``graph`` (what ``Graph.to_json`` returns); a SerializationError if it cannot be encoded."""
    doc = {"format": FORMAT, "version": VERSION, "graph": _encode_graph(graph, "$.graph")}
    return json.dumps(doc, separators=(",", ":"), allow_nan=False)


def _encode_type(t: TensorType) -> dict[str, Any]:
    return {"dtype": t.dtype.value, "shape": list(t.shape)}


def _encode_bytes(arr: np.ndarray) -> str:
    a = np.ascontiguousarray(arr)
    raw = a.view(f"u{a.dtype.itemsize}").astype(f"<u{a.dtype.itemsize}")  # bit-exact, little-endian
    return base64.b64encode(raw.tobytes()).decode("ascii")


def _encode_graph(graph: Graph, path: str) -> dict[str, Any]:
    ids: dict[Value, int] = {}

    def define(v: Value) -> dict[str, Any]:
        ids[v] = len(ids)
        out: dict[str, Any] = {"id": ids[v], "type": _encode_type(v.type)}
        if v.name is not None:
            out["name"] = v.name
        return out

    def ref(v: Value, where: str) -> int:
        if v not in ids:
            raise _fail(where, f"value {v!r} is not defined before this use")
        return ids[v]

    inputs = [define(v) for v in graph.inputs]
    constants = []
    for k, (v, arr) in enumerate(graph.constants.items()):
        arr = np.asarray(arr)
        if arr.dtype != v.type.dtype.np or arr.shape != v.type.shape:
            raise _fail(f"{path}.constants[{k}]", f"array of dtype {arr.dtype} shape {arr.shape} does not match "
                                                  f"the constant's type {v.type}")
        constants.append({**define(v), "data": _encode_bytes(arr)})
    nodes = []
    for i, node in enumerate(graph.nodes):
        where = f"{path}.nodes[{i}]"
        prim = PRIMITIVES.get(node.prim)
        if prim is None:
            raise _fail(where, f"unknown prim '{node.prim}'")
        ins = [ref(v, f"{where}.inputs[{k}]") for k, v in enumerate(node.inputs)]
        nodes.append({"prim": node.prim, "op": node.op, "inputs": ins, "outputs": [define(v) for v in node.outputs],
                      "attrs": _encode_attrs(prim, node.attrs, f"{where}.attrs"),
                      "regions": [_encode_graph(r, f"{where}.regions[{k}]") for k, r in enumerate(node.regions)],
                      **({"scope": node.scope} if node.scope is not None else {})})
    outputs = [ref(v, f"{path}.outputs[{k}]") for k, v in enumerate(graph.outputs)]
    _check_json(graph.metadata, f"{path}.metadata", 0)
    return {"name": graph.name, "inputs": inputs, "constants": constants, "nodes": nodes, "outputs": outputs,
            "metadata": graph.metadata}


def _encode_float(x: float) -> Any:
    x = float(x)
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def _encode_json_attr(v: Any) -> Any:
    if isinstance(v, (tuple, list)):
        return [_encode_json_attr(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return {"float": _encode_float(v)}
    return v


_ATTR_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "int": int,
    "float": _encode_float,
    "bool": bool,
    "str": str,
    "dtype": lambda v: DType(v).value,
    "ints": lambda v: [int(i) for i in v],
    "shape": list,
    "pairs": lambda v: [[int(i) for i in p] for p in v],
    "triples": lambda v: [[int(i) for i in p] for p in v],
    "json": _encode_json_attr,
}


def _encode_attrs(prim: Any, attrs: dict[str, Any], path: str) -> dict[str, Any]:
    out = {}
    order = list(prim.attrs) + [k for k in attrs if k not in prim.attrs]  # schema order: stable output
    for key in order:
        if key not in attrs:
            continue
        spec = prim.attrs.get(key)
        if spec is None:
            raise _fail(f"{path}.{key}", f"prim '{prim.name}' has no attribute '{key}'")
        value = attrs[key]
        if value is None:
            out[key] = None
            continue
        encoder = _ATTR_ENCODERS.get(spec.kind)
        if encoder is None:
            raise _fail(f"{path}.{key}", f"attribute kind '{spec.kind}' cannot be serialized")
        try:
            out[key] = encoder(value)
        except (TypeError, ValueError) as e:
            raise _fail(f"{path}.{key}", f"cannot encode {value!r} as a {spec.kind}: {e}") from None
    return out


def _check_json(value: Any, path: str, depth: int) -> None:
    """JSON-able data only (metadata): None, bool, int, finite float, str, lists/tuples, str-keyed dicts."""
    if depth > MAX_JSON_DEPTH:
        raise _fail(path, f"nested more than {MAX_JSON_DEPTH} levels deep")
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(path, f"non-finite float {value!r} is not allowed in metadata")
        return
    if isinstance(value, (list, tuple)):
        for k, v in enumerate(value):
            _check_json(v, f"{path}[{k}]", depth + 1)
        return
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise _fail(path, f"key {k!r} is not a string")
            _check_json(v, f"{path}.{k}", depth + 1)
        return
    raise _fail(path, f"a {type(value).__name__} is not JSON data")


# ----------------------------------------------------------------------------------------------- decoding

def graph_from_json(text: str | bytes, *, max_size: int = MAX_TEXT_SIZE) -> Graph:
    """Load a graph written by ``graph_to_json``. Data only, never executes code; malformed or hostile input
    raises SerializationError naming the problem and where it is."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise SerializationError(f"expected JSON text (str or bytes), got {type(text).__name__}")
    if len(text) > max_size:
        raise SerializationError(f"document is {len(text)} long, over the limit of {max_size}")
    if not isinstance(text, str):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise SerializationError(f"document is not UTF-8 text: {e}") from None
    try:
        doc = strict_json.parse(text, max_depth=_MAX_DOCUMENT_DEPTH)
    except strict_json.StrictJSONError as e:
        raise SerializationError(f"document {e}") from None
    # Format and version first: a newer file should say "newer version", not "unexpected field".
    if isinstance(doc, dict) and "format" in doc and doc["format"] != FORMAT:
        raise _fail("$.format", f"expected {FORMAT!r}, got {_short(doc['format'])} (not a hornet graph)")
    if isinstance(doc, dict) and "version" in doc and (
            type(doc["version"]) is not int or doc["version"] not in SUPPORTED_VERSIONS):
        raise _fail("$.version", f"unsupported version {_short(doc['version'])}; this hornet reads version(s) "
                                 f"{', '.join(map(str, SUPPORTED_VERSIONS))}")
    _fields(doc, "$", ("format", "version", "graph"))
    graph = _decode_graph(doc["graph"], "$.graph", 0)
    from hornet.ir.passes.verify import verify  # local: passes import this package's modules

    try:
        verify(graph)
    except HornetError as e:
        raise _fail("$.graph", f"the loaded graph is invalid: {e}") from None
    return graph


_JSON_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", int: "an integer", bool: "a boolean",
                    float: "a number", type(None): "null"}


def _describe(x: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(x), type(x).__name__)


def _fields(obj: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    if type(obj) is not dict:
        raise _fail(path, f"expected an object, got {_describe(obj)}")
    missing = [k for k in required if k not in obj]
    if missing:
        raise _fail(path, f"missing field(s) {', '.join(map(repr, missing))}")
    extra = [k for k in obj if k not in required and k not in optional]
    if extra:
        raise _fail(path, f"unexpected field(s) {', '.join(map(repr, extra))}; "
                          f"expected {', '.join(map(repr, required + optional))}")
    return obj


def _typed(x: Any, kind: type, path: str) -> Any:
    if type(x) is not kind:
        raise _fail(path, f"expected {_JSON_TYPE_NAMES[kind]}, got {_describe(x)}")
    return x


def _decode_dim(d: Any, path: str) -> Any:
    if type(d) is int:
        if not 0 <= d <= MAX_ELEMENTS:
            raise _fail(path, f"dimension {d} is out of range [0, 2**40]")
        return d
    if type(d) is not str or not d or len(d) > MAX_DIM_TEXT:
        raise _fail(path, f"a dimension must be an integer or a symbolic name (1-{MAX_DIM_TEXT} characters), "
                          f"got {_describe(d) if type(d) is not str else _short(d)}")
    try:
        dim = canonical_dim(d)
    except HornetError as e:
        raise _fail(path, str(e)) from None
    return _decode_dim(dim, path) if isinstance(dim, int) else dim  # "7" is the int 7: range-check it


def _decode_type(obj: Any, path: str) -> TensorType:
    _fields(obj, path, ("dtype", "shape"))
    name = _typed(obj["dtype"], str, f"{path}.dtype")
    if name not in DType.__members__:
        raise _fail(f"{path}.dtype", f"unknown dtype {_short(name)}; hornet dtypes are "
                                     f"{', '.join(d.value for d in DType)}")
    shape = _typed(obj["shape"], list, f"{path}.shape")
    if len(shape) > MAX_RANK:
        raise _fail(f"{path}.shape", f"rank {len(shape)} is over the limit of {MAX_RANK}")
    dims = [_decode_dim(d, f"{path}.shape[{k}]") for k, d in enumerate(shape)]
    static = math.prod(d for d in dims if isinstance(d, int))
    if static > MAX_ELEMENTS:
        raise _fail(f"{path}.shape", f"declares {static} elements, over the limit of 2**40")
    return TensorType(DType[name], dims)


class _Scope:
    """One graph's value table (regions get their own: they are closed)."""

    def __init__(self, path: str):
        self.path = path
        self.values: dict[int, Value] = {}

    def define(self, obj: Any, path: str, extra: tuple[str, ...] = ()) -> tuple[Value, dict[str, Any]]:
        _fields(obj, path, ("id", "type") + extra, ("name",))
        vid = _typed(obj["id"], int, f"{path}.id")
        if not 0 <= vid < MAX_ID:
            raise _fail(f"{path}.id", f"id {vid} is out of range [0, 2**31)")
        if vid in self.values:
            raise _fail(f"{path}.id", f"value id {vid} is defined twice in {self.path}")
        name = obj.get("name")
        if name is not None:
            _typed(name, str, f"{path}.name")
        v = Value(_decode_type(obj["type"], f"{path}.type"), None, name)
        self.values[vid] = v
        return v, obj

    def ref(self, vid: Any, path: str) -> Value:
        _typed(vid, int, path)
        v = self.values.get(vid)
        if v is None:
            raise _fail(path, f"value id {vid} is not defined before this use in {self.path} "
                              "(regions may use only their own values)")
        return v


def _decode_graph(obj: Any, path: str, depth: int) -> Graph:
    if depth > MAX_REGION_DEPTH:
        raise _fail(path, f"regions are nested more than {MAX_REGION_DEPTH} deep")
    _fields(obj, path, ("name", "inputs", "constants", "nodes", "outputs", "metadata"))
    scope = _Scope(path)
    graph = Graph(name=_typed(obj["name"], str, f"{path}.name"))
    for k, item in enumerate(_typed(obj["inputs"], list, f"{path}.inputs")):
        graph.inputs.append(scope.define(item, f"{path}.inputs[{k}]")[0])
    for k, item in enumerate(_typed(obj["constants"], list, f"{path}.constants")):
        v, _ = scope.define(item, f"{path}.constants[{k}]", ("data",))
        graph.constants[v] = _decode_array(item["data"], v.type, f"{path}.constants[{k}]")
    for i, item in enumerate(_typed(obj["nodes"], list, f"{path}.nodes")):
        graph.nodes.append(_decode_node(item, f"{path}.nodes[{i}]", scope, depth))
    graph.outputs = [scope.ref(vid, f"{path}.outputs[{k}]")
                     for k, vid in enumerate(_typed(obj["outputs"], list, f"{path}.outputs"))]
    metadata = _typed(obj["metadata"], dict, f"{path}.metadata")
    _check_json(metadata, f"{path}.metadata", 0)
    graph.metadata = metadata
    return graph


def _decode_array(data: Any, t: TensorType, path: str) -> np.ndarray:
    _typed(data, str, f"{path}.data")
    if not t.is_static:
        raise _fail(f"{path}.type", f"a constant needs a static shape, got {t}")
    expected = t.dtype.itemsize * math.prod(t.shape)
    if len(data) != 4 * ((expected + 2) // 3):
        raise _fail(f"{path}.data", f"base64 text of {len(data)} characters cannot hold the {expected} bytes "
                                    f"of {t}")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as e:
        raise _fail(f"{path}.data", f"invalid base64: {e}") from None
    if len(raw) != expected:
        raise _fail(f"{path}.data", f"holds {len(raw)} bytes, but {t} needs {expected}")
    n = t.dtype.itemsize
    bits = np.frombuffer(raw, dtype=f"<u{n}").astype(f"=u{n}")  # a writeable copy in native byte order
    if t.dtype is DType.bool and bits.size and bits.max() > 1:
        raise _fail(f"{path}.data", "a bool constant holds bytes other than 0 and 1")
    return bits.view(t.dtype.np).reshape(t.shape)


def _decode_node(obj: Any, path: str, scope: _Scope, depth: int) -> Node:
    _fields(obj, path, ("prim", "op", "inputs", "outputs", "attrs", "regions"), ("scope",))
    name = _typed(obj["prim"], str, f"{path}.prim")
    prim = PRIMITIVES.get(name)
    if prim is None:
        raise _fail(f"{path}.prim", f"unknown prim {_short(name)}")
    try:
        op = obj["op"]
        if op is not None:
            _typed(op, str, f"{path}.op")
        inputs = tuple(scope.ref(vid, f"{path}.inputs[{k}]")
                       for k, vid in enumerate(_typed(obj["inputs"], list, f"{path}.inputs")))
        attrs = _decode_attrs(prim, obj["attrs"], f"{path}.attrs")
        regions = tuple(_decode_graph(r, f"{path}.regions[{k}]", depth + 1)
                        for k, r in enumerate(_typed(obj["regions"], list, f"{path}.regions")))
        scope_path = obj.get("scope")
        if scope_path is not None:
            _typed(scope_path, str, f"{path}.scope")
        node = Node(name, inputs, attrs, (), regions, op, scope_path)
        outs = []
        for k, item in enumerate(_typed(obj["outputs"], list, f"{path}.outputs")):
            v, _ = scope.define(item, f"{path}.outputs[{k}]")
            v.producer = node
            outs.append(v)
        node.outputs = tuple(outs)
    except SerializationError as e:
        raise SerializationError(f"{e} (node prim '{name}')") from None
    return node


def _int(x: Any, path: str) -> int:
    _typed(x, int, path)
    if not -(2**63) <= x < 2**63:
        raise _fail(path, f"integer {_short(x)} does not fit in 64 bits")
    return x


def _float(x: Any, path: str) -> float:
    if type(x) is float:
        return x
    if type(x) is int:
        try:
            return float(x)
        except OverflowError:
            raise _fail(path, f"integer {_short(x)} is too large for a float") from None
    if type(x) is str and x in _NONFINITE:
        return _NONFINITE[x]
    raise _fail(path, f"expected a number or one of 'inf', '-inf', 'nan', got {_describe(x)}")


def _ints(x: Any, path: str) -> tuple[int, ...]:
    return tuple(_int(i, f"{path}[{k}]") for k, i in enumerate(_typed(x, list, path)))


def _tuples(n: int) -> Callable[[Any, str], tuple]:
    def decode(x: Any, path: str) -> tuple:
        out = []
        for k, item in enumerate(_typed(x, list, path)):
            t = _ints(item, f"{path}[{k}]")
            if len(t) != n:
                raise _fail(f"{path}[{k}]", f"expected {n} integers, got {len(t)}")
            out.append(t)
        return tuple(out)

    return decode


def _dtype_name(x: Any, path: str) -> DType:
    if type(x) is not str or x not in DType.__members__:
        raise _fail(path, f"expected a dtype name ({', '.join(d.value for d in DType)}), got {_short(x)}")
    return DType[x]


def _json_attr(x: Any, path: str, depth: int = 0) -> Any:
    if depth > MAX_JSON_DEPTH:
        raise _fail(path, f"nested more than {MAX_JSON_DEPTH} levels deep")
    if type(x) is list:
        return tuple(_json_attr(v, f"{path}[{k}]", depth + 1) for k, v in enumerate(x))
    if type(x) is dict:
        _fields(x, path, ("float",))
        return _float(x["float"], f"{path}.float")
    if type(x) is int:
        return _int(x, path)
    if x is None or type(x) in (bool, str, float):
        return x
    raise _fail(path, f"unexpected {_describe(x)}")


_ATTR_DECODERS: dict[str, Callable[[Any, str], Any]] = {
    "int": _int,
    "float": _float,
    "bool": lambda x, p: _typed(x, bool, p),
    "str": lambda x, p: _typed(x, str, p),
    "dtype": _dtype_name,
    "ints": _ints,
    "shape": lambda x, p: tuple(_decode_dim(d, f"{p}[{k}]") for k, d in enumerate(_typed(x, list, p))),
    "pairs": _tuples(2),
    "triples": _tuples(3),
    "json": _json_attr,
}


def _decode_attrs(prim: Any, obj: Any, path: str) -> dict[str, Any]:
    _typed(obj, dict, path)
    attrs = {}
    for key, raw in obj.items():
        spec = prim.attrs.get(key)
        if spec is None:
            raise _fail(f"{path}.{key[:80]}", f"prim '{prim.name}' has no attribute {_short(key)}; "
                                              f"expected {sorted(prim.attrs)}")
        decoder = _ATTR_DECODERS.get(spec.kind)
        if decoder is None:
            raise _fail(f"{path}.{key}", f"attribute kind '{spec.kind}' cannot be loaded")
        attrs[key] = None if raw is None and spec.optional else decoder(raw, f"{path}.{key}")
    try:
        return normalize_attrs(prim, attrs)
    except HornetError as e:
        raise _fail(path, str(e)) from None
