"""The reductions prims (see CATALOGUE.md): reduce_* over axes, argmax/argmin, the cumulative scans,
reduce_window and select_and_scatter_add (the VJP of a max/min reduce_window, a composite).

Tags: "reduction" for the prims that remove axes (reduce_*, argmax, argmin), "cumulative" for the scans,
"window" for reduce_window and select_and_scatter_add; argmax/argmin and the bool reductions also carry "nondiff".

>>> from hornet.ir.types import TensorType
>>> PRIMITIVES["reduce_sum"].infer(TensorType("float32", ("batch", 3)), axes=(1,))
float32[batch]
"""
from __future__ import annotations

from typing import Callable

from hornet.ir.dtypes import DType
from hornet.ir.errors import DTypeError
from hornet.ir.prims.registry import PRIMITIVES, Attr, check, define  # noqa: F401  (PRIMITIVES: doctest)
from hornet.ir.prims.shape_rules import check_axes, drop_axes, require_float, require_numeric
from hornet.ir.prims.windows import check_window_attrs, ones_if_none, window_output_dim
from hornet.ir.types import TensorType

# reduce prim -> (accepts the dtype?, the phrase an error uses)
REDUCE: dict[str, tuple[Callable[[DType], bool], str]] = {
    **{name: (lambda d: not d.is_bool, "numeric (not bool)")
       for name in ("reduce_sum", "reduce_prod", "reduce_max", "reduce_min")},
    **{name: (lambda d: d.is_bool, "bool") for name in ("reduce_and", "reduce_or")},
}
ARG_REDUCE: tuple[str, ...] = ("argmax", "argmin")
CUMULATIVE: tuple[str, ...] = ("cumsum", "cumprod", "cummax", "cummin")
WINDOW_COMPUTATIONS: tuple[str, ...] = ("sum", "max", "min")


def _reduce_rule(name: str) -> Callable[..., TensorType]:
    accepts, phrase = REDUCE[name]

    def infer(x: TensorType, *, axes: tuple[int, ...]) -> TensorType:
        check(accepts(x.dtype), f"operand must be {phrase}, got {x.dtype.value}", DTypeError)
        check_axes(axes, x.ndim)
        return TensorType(x.dtype, drop_axes(x.shape, axes))

    return infer


def _arg_reduce(x: TensorType, *, axis: int, index_dtype: DType) -> TensorType:
    check(index_dtype.is_integer, f"index_dtype must be an integer dtype, got {index_dtype.value}", DTypeError)
    check_axes((axis,), x.ndim, "axis")
    check(x.shape[axis] != 0, f"axis {axis} of {x} is empty: there is no extreme to index")
    return TensorType(index_dtype, drop_axes(x.shape, (axis,)))


def _cumulative(x: TensorType, *, axis: int, reverse: bool) -> TensorType:
    require_numeric(x)
    check_axes((axis,), x.ndim, "axis")
    return x


def _reduce_window(x: TensorType, *, computation: str, window_dimensions: tuple[int, ...],
                   window_strides: tuple[int, ...], padding: tuple[tuple[int, int], ...],
                   base_dilation: tuple[int, ...] | None, window_dilation: tuple[int, ...] | None) -> TensorType:
    require_numeric(x)
    base = ones_if_none(base_dilation, x.ndim)
    wdil = ones_if_none(window_dilation, x.ndim)
    check_window_attrs(x.ndim, "operand dim", window_dimensions=window_dimensions, window_strides=window_strides,
                       padding=padding, base_dilation=base, window_dilation=wdil)
    shape = tuple(
        window_output_dim(d, window=w, stride=s, padding=p, base_dilation=b, window_dilation=v, what=f"dim {i}")
        for i, (d, w, s, p, b, v) in enumerate(zip(x.shape, window_dimensions, window_strides, padding, base, wdil)))
    return TensorType(x.dtype, shape)


def _select_and_scatter_add(source: TensorType, operand: TensorType, *, computation: str,
                            **window: tuple | None) -> TensorType:
    check(computation in ("max", "min"), f"computation must be 'max' or 'min', got {computation!r}")
    windows = _reduce_window(operand, computation=computation, **window)
    check(source.shape == windows.shape and source.dtype == operand.dtype,
          f"source must be {operand.dtype.value}{list(windows.shape)} (one value per window of {operand}), "
          f"got {source}")
    require_float(operand)
    return operand


for _name in REDUCE:
    define(_name, _reduce_rule(_name), attrs={"axes": Attr("ints")}, num_inputs=1,
           tags=("reduction", "nondiff") if _name in ("reduce_and", "reduce_or") else ("reduction",),
           doc=f"{_name}(x; axes): the axes are removed, dtype unchanged.")

for _name in ARG_REDUCE:
    define(_name, _arg_reduce, attrs={"axis": Attr("int"), "index_dtype": Attr("dtype", DType.int32)},
           num_inputs=1, tags=("reduction", "nondiff"),
           doc=f"{_name}(x; axis, index_dtype): first index of the extreme; a NaN counts as the extreme.")

for _name in CUMULATIVE:
    define(_name, _cumulative, attrs={"axis": Attr("int"), "reverse": Attr("bool", False)}, num_inputs=1,
           tags=("cumulative",), doc=f"{_name}(x; axis, reverse): inclusive scan along axis, same type out.")

_WINDOW_ATTRS = {"window_dimensions": Attr("ints"), "window_strides": Attr("ints"), "padding": Attr("pairs"),
                 "base_dilation": Attr("ints", None, optional=True),
                 "window_dilation": Attr("ints", None, optional=True)}

define("reduce_window", _reduce_window, num_inputs=1, tags=("window",),
       attrs={"computation": Attr("str", choices=WINDOW_COMPUTATIONS), **_WINDOW_ATTRS},
       doc="reduce_window(x; computation, window_dimensions, window_strides, padding, base_dilation, "
           "window_dilation): padding and base-dilation holes hold the computation's identity. "
           "A dilation of None means ones.")

define("select_and_scatter_add", _select_and_scatter_add, num_inputs=2, tags=("window", "composite"),
       attrs={"computation": Attr("str", choices=("max", "min")), **_WINDOW_ATTRS},
       doc="select_and_scatter_add(source, operand; the reduce_window attrs, computation max or min): zeros of "
           "operand's type, plus each window's source value at the window's first extreme (row-major; a NaN "
           "counts as the extreme). The VJP of a max/min reduce_window, with source its output cotangent.")
