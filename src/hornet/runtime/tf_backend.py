"""The TensorFlow backend: graphs run as the JAX lowering's StableHLO module inside TF's XlaCallModule op, in
one ``tf.function(jit_compile=True)`` per graph; eager ops on TF tensors return TF tensors.

- **Compiled graphs.** ``jax.export`` lowers the graph once with its symbolic dims kept (one module for every
  batch size; a graph whose rules compare symbolic dims is lowered once per concrete input shape instead); the
  ``tf.function`` is traced per input shape, which fit and predict keep to one or two. Before
  the module is used, its calling-convention version is checked against what this TensorFlow runs.
- **Eager ops** run hornet's NumPy reference rules on host copies of the operands and return TF tensors: exact,
  and on the CPU within a few times TF's own eager dispatch (``bench/bench_foundation.py``). On a GPU they pay a
  device round trip each; compiled graphs (what ``fit``/``predict`` run) stay on the device.
- **Versions.** JAX serializes StableHLO for consumers up to a month old; TensorFlow's is older, so the module is
  re-serialized for the StableHLO version this TensorFlow reads (``stablehlo.get_current_version()``).
- **NaN.** TF's XLA:CPU uses fast min/max; the module is lowered with NaN-propagating max/min
  (``lowering.jax.nan_min_max``), so results match the other backends.
- **LAPACK.** JAX lowers linear algebra on the CPU to LAPACK custom calls that TF's XLA does not register; a graph
  holding them runs on hornet's reference interpreter instead (with a warning naming them).
- TensorFlow's process-wide settings (device policy, soft placement, thread pools) are never changed.
"""
from __future__ import annotations

import re
import warnings
from functools import partial
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import tensorflow as tf
from tensorflow.compiler.mlir.stablehlo import stablehlo as tf_stablehlo
from tensorflow.compiler.tf2xla.python import xla as tfxla

from hornet.ir.dtypes import dtype as to_dtype, is_python_scalar, result_type
from hornet.ir.errors import HornetError
from hornet.ir.graph import Graph
from hornet.ir.symbolic import is_symbolic
from hornet.ir.types import TensorType
from hornet.lowering import numpy as reference
from hornet.runtime.backend import Backend
from hornet.runtime.jax_export import JaxLowered

_TYPES: dict[tuple[Any, Any], TensorType] = {}
_EAGER: dict[str, Callable[..., Any]] = {}


def lowered_for_tf(graph: Graph, platforms: tuple[str, ...] | None = None,
                   input_shapes: Sequence[tuple[int, ...]] | None = None) -> Any:
    """The graph's ``jax.export`` program, with max/min that keep NaNs under TF's fast min/max."""
    from hornet.lowering.jax.nan_min_max import nan_propagating_min_max

    with nan_propagating_min_max():
        return JaxLowered(graph, platforms=platforms, input_shapes=input_shapes).exported


def check_calling_convention(exported: Any) -> None:
    """Refuse a module whose calling convention this TensorFlow cannot run, naming both versions."""
    need = exported.calling_convention_version
    most = tfxla.call_module_maximum_supported_version()
    if need > most:
        raise HornetError(f"the StableHLO module uses calling convention version {need}, but TensorFlow "
                          f"{tf.__version__} runs at most version {most}: install a newer tensorflow, or a jax "
                          f"whose jax.export writes version <= {most}")


def module_bytes(exported: Any) -> bytes:
    """The module serialized for the StableHLO version this TensorFlow reads."""
    from jax._src.interpreters import mlir  # JAX's own re-serialization (no public API re-targets a module)
    from jax._src.lib import _jax
    from jax._src.lib.mlir import ir

    target = tf_stablehlo.get_current_version()
    try:
        with mlir.make_ir_context():
            module = ir.Module.parse(exported.mlir_module())
            return bytes(_jax.mlir.serialize_portable_artifact(module, target, False))
    except Exception as e:  # noqa: BLE001
        raise HornetError(f"can't serialize the StableHLO module for TensorFlow {tf.__version__} (StableHLO "
                          f"{target}): {e}") from e


_UNREGISTERED_CALLS = re.compile(r"custom_call @(lapack_\w+)")


def unregistered_custom_calls(exported: Any) -> list[str]:
    """Custom calls in the module that TF's XLA does not register (JAX's LAPACK kernels)."""
    return sorted(set(_UNREGISTERED_CALLS.findall(exported.mlir_module())))


def call_module_attrs(exported: Any) -> dict[str, Any]:
    """The attributes of the XlaCallModule op running ``exported``."""
    check_calling_convention(exported)
    return dict(version=exported.calling_convention_version, module=module_bytes(exported),
                Tout=[tf.as_dtype(a.dtype) for a in exported.out_avals],
                Sout=[tf_shape(a.shape) for a in exported.out_avals],
                platforms=[p.upper() for p in exported.platforms], function_list=[], has_token_input_output=False,
                disabled_checks=[str(c) for c in exported.disabled_safety_checks])


def tf_shape(shape: Any) -> tf.TensorShape:
    """A TF shape with the symbolic dims unknown."""
    return tf.TensorShape([d if isinstance(d, int) else None for d in shape])


def _has_symbolic_input(graph: Graph) -> bool:
    return any(is_symbolic(d) for v in graph.inputs for d in v.type.shape)


