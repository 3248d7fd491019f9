"""``hornet.Layer``: the Keras 3 layer API over hornet's tracer.

A layer owns Variables (``add_weight``) and nested layers, builds itself on its first call from the input
shape, and computes with ``hornet.ops`` in ``call``. Called on concrete arrays it runs eagerly; called while
tracing it records prims; called on ``hornet.Input`` tensors it records a functional-model node.

>>> class Scale(hornet.Layer):                              # doctest: +SKIP
...     def build(self, input_shape):
...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
...     def call(self, x):
...         return x * self.w
>>> Scale()(np.ones((2, 3), "float32")).shape
(2, 3)
"""
from __future__ import annotations

import inspect
from typing import Any, Sequence

import numpy as np

from hornet.api.layers import call_context as ctx_mod
from hornet.api.layers.dtype_policy import DTypePolicy, get_policy
from hornet.api.layers.naming import snake_case, unique_name
from hornet.api.layers.node_attributes import NodeAttribute
from hornet.ir import pytree
from hornet.ir.errors import HornetError, ShapeError
from hornet.ir.tracer import SymbolicTensor, name_scope
from hornet.runtime.variables import Variable

_BASE_KWARGS = ("trainable", "dtype", "autocast", "name", "input_shape", "input_dim", "batch_input_shape",
                "batch_size", "activity_regularizer", "input_dtype")


