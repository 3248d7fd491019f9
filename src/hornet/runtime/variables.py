"""Variables: mutable tensors (weights, optimizer slots, metric state, RNG seeds).

Eagerly a Variable holds an array of one backend: the current backend when it was created, until a compiled
program of another backend uses it (``to_backend``), so a model compiled for torch keeps torch tensors while
a model in the same process stays on JAX. While tracing, reading it gives a symbolic tensor that is an
explicit graph input, and ``assign`` records the new value as an explicit graph output; ``hornet.jit`` passes
the current values in and writes the new ones back after each call. Graphs stay pure.

>>> v = Variable(np.zeros(3, "float32"), name="counter")     # doctest: +SKIP
>>> step = hornet.jit(lambda: v.assign_add(np.ones(3, "float32")))
>>> step(); step(); v.numpy()
array([2., 2., 2.], dtype=float32)
"""
from __future__ import annotations

import contextlib
import itertools
import math
import threading
from typing import Any, Iterator, Mapping, Sequence

import numpy as np

from hornet.ir.dtypes import DEFAULT_FLOAT, dtype as to_dtype, is_python_scalar, result_type
from hornet.ir.errors import ResourceLimitError, ShapeError, TracerError
from hornet.ir.tracer import SymbolicTensor, outside_traces, trace_stack
from hornet.ir.types import TensorType
from hornet.runtime.backend import Backend, backend_of, current_backend, to_numpy, using_backend
from hornet.runtime.placement import place_variable

_names = itertools.count()


class Variable:
    """A named mutable tensor. ``initializer`` is an array-like, or a callable ``(shape, dtype) -> array``."""

    def __init__(self, initializer: Any, shape: Sequence[int] | None = None, dtype: Any = None,
                 trainable: bool = True, name: str | None = None):
        with outside_traces():  # a variable created while tracing (a lazy build) still gets a concrete value
            if callable(initializer):
                if shape is None:
                    raise ShapeError(f"Variable {name or ''}: a callable initializer needs a shape")
                _charge_allocation(tuple(shape), to_dtype(dtype or DEFAULT_FLOAT), name)
                initializer = initializer(tuple(shape), to_dtype(dtype or DEFAULT_FLOAT))
            if isinstance(initializer, Variable):
                initializer = initializer.numpy()
            array = _host_array(to_numpy(initializer) if backend_of(initializer) is not None else initializer, dtype)
        if shape is not None and tuple(array.shape) != tuple(shape):
            raise ShapeError(f"Variable {name or ''}: initial value has shape {array.shape}, expected {tuple(shape)}")
        self.name = name or f"variable_{next(_names)}"
        self.trainable = trainable
        self._type = TensorType(to_dtype(array.dtype), array.shape)
        self._backend = current_backend()
        self._value = self._backend.asarray(array)
        place_variable(self)  # under a hornet.distribution: created laid out on its mesh

    @property
    def backend(self) -> Backend:
        """The backend whose array holds this variable's value."""
        return self._backend

    def to_backend(self, backend: Backend) -> None:
        """Move the value to ``backend`` (a no-op when it is there already)."""
        if backend is not self._backend:
            self._value = backend.asarray(self._backend.to_numpy(self._value))
            self._backend = backend

    @property
    def shape(self) -> tuple[int, ...]:
        return self._type.shape

    @property
    def dtype(self):
        return self._type.dtype

    @property
    def ndim(self) -> int:
        return self._type.ndim

    @property
    def type(self) -> TensorType:
        return self._type

    @property
    def value(self) -> Any:
        """The current value: a backend array, or (while tracing) the symbolic tensor this trace sees."""
        scope = _scope_of(self)
        if scope is not None:
            return scope.values[self]
        stack = trace_stack()
        if stack:
            return stack[-1].read_state(self, self._type)
        return self._value

    def assign(self, value: Any) -> Any:
        """Set a new value of the same shape; like Keras, a value of another dtype is cast. Returns it."""
        from hornet.runtime.bind import bind

        stack = trace_stack()
        if isinstance(value, Variable):
            value = value.value
        scope = _scope_of(self)
        if scope is not None:
            return scope.assign(self, value)
        if isinstance(value, SymbolicTensor) or stack:
            trace = stack[-1] if stack else value.trace
            new = value if isinstance(value, SymbolicTensor) else SymbolicTensor(
                trace.as_value(_host_array(value, self.dtype)), trace)
            if new.dtype != self.dtype:
                new = bind("convert", new, new_dtype=self.dtype, op=f"{self.name}.assign")
            self._check(new.type)
            trace.write_state(self, new)
            return new
        backend = self._backend
        if not backend.is_array(value):
            value = to_numpy(value) if backend_of(value) is not None else _host_array(value, self.dtype)
        array = backend.asarray(value)
        if backend.type_of(array).dtype != self.dtype:
            with using_backend(backend.name):
                array = bind("convert", array, new_dtype=self.dtype, op=f"{self.name}.assign")
        self._check(backend.type_of(array))
        self._value = array
        place_variable(self)  # under a hornet.distribution an eager assign keeps the variable's layout
        return self._value

    def assign_add(self, delta: Any) -> Any:
        return self._update("add", delta)

    def assign_sub(self, delta: Any) -> Any:
        return self._update("sub", delta)

    def _update(self, prim: str, delta: Any) -> Any:
        from hornet.runtime.bind import bind

        if isinstance(delta, SymbolicTensor) or trace_stack() or _scope_of(self) is not None:
            return self.assign(bind(prim, self.value, delta, op=f"Variable.assign_{prim}"))
        if not self._backend.is_array(delta):
            delta = np.broadcast_to(_host_array(to_numpy(delta), self.dtype), self.shape)
        with using_backend(self._backend.name):  # eagerly, on the backend that holds the value
            return self.assign(bind(prim, self._value, delta, op=f"Variable.assign_{prim}"))

    def _check(self, t: TensorType) -> None:
        if t.shape != self.shape:
            raise ShapeError(f"cannot assign a value of shape {t.shape} to variable '{self.name}' of shape "
                             f"{self.shape}")

    def numpy(self) -> np.ndarray:
        return np.asarray(self._backend.to_numpy(self._value))

    def __traced_value__(self, trace: Any) -> Any:
        """This variable's value inside ``trace``: state read by the traced program (the tracer's hook)."""
        scope = _scope_of(self)
        return scope.values[self] if scope is not None else trace.read_state(self, self._type)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if trace_stack() and _scope_of(self) is None:
            raise TracerError(f"variable '{self.name}' was converted to a NumPy array while tracing, which would "
                              "freeze its current value into the program; use it as a tensor (hornet.ops) instead")
        out = self.numpy()
        return out.astype(dtype) if dtype is not None else out

    def __float__(self) -> float:
        return float(self.numpy())

    def __int__(self) -> int:
        return int(self.numpy())

    def __repr__(self) -> str:
        return f"<Variable '{self.name}' {self._type}>"


