"""``hornet.activations``: the public namespace (Keras 3 ``keras.activations`` names).

>>> from hornet import activations
"""
from hornet.api.activations import *  # noqa: F401,F403
from hornet.api.activations import __all__  # noqa: F401