def _call_module_function(exported: Any, jit_compile: Any) -> Callable[..., Sequence[Any]]:
    """A ``tf.function`` running ``exported`` in XlaCallModule. It is traced per input shape (fit and predict pad
    batches to one): with static shapes XlaCallModule refines every op of a symbolic-shape module, which it
    can't do for some (dynamic iota, slices) behind unknown dims."""
    attrs = call_module_attrs(exported)
    kept = list(exported.module_kept_var_idx)

    @tf.function(jit_compile=jit_compile is not False, autograph=False)
    def program(*args: tf.Tensor) -> list[tf.Tensor]:
        return tfxla.call_module([args[i] for i in kept], **attrs)

    return program


def _host(x: Any) -> Any:
    return x.numpy() if isinstance(x, (tf.Tensor, tf.Variable)) else x


class TensorFlowBackend(Backend):
    name = "tensorflow"

    def asarray(self, x: Any) -> Any:
        if isinstance(x, tf.Tensor):
            return x
        if isinstance(x, tf.Variable):
            return x.read_value()
        if is_python_scalar(x):
            x = np.asarray(x, dtype=result_type(x).np)
        return tf.constant(np.asarray(x))

    def is_array(self, x: Any) -> bool:
        return isinstance(x, (tf.Tensor, tf.Variable))

    def type_of(self, x: Any) -> TensorType:
        key = (tuple(x.shape), x.dtype)
        t = _TYPES.get(key)
        if t is None:
            np_dtype = x.dtype.as_numpy_dtype if isinstance(x.dtype, tf.dtypes.DType) else x.dtype
            t = _TYPES[key] = TensorType(to_dtype(np_dtype), tuple(int(d) for d in x.shape))
        return t

    def to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(_host(x))

    def eager(self, prim: str) -> Callable[..., Any]:
        rule = _EAGER.get(prim)
        if rule is None:
            host_rule = reference.eager_rule(prim)

            def rule(*arrays: Any, **attrs: Any) -> Any:
                out = host_rule(*[_host(a) for a in arrays], **attrs)
                if isinstance(out, tuple):
                    return tuple(tf.constant(np.asarray(o)) for o in out)
                return tf.constant(np.asarray(out))

            _EAGER[prim] = rule
        return rule

    def run_once(self, graph: Graph, arrays: Sequence[Any]) -> Sequence[Any]:
        return [tf.constant(o) for o in reference.run(graph, *[_host(a) for a in arrays])]

    def run_once_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return lambda *arrays: self.run_once(graph, arrays)

    def region_function(self, graph: Graph) -> Callable[..., Sequence[Any]]:
        return partial(reference.run, graph)  # called by the host rules of control-flow prims, on host arrays

    def compile(self, graph: Graph, donate: Sequence[int] = (), state_updates: Mapping[int, int] | None = None,
                jit_compile: Any = "auto") -> Callable[..., Sequence[Any]]:
        try:
            exported = lowered_for_tf(graph)
        except Exception:  # noqa: BLE001
            if not _has_symbolic_input(graph):
                raise
            # a rule that compares symbolic dims (reflect/wrap padding, top_k...) can't be exported shape-
            # polymorphic: lower once per concrete input shape instead, as the JAX backend's jit does
            return self._compile_per_shape(graph, jit_compile)
        if unregistered_custom_calls(exported):
            return self._reference_fallback(graph, exported)
        program = _call_module_function(exported, jit_compile)
        asarray = self.asarray
        per_shape: list[Callable[..., Sequence[Any]]] = []

        def run(*args: Any) -> Sequence[Any]:
            tensors = [asarray(a) for a in args]
            if per_shape:
                return per_shape[0](*tensors)
            try:
                return list(program(*tensors))
            except tf.errors.InvalidArgumentError as e:
                # XlaCallModule could not refine some op of the symbolic module to these shapes (top_k's sort
                # behind a dynamic iota): from now on, lower per concrete shape
                if "dynamic shapes" not in str(e) or not _has_symbolic_input(graph):
                    raise
                per_shape.append(self._compile_per_shape(graph, jit_compile))
                return per_shape[0](*tensors)

        return run

    def _compile_per_shape(self, graph: Graph, jit_compile: Any) -> Callable[..., Sequence[Any]]:
        programs: dict[tuple[tuple[int, ...], ...], Callable[..., Sequence[Any]]] = {}
        asarray = self.asarray

        def run(*args: Any) -> Sequence[Any]:
            tensors = [asarray(a) for a in args]
            shapes = tuple(tuple(t.shape.as_list()) for t in tensors)
            if shapes not in programs:
                exported = lowered_for_tf(graph, input_shapes=shapes)
                programs[shapes] = (self._reference_fallback(graph, exported)
                                    if unregistered_custom_calls(exported)
                                    else _call_module_function(exported, jit_compile))
            return list(programs[shapes](*tensors))

        return run

    def _reference_fallback(self, graph: Graph, exported: Any) -> Callable[..., Sequence[Any]]:
        warnings.warn(f"the TensorFlow backend runs this program on hornet's reference interpreter: TF's XLA "
                      f"lacks the custom calls {', '.join(unregistered_custom_calls(exported))} that JAX lowers "
                      "linear algebra to", stacklevel=4)
        return self.run_once_function(graph)

    def lower(self, graph: Graph) -> JaxLowered:
        return JaxLowered(graph)


BACKEND = TensorFlowBackend()
