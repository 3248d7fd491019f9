"""``ops.grad``, ``ops.value_and_grad``, ``ops.custom_gradient``: hornet's reverse mode as public ops
(``ops.stop_gradient`` is in math.py)."""
from hornet.api.autodiff import custom_gradient, grad, value_and_grad

__all__ = ["grad", "value_and_grad", "custom_gradient"]
