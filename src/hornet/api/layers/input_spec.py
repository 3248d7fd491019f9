"""``InputSpec``: what a layer expects of its inputs (rank, dtype, shape, fixed axes), as Keras 3, and
``assert_input_compatibility``, which checks inputs against a spec (or a nested structure of specs) and raises
an error naming the layer, the expected property and the received shape.

>>> spec = InputSpec(ndim=4, axes={-1: 3})
>>> assert_input_compatibility(spec, np.zeros((2, 8, 8, 3), "float32"), "conv")  # doctest: +SKIP
>>> assert_input_compatibility(spec, np.zeros((2, 8, 3), "float32"), "conv")   # doctest: +SKIP
ValueError: Input 0 of layer 'conv' is incompatible with the layer: expected ndim=4, found ndim=3. ...
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import ShapeError


def _standardize_shape(shape: Sequence[Any]) -> tuple[int | None, ...]:
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise ValueError(f"InputSpec: `shape` must be a tuple of ints or None, got shape={shape!r}")
    out = []
    for d in shape:
        if d is None or isinstance(d, str):  # None or a symbolic dim name
            out.append(None)
        elif isinstance(d, bool) or int(d) != d or int(d) < 0:
            raise ValueError(f"InputSpec: `shape` entries must be non-negative ints or None, got shape={shape!r}")
        else:
            out.append(int(d))
    return tuple(out)


class InputSpec:
    """Rank, dtype and shape constraints on one input of a layer (Keras 3 ``keras.InputSpec``).

    ``shape`` includes the batch dim and may hold None for unknown dims (it also sets ``ndim``); ``axes``
    maps axis indices (negative allowed) to required sizes; ``allow_last_axis_squeeze`` accepts an extra or a
    missing trailing axis of size 1; ``name`` is the key of this input when inputs come as a dict; ``optional``
    inputs may be None.

    >>> InputSpec(shape=(None, 28, 28, 1), allow_last_axis_squeeze=True).ndim
    4
    """

    def __init__(self, dtype: Any = None, shape: Sequence[Any] | None = None, ndim: int | None = None,
                 max_ndim: int | None = None, min_ndim: int | None = None, axes: Mapping[Any, int] | None = None,
                 allow_last_axis_squeeze: bool = False, name: str | None = None, optional: bool = False):
        self.dtype = to_dtype(dtype).name if dtype is not None else None
        if shape is not None:
            self.shape: tuple[int | None, ...] | None = _standardize_shape(shape)
            self.ndim = len(self.shape)
        else:
            self.shape = None
            self.ndim = ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = bool(optional)
        self.allow_last_axis_squeeze = bool(allow_last_axis_squeeze)
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (TypeError, ValueError):
            raise TypeError(f"InputSpec: `axes` must be a dict with integer keys, got axes={axes!r}") from None
        limit = self.ndim if self.ndim is not None else self.max_ndim
        if self.axes and limit is not None and max(self.axes) > limit - 1:
            raise ValueError(f"InputSpec: axis {max(self.axes)} in `axes` is greater than the maximum allowed value "
                             f"{limit - 1} for inputs of rank {limit}")

    def __repr__(self) -> str:
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                                         ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim),
                                         ("axes", self.axes), ("name", self.name)) if v]
        return f"InputSpec({', '.join(parts)})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, InputSpec) and self.get_config() == other.get_config()

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments (JSON data): ``InputSpec.from_config(spec.get_config())`` is equal."""
        return {"dtype": self.dtype, "shape": list(self.shape) if self.shape is not None else None,
                "ndim": self.ndim, "max_ndim": self.max_ndim, "min_ndim": self.min_ndim,
                "axes": dict(self.axes), "allow_last_axis_squeeze": self.allow_last_axis_squeeze,
                "name": self.name, "optional": self.optional}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "InputSpec":
        config = dict(config)
        if isinstance(config.get("axes"), Mapping):  # JSON turns int keys into strings
            config["axes"] = {int(k): v for k, v in config["axes"].items()}
        return cls(**config)


def _flatten(tree: Any) -> list[Any]:
    """Leaves of nested lists/tuples/dicts, keeping None entries as leaves (unlike hornet pytrees)."""
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _flatten(item)]
    if isinstance(tree, Mapping):
        return [leaf for key in tree for leaf in _flatten(tree[key])]
    return [tree]


