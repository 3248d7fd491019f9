"""hornet's reverse-mode autodiff on the IR: ``grad``, ``value_and_grad``, ``custom_gradient``.

The forward function is recorded into the current graph; the tape is the run of nodes it recorded, and
the backward pass appends each node's VJP (registered per prim in the registry) to the same graph. So a
whole training step is one graph, and gradients of gradients work as long as the VJP rules are themselves
written with differentiable prims.
"""
from hornet.api.autodiff import rules  # noqa: F401  (registers the VJP rules)
from hornet.api.autodiff.engine import backward, vjp_of_graph
from hornet.api.autodiff.public import custom_gradient, grad, value_and_grad

__all__ = ["grad", "value_and_grad", "custom_gradient", "backward", "vjp_of_graph"]
