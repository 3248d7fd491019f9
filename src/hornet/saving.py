"""``hornet.saving``: model files and config serialization (as ``keras.saving``). Loading never runs code.

>>> hornet.saving.load_model("m.hornet")                   # doctest: +SKIP
"""
from hornet.api.custom_objects import (CustomObjectScope, custom_object_scope, get_custom_objects,
                                       get_registered_name, get_registered_object, register_keras_serializable)
from hornet.api.saving.keras_object import deserialize_keras_object, serialize_keras_object
from hornet.api.saving.model_file import load_model, save_model
from hornet.api.saving.serialize import deserialize_layer, serialize_layer
from hornet.api.saving.weights_file import load_weights, save_weights

__all__ = ["load_model", "save_model", "register_keras_serializable", "get_registered_name", "serialize_layer",
           "deserialize_layer", "load_weights", "save_weights", "CustomObjectScope", "custom_object_scope",
           "get_custom_objects", "get_registered_object", "serialize_keras_object", "deserialize_keras_object"]
