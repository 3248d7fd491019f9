"""``hornet.constraints``: the public namespace (Keras 3 ``keras.constraints`` names).

>>> from hornet import constraints
"""
from hornet.api.constraints import *  # noqa: F401,F403
from hornet.api.constraints import __all__  # noqa: F401
