"""``hornet.backend`` (``keras.backend``): which backend hornet runs on (``"jax"`` by default, set by
``HORNET_BACKEND``), and the framework-free helpers Keras keeps here.

>>> hornet.backend.backend()                      # doctest: +SKIP
'jax'
>>> hornet.backend.standardize_dtype("float")
'float32'
"""
from hornet.api.backend_functions import (clear_session, get_uid, is_float_dtype, is_int_dtype, is_keras_tensor,
                                          result_type, standardize_dtype)
from hornet.api.settings import floatx, image_data_format, set_floatx, set_image_data_format
from hornet.runtime.backend import backend_name as backend, set_backend, using_backend

__all__ = ["backend", "set_backend", "using_backend", "clear_session", "get_uid", "is_float_dtype", "is_int_dtype",
           "is_keras_tensor", "result_type", "standardize_dtype", "floatx", "set_floatx", "image_data_format",
           "set_image_data_format"]
