"""hornet: a Keras-style deep-learning framework built as a compiler.

>>> import hornet
>>> from hornet import ops
from hornet import random
>>> f = hornet.jit(lambda x: ops.relu(x) + 1.0)
>>> print(hornet.trace(f.fn, hornet.TensorSpec((None, 3))))    # doctest: +SKIP
"""
from hornet import ir
from hornet.ir.tracer import TensorSpec, trace
from hornet.runtime.jit import jit
from hornet.runtime.variables import Variable
from hornet import backend
from hornet import ops
from hornet import random

__version__ = "0.1.0"
__all__ = ["ir", "ops", "random", "backend", "TensorSpec", "trace", "jit", "Variable", "__version__"]
