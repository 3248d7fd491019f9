"""``hornet.distribution``: the ``keras.distribution`` API (``DeviceMesh``, ``TensorLayout``, ``LayoutMap``,
``DataParallel``, ``ModelParallel``, ``distribute_tensor``, ``distribution``, ``set_distribution``,
``list_devices``, ``get_device_count``, ``initialize``). JAX backend only for now.

>>> import hornet.distribution as distribution
>>> with distribution.DataParallel().scope():            # doctest: +SKIP
...     model = make_model(); model.fit(x, y)
"""
from hornet.api.distribution import *  # noqa: F401,F403
from hornet.api.distribution import __all__  # noqa: F401
