"""The Keras 3 distribution API: device meshes, tensor layouts, and distributions that lay out variables and
batches over a mesh (JAX backend: one XLA SPMD program per step).

>>> from hornet.api import distribution                                      # doctest: +SKIP
>>> mesh = distribution.DeviceMesh((2, 4), ("batch", "model"))
>>> layout_map = distribution.LayoutMap(mesh)
>>> layout_map[".*/kernel"] = (None, "model")
>>> with distribution.ModelParallel(layout_map=layout_map).scope():
...     model = make_model()
"""
from hornet.api.distribution.devices import distribute_tensor, get_device_count, initialize, list_devices
from hornet.api.distribution.layout_map import LayoutMap
from hornet.api.distribution.mesh import DeviceMesh, TensorLayout
from hornet.api.distribution.state import distribution, set_distribution
from hornet.api.distribution.strategies import DataParallel, Distribution, ModelParallel

__all__ = ["DeviceMesh", "TensorLayout", "LayoutMap", "Distribution", "DataParallel", "ModelParallel",
           "distribute_tensor", "distribution", "set_distribution", "list_devices", "get_device_count",
           "initialize"]