class StateScope:
    """Variables bound to given values for a block: reads return them and assigns replace them, touching
    neither the variables nor the trace. A training step binds the trainable weights to the tensors it
    differentiates with respect to, and a multi-step loop binds every piece of state to its carry.

    >>> with StateScope({kernel: w}) as scope:                # doctest: +SKIP
    ...     y = layer(x)                                      # reads w
    >>> scope.values[kernel]                                  # w, or what was assigned in the block
    """

    def __init__(self, values: Mapping[Variable, Any]):
        self.values: dict[Variable, Any] = dict(values)

    def assign(self, var: Variable, value: Any) -> Any:
        from hornet.runtime.bind import bind

        if isinstance(value, Variable):
            value = value.value
        dtype = getattr(value, "dtype", None)
        if dtype is None or to_dtype(dtype) != var.dtype:
            value = bind("convert", value if dtype is not None else _host_array(value, var.dtype),
                         new_dtype=var.dtype, op=f"{var.name}.assign")
        if tuple(value.shape) != tuple(var.shape):
            raise ShapeError(f"cannot assign a value of shape {tuple(value.shape)} to variable '{var.name}' of "
                             f"shape {var.shape}")
        self.values[var] = value
        return value

    def __enter__(self) -> "StateScope":
        _scopes().append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _scopes().remove(self)


_LOCAL = threading.local()


def _scopes() -> list[StateScope]:
    stack = getattr(_LOCAL, "scopes", None)
    if stack is None:
        stack = _LOCAL.scopes = []
    return stack


def _scope_of(var: Variable) -> StateScope | None:
    stack = getattr(_LOCAL, "scopes", None)
    if stack:
        for scope in reversed(stack):
            if var in scope.values:
                return scope
    return None


class _Budget:
    def __init__(self, nbytes: int, what: str):
        self.remaining, self.what = nbytes, what


@contextlib.contextmanager
def allocation_budget(nbytes: int, what: str) -> Iterator[None]:
    """Within the block, variables of this thread created from an initializer may take ``nbytes`` in all; the
    next one raises ResourceLimitError before anything is allocated. Loaders use it so that a config cannot
    make hornet allocate more than the file's weights justify (``what`` says where that budget comes from).

    >>> with allocation_budget(64, "the file's weights"):       # doctest: +SKIP
    ...     Variable(np.zeros, shape=(10**9,))                   # ResourceLimitError
    """
    previous = getattr(_LOCAL, "budget", None)
    _LOCAL.budget = _Budget(int(nbytes), what)
    try:
        yield
    finally:
        _LOCAL.budget = previous


def _charge_allocation(shape: tuple[Any, ...], dt: Any, name: str | None) -> None:
    budget = getattr(_LOCAL, "budget", None)
    if budget is None:
        return
    if not all(isinstance(d, (int, np.integer)) and d >= 0 for d in shape):
        raise ShapeError(f"Variable {name or ''}: shape {shape} must hold non-negative integers")
    nbytes = math.prod(int(d) for d in shape) * dt.itemsize
    if nbytes > budget.remaining:
        raise ResourceLimitError(f"variable '{name or ''}' of shape {shape} and dtype {dt.name} would take "
                                 f"{nbytes} bytes, more than {budget.what} justify ({budget.remaining} bytes left)")
    budget.remaining -= nbytes


def _host_array(value: Any, dtype: Any = None) -> np.ndarray:
    if dtype is not None:
        return np.asarray(value, dtype=to_dtype(dtype).np)
    if is_python_scalar(value):
        return np.asarray(value, dtype=result_type(value).np)
    arr = np.asarray(value)
    if arr.dtype == np.float64 and not isinstance(value, np.ndarray):
        arr = arr.astype(DEFAULT_FLOAT.np)
    return arr


def state_of(variables: Sequence[Variable], backend: Backend | None = None) -> list[Any]:
    """The values of variables (what a compiled step takes as inputs), moved to ``backend`` first when given."""
    if backend is not None:
        for v in variables:
            if v._backend is not backend:
                v.to_backend(backend)
    return [v._value for v in variables]


def write_back(variables: Sequence[Variable], values: Sequence[Any]) -> None:
    """Store new values computed by a compiled step (no checks: the graph's types guarantee them)."""
    for v, x in zip(variables, values):
        v._value = x


__all__ = ["Variable", "StateScope", "state_of", "write_back"]
