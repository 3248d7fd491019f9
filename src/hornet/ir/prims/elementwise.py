"""The elementwise prims (see CATALOGUE.md): unary and binary math, comparisons, select, clamp, conversions,
and the identity-like prims (stop_gradient, sharding_constraint, optimization_barrier).

Prims never broadcast or promote: every operand has the same shape (and, except ``select``'s predicate, the
same dtype). Which dtypes a prim accepts is one entry in the tables below.

>>> from hornet.ir.types import TensorType
>>> PRIMITIVES["sin"].infer(TensorType("float32", ("batch", 3)))
float32[batch,3]
"""
from __future__ import annotations

from typing import Any, Callable

from hornet.ir.dtypes import DType
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.prims.registry import PRIMITIVES, Attr, check, define  # noqa: F401  (PRIMITIVES: doctest)
from hornet.ir.prims.shape_rules import same_dtype, same_shape
from hornet.ir.types import TensorType

# Dtype classes: a predicate on the dtype and the phrase an error uses ("... must be <phrase>").
DTYPE_CLASSES: dict[str, tuple[Callable[[DType], bool], str]] = {
    "any": (lambda d: True, "any dtype"),
    "numeric": (lambda d: not d.is_bool, "numeric (not bool)"),
    "float": (lambda d: d.is_floating, "floating point"),
    "int": (lambda d: d.is_integer, "integer"),
    "bool_or_int": (lambda d: d.is_bool or d.is_integer, "bool or integer"),
}

UNARY: dict[str, str] = {
    "neg": "numeric", "abs": "numeric", "sign": "numeric",
    **{name: "float" for name in (
        "floor", "ceil", "round", "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "cbrt",
        "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
        "logistic", "erf", "erfinv", "lgamma", "digamma")},
    "not": "bool_or_int",
}

BINARY: dict[str, str] = {
    **{name: "numeric" for name in ("add", "sub", "mul", "div", "rem", "max", "min")},
    **{name: "float" for name in ("pow", "atan2", "nextafter")},
    **{name: "bool_or_int" for name in ("and", "or", "xor")},
    **{name: "int" for name in ("shift_left", "shift_right_arithmetic", "shift_right_logical")},
}

COMPARISONS: tuple[str, ...] = ("eq", "ne", "lt", "le", "gt", "ge")

# Prims whose outputs carry no gradient. Beyond the catalogue's (is_finite, not, comparisons), the bitwise and
# shift prims only take integers/bools, so their results are never differentiable either.
NONDIFF: frozenset[str] = frozenset({"is_finite", "not", *COMPARISONS, "and", "or", "xor", "shift_left",
                                     "shift_right_arithmetic", "shift_right_logical", "bitcast_convert"})


def require_class(t: TensorType, cls: str, what: str = "operand") -> None:
    """DTypeError unless ``t``'s dtype is in the class ``cls`` (a key of DTYPE_CLASSES)."""
    accepts, phrase = DTYPE_CLASSES[cls]
    if not accepts(t.dtype):
        raise DTypeError(f"{what} must be {phrase}, got {t.dtype.value}")


def _tags(name: str, *kinds: str) -> tuple[str, ...]:
    return ("elementwise", *kinds, *(("nondiff",) if name in NONDIFF else ()))


def _unary_rule(cls: str) -> Callable[[TensorType], TensorType]:
    def infer(x: TensorType) -> TensorType:
        require_class(x, cls)
        return x

    return infer


def _binary_rule(cls: str, comparison: bool = False) -> Callable[[TensorType, TensorType], TensorType]:
    def infer(x: TensorType, y: TensorType) -> TensorType:
        d = same_dtype(x, y)
        require_class(x, cls, "operands")
        same_shape(x, y)
        return TensorType(DType.bool, x.shape) if comparison else TensorType(d, x.shape)

    return infer


for _name, _cls in UNARY.items():
    define(_name, _unary_rule(_cls), num_inputs=1, tags=_tags(_name, "unary"), doc=f"elementwise {_name}; {_cls}")

for _name, _cls in BINARY.items():
    define(_name, _binary_rule(_cls), num_inputs=2, tags=_tags(_name, "binary"), doc=f"elementwise {_name}; {_cls}")

for _name in COMPARISONS:
    define(_name, _binary_rule("any", comparison=True), num_inputs=2, tags=_tags(_name, "binary", "comparison"),
           doc=f"elementwise comparison {_name}; bool result")


