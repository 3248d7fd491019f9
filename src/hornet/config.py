"""``hornet.config``: process-wide settings of hornet itself (never of JAX, torch or TensorFlow).

>>> hornet.config.set_input_data_checks(False)    # doctest: +SKIP  (skip the NaN and label checks of fit)
"""
from hornet.api.layers.dtype_policy import dtype_policy, set_dtype_policy
from hornet.api.models.data_checks import InputDataWarning, input_data_checks, set_input_data_checks

__all__ = ["dtype_policy", "set_dtype_policy", "input_data_checks", "set_input_data_checks", "InputDataWarning"]
