"""``hornet.saving``: model files and config serialization (as ``keras.saving``). Loading never runs code.

>>> hornet.saving.load_model("m.hornet")                   # doctest: +SKIP
"""
from hornet.api.saving.model_file import load_model, save_model
from hornet.api.saving.serialize import (deserialize_layer, get_registered_name, register_keras_serializable,
                                         serialize_layer)
from hornet.api.saving.weights_file import load_weights, save_weights

__all__ = ["load_model", "save_model", "register_keras_serializable", "get_registered_name", "serialize_layer",
           "deserialize_layer", "load_weights", "save_weights"]