def _is_finite(x: TensorType) -> TensorType:
    require_class(x, "float")
    return TensorType(DType.bool, x.shape)


def _select(pred: TensorType, on_true: TensorType, on_false: TensorType) -> TensorType:
    check(pred.dtype.is_bool, f"predicate must be bool, got {pred.dtype.value}", DTypeError)
    same_dtype(on_true, on_false)
    same_shape(pred, on_true, on_false)
    return on_true


def _clamp(lo: TensorType, x: TensorType, hi: TensorType) -> TensorType:
    same_dtype(lo, x, hi)
    require_class(x, "numeric", "operands")
    same_shape(lo, x, hi)
    return x


def _convert(x: TensorType, *, new_dtype: DType) -> TensorType:
    return x.with_dtype(new_dtype)


def _bitcast_convert(x: TensorType, *, new_dtype: DType) -> TensorType:
    check(not x.dtype.is_bool and not new_dtype.is_bool,
          f"cannot bitcast {x.dtype.value} to {new_dtype.value}: bool has no defined bit layout", DTypeError)
    check(x.dtype.bits == new_dtype.bits,
          f"cannot bitcast {x.dtype.value} ({x.dtype.bits} bits) to {new_dtype.value} ({new_dtype.bits} bits): "
          "bit widths differ", DTypeError)
    return x.with_dtype(new_dtype)


def _integer_pow(x: TensorType, *, y: int) -> TensorType:
    require_class(x, "numeric")
    check(y >= 0 or x.dtype.is_floating,
          f"negative exponent y={y} needs a floating point operand, got {x.dtype.value}", DTypeError)
    return x


def _identity(x: TensorType, **_: Any) -> TensorType:
    return x


def _sharding_constraint(x: TensorType, *, spec: tuple) -> TensorType:
    check(isinstance(spec, tuple) and len(spec) <= x.ndim,
          f"sharding spec {spec!r} must be a tuple of at most {x.ndim} entries (one per dim)")
    for entry in spec:
        names = entry if isinstance(entry, tuple) else (entry,)
        check(entry is None or all(isinstance(n, str) for n in names),
              f"sharding spec entry {entry!r} must be None, a mesh-axis name or a tuple of names")
    return x


def _optimization_barrier(*xs: TensorType) -> tuple[TensorType, ...]:
    check(len(xs) >= 1, "needs at least one operand", ShapeError)
    return xs


define("is_finite", _is_finite, num_inputs=1, tags=_tags("is_finite", "unary"), doc="x is neither inf nor NaN")
define("select", _select, num_inputs=3, tags=("elementwise",), doc="select(pred, on_true, on_false)")
define("clamp", _clamp, num_inputs=3, tags=("elementwise",), doc="clamp(min, x, max) = min(max(x, min), max)")
define("convert", _convert, attrs={"new_dtype": Attr("dtype")}, num_inputs=1, tags=("elementwise", "unary"),
       doc="float->int truncates toward zero; ->bool is x != 0; bool->number is 0/1")
define("bitcast_convert", _bitcast_convert, attrs={"new_dtype": Attr("dtype")}, num_inputs=1,
       tags=_tags("bitcast_convert", "unary"), doc="reinterpret the bits as another dtype of equal width")
define("integer_pow", _integer_pow, attrs={"y": Attr("int")}, num_inputs=1, tags=("elementwise", "unary"),
       doc="x ** y for a static integer y (negative y only for floats)")
define("stop_gradient", _identity, num_inputs=1, tags=("elementwise", "unary"),
       doc="identity; reverse-mode autodiff stops here")
define("sharding_constraint", _sharding_constraint, attrs={"spec": Attr("json")}, num_inputs=1,
       tags=("elementwise", "unary"), doc="identity on one device; spec: mesh-axis name(s) or None per dim")
define("optimization_barrier", _optimization_barrier, num_inputs=None, multiple_results=True,
       tags=("elementwise",), doc="identity on all inputs; stops the compiler moving work across it")

ELEMENTWISE_PRIMS: tuple[str, ...] = (*UNARY, *BINARY, *COMPARISONS, "is_finite", "select", "clamp", "convert",
                                      "bitcast_convert", "integer_pow", "stop_gradient", "sharding_constraint",
                                      "optimization_barrier")
