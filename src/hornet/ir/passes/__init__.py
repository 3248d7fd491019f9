"""Graph passes: ``verify``, ``dce``, ``cse``, ``fold_constants`` and the ``optimize`` pipeline.

Every pass returns a NEW graph (fresh values and nodes; constant arrays are shared, never written) and leaves
its input untouched; ``verify`` returns None or raises HornetError.

>>> from hornet.ir.graph import Graph
>>> optimize(Graph()).nodes
[]
"""
from hornet.ir.passes.cse import cse
from hornet.ir.passes.dce import dce
from hornet.ir.passes.fold import fold_constants
from hornet.ir.passes.pipeline import optimize
from hornet.ir.passes.rewrite import copy_graph
from hornet.ir.passes.verify import verify

__all__ = ["verify", "dce", "cse", "fold_constants", "optimize", "copy_graph"]
