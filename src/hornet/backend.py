"""Which backend hornet runs on: ``hornet.backend.backend()`` -> "jax" (default), set by ``HORNET_BACKEND``."""
from hornet.runtime.backend import backend_name as backend, set_backend, using_backend

__all__ = ["backend", "set_backend", "using_backend"]
