"""The one primitive registry: per prim its name, attribute schema, shape/dtype rule, tags and (later) VJP.

A prim is defined once with ``define``; lowering tables map the same names to rules. ``PRIMITIVES`` is the
single source of truth that tests walk.

>>> PRIMITIVES["add"].tags >= {"elementwise", "binary"}
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from hornet.ir.dtypes import DType, dtype as to_dtype
from hornet.ir.errors import HornetError, ShapeError
from hornet.ir.symbolic import canonical_dim
from hornet.ir.types import TensorType

REQUIRED: Any = object()

# Attribute kinds and how a value of each is canonicalized. Canonical values are hashable and JSON-friendly.
def _ints(v: Any) -> tuple[int, ...]:
    return tuple(int(i) for i in v)


def _json(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return tuple(_json(i) for i in v)
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, float):
        return v
    return int(v)


ATTR_KINDS: dict[str, Callable[[Any], Any]] = {
    "int": int,
    "float": float,
    "bool": bool,
    "str": str,
    "dtype": to_dtype,
    "ints": _ints,
    "shape": lambda v: tuple(canonical_dim(d) for d in v),
    "pairs": lambda v: tuple(_ints(p) for p in v),
    "triples": lambda v: tuple(_ints(p) for p in v),
    "json": _json,
}


@dataclass(frozen=True)
class Attr:
    """One attribute of a prim: its kind (a key of ATTR_KINDS), default, allowed values."""

    kind: str
    default: Any = REQUIRED
    choices: tuple[Any, ...] | None = None
    optional: bool = False  # None is allowed

    def canonical(self, value: Any) -> Any:
        if value is None and self.optional:
            return None
        out = ATTR_KINDS[self.kind](value)
        if self.choices is not None and out not in self.choices:
            raise ValueError(f"must be one of {self.choices}, got {out!r}")
        return out


InferRule = Callable[..., "TensorType | tuple[TensorType, ...]"]


@dataclass(eq=False)
class Primitive:
    """A primitive operation of the IR.

    ``infer(*input_types, **attrs)`` returns the output TensorType (a tuple when ``multiple_results``) or raises
    ShapeError / DTypeError. ``num_inputs`` is None for variadic prims. Tags include "elementwise", "unary",
    "binary", "comparison", "reduction", "shape", "indexing", "composite", "region", "nondiff".
    """

    name: str
    infer: InferRule
    attrs: Mapping[str, Attr] = field(default_factory=dict)
    num_inputs: int | None = None
    multiple_results: bool = False
    tags: frozenset[str] = frozenset()
    doc: str = ""
    num_regions: int = 0
    vjp: Callable[..., Any] | None = None
    decomposition: Callable[..., Any] | None = None

    def __repr__(self) -> str:
        return f"Primitive({self.name})"

    @property
    def differentiable(self) -> bool:
        return "nondiff" not in self.tags


PRIMITIVES: dict[str, Primitive] = {}


def define(
    name: str,
    infer: InferRule,
    *,
    attrs: Mapping[str, Attr] | None = None,
    num_inputs: int | None = None,
    multiple_results: bool = False,
    tags: Sequence[str] = (),
    doc: str = "",
    num_regions: int = 0,
) -> Primitive:
    """Register a prim. Defining a name twice is an error (one registry, one definition)."""
    if name in PRIMITIVES:
        raise HornetError(f"prim {name!r} is defined twice")
    prim = Primitive(name, infer, dict(attrs or {}), num_inputs, multiple_results, frozenset(tags), doc, num_regions)
    PRIMITIVES[name] = prim
    return prim


def set_rule(name: str, **rules: Any) -> None:
    """Attach a rule (``vjp=...``, ``decomposition=...``) to a defined prim."""
    prim = PRIMITIVES[name]
    for key, fn in rules.items():
        if key not in ("vjp", "decomposition"):
            raise HornetError(f"unknown prim rule kind {key!r}")
        setattr(prim, key, fn)


def normalize_attrs(prim: Primitive, attrs: Mapping[str, Any], op: str | None = None) -> dict[str, Any]:
    """Check attribute names against the schema, fill defaults, canonicalize values."""
    where = f"{op} (prim '{prim.name}')" if op and op != prim.name else f"prim '{prim.name}'"
    unknown = set(attrs) - set(prim.attrs)
    if unknown:
        raise HornetError(f"{where}: unknown attribute(s) {sorted(unknown)}; expected {sorted(prim.attrs)}")
    out = {}
    for key, spec in prim.attrs.items():
        if key in attrs:
            try:
                out[key] = spec.canonical(attrs[key])
            except (TypeError, ValueError) as e:
                raise HornetError(f"{where}: attribute {key}={attrs[key]!r} is invalid: {e}") from None
        elif spec.default is REQUIRED:
            raise HornetError(f"{where}: missing required attribute {key!r}")
        else:
            out[key] = spec.default
    return out


def infer_types(prim: Primitive, in_types: Sequence[TensorType], attrs: Mapping[str, Any],
                op: str | None = None, regions: Sequence[Any] = ()) -> tuple[TensorType, ...]:
    """Run a prim's shape/dtype rule; errors name the op, the prim and the input types.

    Region prims (control flow) get their sub-graphs as ``regions=`` and check them against the operands.
    """
    if prim.num_inputs is not None and len(in_types) != prim.num_inputs:
        raise ShapeError(_where(prim, op) + f": expected {prim.num_inputs} inputs, got {len(in_types)}")
    if len(regions) != prim.num_regions:
        raise ShapeError(_where(prim, op) + f": expected {prim.num_regions} regions, got {len(regions)}")
    try:
        out = prim.infer(*in_types, regions=tuple(regions), **attrs) if prim.num_regions else \
            prim.infer(*in_types, **attrs)
    except HornetError as e:
        msg = f"{_where(prim, op)}: {e} (inputs: {', '.join(str(t) for t in in_types) or 'none'})"
        raise type(e)(msg) from None
    return tuple(out) if prim.multiple_results else (out,)


def _where(prim: Primitive, op: str | None) -> str:
    return f"{op} (prim '{prim.name}')" if op and op != prim.name else f"prim '{prim.name}'"



def check(cond: bool, message: str, error: type = ShapeError) -> None:
    """Raise ``error(message)`` unless ``cond``: the shape rules' one-line guard."""
    if not cond:
        raise error(message)


__all__ = ["Attr", "Primitive", "PRIMITIVES", "define", "set_rule", "normalize_attrs", "infer_types", "check",
           "REQUIRED", "ATTR_KINDS", "DType"]
