"""hornet: a Keras-style deep-learning framework built as a compiler.

>>> import hornet
>>> from hornet import layers, ops
>>> model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3)])        # doctest: +SKIP
>>> f = hornet.jit(lambda x: ops.relu(x) + 1.0)
>>> print(hornet.trace(f.fn, hornet.TensorSpec((None, 3))))                 # doctest: +SKIP
"""
import importlib
from typing import Any

from hornet import ir
from hornet.ir.tracer import TensorSpec, trace
from hornet.runtime.jit import jit
from hornet.runtime.variables import Variable
from hornet import backend
from hornet import ops
from hornet import random
from hornet.api.layers.layer import Layer
from hornet.api.layers.input_layer import Input, InputLayer
from hornet.api.layers.input_spec import InputSpec
from hornet.api.layers.keras_tensor import KerasTensor
from hornet.api.models.model import Model
from hornet.api.models.functional import Functional
from hornet.api.models.sequential import Sequential

__version__ = "0.1.0"

# Keras namespaces, imported on first use (`hornet.layers.Dense`, `from hornet import optimizers`).
_LAZY = ("layers", "models", "optimizers", "losses", "metrics", "callbacks", "initializers", "regularizers",
         "applications", "constraints", "activations", "utils", "saving", "preprocessing", "config",
         "distribution")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"hornet.{name}")
    raise AttributeError(f"module 'hornet' has no attribute {name!r}")


__all__ = ["ir", "ops", "random", "backend", "TensorSpec", "trace", "jit", "Variable", "Layer", "Input",
           "InputLayer", "InputSpec", "KerasTensor", "Model", "Functional", "Sequential", *_LAZY, "__version__"]
