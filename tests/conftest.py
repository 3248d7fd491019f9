import os
import sys

import pytest

os.environ.setdefault("HORNET_BACKEND", "jax")
sys.path.insert(0, os.path.dirname(__file__))  # `import helpers`

from helpers import COMPILED  # noqa: E402

try:  # the JAX oracles compare float64 results; hornet itself never needs this flag
    import jax  # noqa: E402  (test_imports checks, in a fresh process, that hornet leaves it off)

    jax.config.update("jax_enable_x64", True)
except ImportError:
    pass
from hornet.runtime.backend import using_backend  # noqa: E402


@pytest.fixture(params=COMPILED)
def backend(request: pytest.FixtureRequest):
    """The test runs once on each compiled backend, as that thread's current backend. The behaviour suites
    (models, layers, losses, metrics, optimizers, callbacks, saving) take it for every test through
    ``helpers.on_each_backend``; a test bound to one backend says so with ``@pytest.mark.parametrize("backend",
    ["jax"])``, which overrides this fixture."""
    with using_backend(request.param):
        yield request.param
