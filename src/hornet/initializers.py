"""``hornet.initializers``: the public namespace (Keras 3 ``keras.initializers`` names).

>>> from hornet import initializers
"""
from hornet.api.initializers import *  # noqa: F401,F403
from hornet.api.initializers import __all__  # noqa: F401
