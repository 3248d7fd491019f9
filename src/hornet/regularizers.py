"""``hornet.regularizers``: the public namespace (Keras 3 ``keras.regularizers`` names).

>>> from hornet import regularizers
"""
from hornet.api.regularizers import *  # noqa: F401,F403
from hornet.api.regularizers import __all__  # noqa: F401
