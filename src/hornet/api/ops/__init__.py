"""All public ops, gathered from their files (one concern each); each file lists its ops in ``__all__``."""
import importlib as _importlib

_MODULES = ("core", "creation", "math", "logic", "shape_ops", "indexing", "reductions", "linalg", "nn", "conv",
            "normalization", "losses", "attention", "control_flow", "autodiff", "fourier", "signal",
            "special", "fabs", "integrate", "correlation", "partition", "histogram", "bit_view", "vectorize", "jvp",
            "rearrange", "fold", "ctc")

__all__: list[str] = []
for _name in _MODULES:
    _mod = _importlib.import_module(f"hornet.api.ops.{_name}")
    globals().update({_n: getattr(_mod, _n) for _n in _mod.__all__})
    __all__ += list(_mod.__all__)

from hornet.api.ops import operators as _operators  # noqa: E402,F401  (installs +, *, [], ... on SymbolicTensor)
