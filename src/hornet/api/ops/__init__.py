"""All public ops, gathered from their files (one concern each); each file lists its ops in ``__all__``."""
import importlib as _importlib
from pathlib import Path as _Path

_MODULES = ("core", "creation", "math", "shape_ops", "indexing", "reductions", "linalg", "nn", "conv",
            "normalization", "losses", "attention")

__all__: list[str] = []
for _name in _MODULES:
    if not (_Path(__file__).parent / f"{_name}.py").exists():  # TEMPORARY while the op files are written
        continue
    _mod = _importlib.import_module(f"hornet.api.ops.{_name}")
    globals().update({_n: getattr(_mod, _n) for _n in _mod.__all__})
    __all__ += list(_mod.__all__)

if (_Path(__file__).parent / "operators.py").exists():
    from hornet.api.ops import operators as _operators  # noqa: F401  (installs +, *, [], ... on SymbolicTensor)
