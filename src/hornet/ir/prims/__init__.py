"""The primitive registry, with every prim family registered on import.

>>> from hornet.ir.prims import PRIMITIVES
>>> "dot_general" in PRIMITIVES
True
"""
from hornet.ir.prims.registry import PRIMITIVES, Attr, Primitive, define, infer_types, normalize_attrs, set_rule

# Each family module registers its prims with `define` when imported.
from hornet.ir.prims import (elementwise, structural, indexing, reductions, contractions, linalg,  # noqa: E402,F401
                              composites, control_flow)

__all__ = ["PRIMITIVES", "Attr", "Primitive", "define", "infer_types", "normalize_attrs", "set_rule"]