class Layer:
    """Base class of all layers (Keras 3 semantics). Subclasses override ``build`` and ``call``."""

    def __new__(cls, *args: Any, **kwargs: Any) -> "Layer":
        obj = super().__new__(cls)
        # remembered for the automatic get_config of subclasses that don't write one (as Keras does)
        object.__setattr__(obj, "_init_call", (args, dict(kwargs)))
        return obj

    def __init__(self, *, activity_regularizer: Any = None, trainable: bool = True, dtype: Any = None,
                 autocast: bool = True, name: str | None = None, **kwargs: Any):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        kwargs.pop("batch_size", None)
        kwargs.pop("input_dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        self._init_tracking()
        self.name = name or unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._dtype_policy: DTypePolicy = get_policy(dtype)
        self.autocast = autocast
        self.built = False
        self.supports_masking = getattr(self, "supports_masking", False)
        if activity_regularizer is not None:
            from hornet.api import regularizers

            activity_regularizer = regularizers.get(activity_regularizer)
        self.activity_regularizer = activity_regularizer
        if batch_input_shape is not None:
            input_shape = tuple(batch_input_shape)[1:]
        elif input_dim is not None:
            input_shape = (input_dim,)
        self._input_shape_arg = tuple(input_shape) if input_shape is not None else None
        self._inbound_nodes: list[Any] = []

    # --- tracking -----------------------------------------------------------------------------------------------

    def _init_tracking(self) -> None:
        d = self.__dict__
        if "_layers" not in d:
            d["_layers"] = []
            d["_trainable_variables"] = []
            d["_non_trainable_variables"] = []
            d["_tracked_variables"] = []
            d["_regularized"] = []
            d["_losses"] = []

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("__"):
            self._init_tracking()
            self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value: Any) -> None:
        if isinstance(value, Layer):
            if value is not self and all(value is not x for x in self._layers):
                self._layers.append(value)
        elif isinstance(value, Variable):
            if all(value is not v for v in self._all_own_variables()):
                self._tracked_variables.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, (Layer, Variable)):
                    self._track(v)
        elif isinstance(value, dict):
            for v in value.values():
                if isinstance(v, (Layer, Variable)):
                    self._track(v)
        else:  # a SeedGenerator or a Metric owns Variables through .variables / .state
            state = getattr(value, "state", None)
            if isinstance(state, Variable) and type(value).__name__ == "SeedGenerator":
                self._track(state)

    def _all_own_variables(self) -> list[Variable]:
        return self._trainable_variables + self._non_trainable_variables + self._tracked_variables

    def _flatten_layers(self, include_self: bool = True) -> list["Layer"]:
        out: list[Layer] = [self] if include_self else []
        seen = {id(self)}
        stack = list(reversed(self._layers))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._layers))
        return out

    # --- properties --------------------------------------------------------------------------------------------

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in self._flatten_layers():
            layer._trainable = bool(value)

    @property
    def dtype_policy(self) -> DTypePolicy:
        return self._dtype_policy

    @property
    def dtype(self) -> str:
        """The variable dtype."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def layers(self) -> list["Layer"]:
        return list(self._layers)

    @property
    def variables(self) -> list[Variable]:
        """Every variable: weights, then RNG seeds and other state, own first, then nested layers'."""
        return _unique([v for layer in self._flatten_layers() for v in layer._all_own_variables()])

    @property
    def weights(self) -> list[Variable]:
        return _unique([v for layer in self._flatten_layers()
                        for v in layer._trainable_variables + layer._non_trainable_variables])

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return _unique([v for layer in self._flatten_layers() if layer.trainable
                        for v in layer._trainable_variables if v.trainable])

    @property
    def non_trainable_weights(self) -> list[Variable]:
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    input = NodeAttribute("input")
    output = NodeAttribute("output")
    input_shape = NodeAttribute("input_shape")
    output_shape = NodeAttribute("output_shape")

    @property
    def input_spec(self) -> Any:
        return getattr(self, "_input_spec", None)

    @input_spec.setter
    def input_spec(self, value: Any) -> None:
        object.__setattr__(self, "_input_spec", value)

    # --- weights ------------------------------------------------------------------------------------------------

    def add_weight(self, shape: Sequence[int] | None = None, initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, autocast: bool = True, regularizer: Any = None,
                   constraint: Any = None, aggregation: str = "none", overwrite_with_gradient: bool = False,
                   name: str | None = None) -> Variable:
        """Create a weight Variable owned by this layer (Keras signature).

        ``initializer``: a name ("glorot_uniform", "zeros", ...), an Initializer, or a callable
        ``(shape, dtype) -> array``; the default is "glorot_uniform" for floats and "zeros" otherwise.
        """
        from hornet.api import constraints, initializers, regularizers
        from hornet.ir.dtypes import dtype as to_dtype

        shape = tuple(shape or ())
        if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape):
            raise ShapeError(f"layer '{self.name}' ({type(self).__name__}) can't create weight "
                             f"'{name or 'variable'}' of shape {shape}: every dim must be a known non-negative "
                             "integer (is a dim of the input that this weight depends on unknown?)")
        shape = tuple(int(d) for d in shape)
        dt = to_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dt.is_floating else "zeros"
        init = initializers.get(initializer)
        name = name or f"variable_{len(self._all_own_variables())}"
        var = Variable(init, shape=shape, dtype=dt, trainable=trainable, name=f"{self.name}/{name}")
        var.path = f"{self.name}/{name}"
        var.short_name = name
        var.constraint = constraints.get(constraint) if constraint is not None else None
        var.regularizer = regularizers.get(regularizer) if regularizer is not None else None
        if var.regularizer is not None:
            self._regularized.append(var)
        (self._trainable_variables if trainable else self._non_trainable_variables).append(var)
        return var

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(f"{self.name}: set_weights got {len(weights)} arrays but the layer has {len(mine)} "
                             f"weights ({', '.join(v.path if hasattr(v, 'path') else v.name for v in mine)})")
        for v, w in zip(mine, weights):
            w = np.asarray(w)
            if tuple(w.shape) != tuple(v.shape):
                raise ValueError(f"{self.name}: weight {getattr(v, 'path', v.name)} has shape {v.shape}, but "
                                 f"set_weights got an array of shape {w.shape}")
        for v, w in zip(mine, weights):
            v.assign(np.asarray(w, dtype=v.dtype.np))

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f"{self.name} is not built yet, so its parameters can't be counted; call it on an "
                             "input or call build(input_shape) first")
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # --- losses -------------------------------------------------------------------------------------------------

    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss term (from ``call``); the trainer adds it to the training loss."""
        ctx = ctx_mod.current()
        if ctx is not None:
            ctx.losses.append(loss)
        if not isinstance(loss, SymbolicTensor):
            self._losses.append(loss)

    @property
    def losses(self) -> list[Any]:
        """Weight-regularization terms (computed from the current weights) and eager activity losses."""
        out: list[Any] = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for v in layer._regularized:
                out.append(v.regularizer(v.value))
        return out

    def regularization_losses(self) -> list[Any]:
        """Only the weight-regularization terms, computed from the variables' current values."""
        return [v.regularizer(v.value) for layer in self._flatten_layers() for v in layer._regularized]

    # --- build / call ---------------------------------------------------------------------------------------------

    def build(self, input_shape: Any = None) -> None:
        """Create weights from the input shape (``None`` for unknown dims). Called once, on the first call."""
        self.built = True

    def call(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement call()")

    def _maybe_build(self, inputs: Any) -> None:
        if self.built:
            return
        shapes = pytree.tree_map(_shape_of, inputs)
        params = _params(type(self).build)
        if params:
            self.build(shapes)
        else:
            self.build()
        self.built = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from hornet.api.layers import keras_tensor

        if keras_tensor.any_keras_tensor(args, kwargs):
            return keras_tensor.symbolic_call(self, args, kwargs)
        if not args:
            first_name = next(iter(_params(type(self).call)), None)
            if first_name is None or first_name not in kwargs:
                raise ValueError(f"{self.name}: called without inputs")
            args = (kwargs.pop(first_name),)
        args = (self._autocast(args[0]),) + tuple(args[1:])
        spec = self.__dict__.get("_input_spec")
        if spec is not None:
            from hornet.api.layers.input_spec import assert_input_compatibility

            assert_input_compatibility(spec, args[0], self.name)
        if not self.built:
            try:
                self._maybe_build(args[0])
            except (HornetError, TypeError, ValueError, IndexError) as e:
                raise with_layer_context(e, self, [args[0]]) from e
        call_params = _params(type(self).call)
        training = kwargs.pop("training", None)
        outer = ctx_mod.current()
        if training is None and outer is not None:
            training = outer.training
        if training is not None and ("training" in call_params or _has_var_kwargs(type(self).call)):
            kwargs["training"] = training
        if "mask" in kwargs and "mask" not in call_params and not _has_var_kwargs(type(self).call):
            kwargs.pop("mask")  # as Keras: a mask reaches only layers whose call takes one
        if outer is None:  # a top-level call: the losses of the previous one are dropped, as in Keras
            for layer in self._flatten_layers():
                layer._losses.clear()
        with ctx_mod.call_context(training), name_scope(self.name):
            outputs = self.call(*args, **kwargs)
        if self.activity_regularizer is not None:
            from hornet import ops

            for out in pytree.flatten(outputs)[0]:
                loss = self.activity_regularizer(out)
                if len(out.shape) > 0:  # per sample, as Keras: divided by the batch size
                    batch = ops.shape(out)[0]
                    # a symbolic batch ("batch") is counted at run time
                    size = ops.cast(batch, loss.dtype) if isinstance(batch, int) else ops.sum(
                        ops.ones((batch,), loss.dtype))
                    loss = loss / size
                self.add_loss(loss)
        return outputs

    def _autocast(self, x: Any) -> Any:
        """Cast floating inputs to the compute dtype (Keras autocasting); eager NumPy inputs become backend
        tensors first, as in Keras, so a layer's ``call`` sees one array type on every backend."""
        from hornet.api.ops.core import cast, convert_to_tensor, is_tensor, type_of
        from hornet.ir.tracer import trace_stack

        want = self.compute_dtype
        eager = not trace_stack()

        def one(t: Any) -> Any:
            if isinstance(t, np.ndarray) and eager:
                t = convert_to_tensor(t)
            if self.autocast and (isinstance(t, np.ndarray) or is_tensor(t)):
                d = type_of(t).dtype
                if d.is_floating and d.name != want:
                    return cast(t, want)
            return t

        return pytree.tree_map(one, x)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> Any:
        """The output mask; layers that support masking pass it through unchanged."""
        return previous_mask if self.supports_masking else None

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape(s) for an input shape (``None`` for unknown dims), found by tracing ``call``."""
        from hornet.api.layers.keras_tensor import output_spec_for_shapes

        return pytree.tree_map(lambda s: s.shape, output_spec_for_shapes(self, input_shape))

    def compute_output_spec(self, *args: Any, **kwargs: Any) -> Any:
        from hornet.api.layers.keras_tensor import output_spec

        return output_spec(self, args, kwargs)

    # --- config -------------------------------------------------------------------------------------------------

    def get_config(self) -> dict[str, Any]:
        """The arguments that rebuild this layer with ``from_config`` (JSON-serializable)."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable, "dtype": self._dtype_policy.name}
        if type(self).get_config is Layer.get_config:
            config.update(self._auto_config())
        return config

    def _auto_config(self) -> dict[str, Any]:
        args, kwargs = self.__dict__.get("_init_call", ((), {}))
        try:
            bound = inspect.signature(type(self).__init__).bind(self, *args, **kwargs)
        except TypeError:
            return {}
        extra = {k: v for k, v in bound.arguments.items() if k not in ("self", "kwargs") and k not in _BASE_KWARGS}
        extra.update({k: v for k, v in bound.arguments.get("kwargs", {}).items() if k not in _BASE_KWARGS})
        from hornet.api.saving.config import is_serializable

        bad = [k for k, v in extra.items() if not is_serializable(v)]
        if bad:
            raise NotImplementedError(f"{type(self).__name__}.get_config: arguments {bad} are not JSON-serializable; "
                                      "override get_config() to save this layer's configuration")
        return extra

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Layer":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _unique(vs: list[Variable]) -> list[Variable]:
    seen: set[int] = set()
    out = []
    for v in vs:
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _shape_of(x: Any) -> Any:
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    return tuple(d if isinstance(d, int) else None for d in shape)


_PARAMS: dict[Any, tuple[str, ...]] = {}


def _params(fn: Any) -> tuple[str, ...]:
    """Parameter names of a method, without ``self`` and var-args (cached)."""
    hit = _PARAMS.get(fn)
    if hit is None:
        sig = inspect.signature(fn)
        hit = _PARAMS[fn] = tuple(n for n, p in list(sig.parameters.items())[1:]
                                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
    return hit


_VAR_KWARGS: dict[Any, bool] = {}


def _has_var_kwargs(fn: Any) -> bool:
    """Whether a method takes ``**kwargs`` (cached: layer calls ask on every call)."""
    hit = _VAR_KWARGS.get(fn)
    if hit is None:
        hit = _VAR_KWARGS[fn] = any(p.kind == p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values())
    return hit


def with_layer_context(error: BaseException, layer: Any, inputs: Sequence[Any]) -> BaseException:
    """``error`` (same type) with a message that names the layer and the input shapes, unless it already does."""
    text = str(error)
    if text.startswith(f"while calling layer '{getattr(layer, 'name', '')}'"):
        return error
    shapes = ", ".join(str(tuple(_shape_of(x))) if hasattr(x, "shape") else type(x).__name__
                       for x in pytree.flatten(list(inputs))[0])
    message = f"while calling layer '{getattr(layer, 'name', layer)}' ({type(layer).__name__}) on inputs of shape " \
              f"{shapes}: {text}"
    try:
        return type(error)(message)
    except Exception:  # an exception type whose constructor takes other arguments
        return error


def check_rank(layer: Layer, x: Any, ranks: int | Sequence[int], what: str = "input") -> None:
    """Raise a ShapeError naming the layer when ``x`` has the wrong rank."""
    ranks = (ranks,) if isinstance(ranks, int) else tuple(ranks)
    nd = len(x.shape)
    if nd not in ranks:
        want = " or ".join(str(r) for r in ranks)
        raise ShapeError(f"layer '{layer.name}' ({type(layer).__name__}) expects a rank-{want} {what}, got shape "
                         f"{tuple(_shape_of(x))} (rank {nd})")


__all__ = ["Layer", "check_rank", "with_layer_context"]