def _shape_of(x: Any) -> tuple[int | None, ...]:
    return tuple(d if isinstance(d, int) else None for d in x.shape)


def _dtype_of(x: Any) -> str | None:
    dt = getattr(x, "dtype", None)
    if dt is None:
        return None
    try:
        return to_dtype(dt).name
    except Exception:
        return str(dt)


def assert_input_compatibility(input_spec: Any, inputs: Any, layer_name: str) -> None:
    """Raise a ValueError naming ``layer_name`` when ``inputs`` don't satisfy ``input_spec``.

    ``input_spec`` is None, an InputSpec, or a (nested) list of them, one per input tensor (None entries are
    not checked). Dict inputs are matched to specs by their ``name`` when every spec has one.

    >>> assert_input_compatibility(InputSpec(min_ndim=2), np.zeros((3, 4)), "dense")  # doctest: +SKIP
    """
    if not input_spec:
        return
    specs = _flatten(input_spec)
    if isinstance(inputs, Mapping):
        names = [getattr(spec, "name", None) for spec in specs]
        if all(names):
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"Layer '{layer_name}': missing data for input(s) {missing}. The inputs dict has "
                                 f"keys {list(inputs)}; expected the keys {names}")
            inputs = [inputs[n] for n in names]
    tensors = _flatten(inputs)
    if len(tensors) != len(specs):
        names = [getattr(s, "name", None) for s in specs]
        if all(names):
            raise ValueError(f"Layer '{layer_name}' expects {len(specs)} named input(s) with keys {names}, but it "
                             f"received {len(tensors)} input tensor(s). Pass the inputs as a dict, e.g. layer({{"
                             + ", ".join(f"'{n}': ..." for n in names) + "})")
        raise ValueError(f"Layer '{layer_name}' expects {len(specs)} input(s), but it received {len(tensors)} "
                         f"input tensor(s)")
    for index, (x, spec) in enumerate(zip(tensors, specs)):
        if spec is None or (x is None and spec.optional):
            continue
        _check_one(index, x, spec, layer_name)


def _check_one(index: int, x: Any, spec: InputSpec, layer_name: str) -> None:
    where = f"Input {index}" + (f" (name '{spec.name}')" if spec.name else "")
    head = f"{where} of layer '{layer_name}' is incompatible with the layer"
    if not hasattr(x, "shape"):
        raise ShapeError(f"{where} of layer '{layer_name}' must be a tensor, got {x!r} of type {type(x).__name__}")
    shape = _shape_of(x)
    ndim = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
        raise ShapeError(f"{head}: expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}")
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ShapeError(f"{head}: expected max_ndim={spec.max_ndim}, found ndim={ndim}. Full shape received: "
                         f"{shape}")
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ShapeError(f"{head}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: "
                         f"{shape}")
    if spec.dtype is not None:
        got = _dtype_of(x)
        if got != spec.dtype:
            raise ShapeError(f"{head}: expected dtype={spec.dtype}, found dtype={got}. Full shape received: {shape}")
    for axis, size in spec.axes.items():
        if size is None:
            continue
        if not -ndim <= axis < ndim:
            raise ShapeError(f"{head}: expected axis {axis} to have size {size}, but the input has rank {ndim}. "
                             f"Full shape received: {shape}")
        if shape[axis] not in (size, None):
            raise ShapeError(f"{head}: expected axis {axis} of the input shape to have value {size}, but received "
                             f"an input with shape {shape}")
    if spec.shape is not None:
        want, got = spec.shape, shape
        if spec.allow_last_axis_squeeze:
            got = got[:-1] if got and got[-1] == 1 else got
            want = want[:-1] if want and want[-1] == 1 else want
            if len(got) != len(want):
                raise ShapeError(f"{head}: expected shape={spec.shape}, found shape={shape}")
        for w, g in zip(want, got):
            if w is not None and g is not None and w != g:
                raise ShapeError(f"{head}: expected shape={spec.shape}, found shape={shape}")


__all__ = ["InputSpec", "assert_input_compatibility"]
