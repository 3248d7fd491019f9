"""``hornet.config``: process-wide settings of hornet itself (never of JAX, torch or TensorFlow).

>>> hornet.config.set_input_data_checks(False)    # doctest: +SKIP  (skip the NaN and label checks of fit)
"""
from hornet.api.layers.dtype_policy import dtype_policy, set_dtype_policy
from hornet.api.models.data_checks import InputDataWarning, input_data_checks, set_input_data_checks
from hornet.api.settings import floatx, image_data_format, set_floatx, set_image_data_format
from hornet.runtime.backend import backend_name as backend, set_backend

__all__ = ["dtype_policy", "set_dtype_policy", "input_data_checks", "set_input_data_checks", "InputDataWarning",
           "floatx", "set_floatx", "image_data_format", "set_image_data_format", "backend", "set_backend"]
