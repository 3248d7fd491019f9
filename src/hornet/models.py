"""``hornet.models``: Model, Sequential, load_model (as ``keras.models``).

>>> model = hornet.models.load_model("m.hornet")            # doctest: +SKIP
"""
from hornet.api.models.functional import Functional
from hornet.api.models.model import Model
from hornet.api.models.sequential import Sequential
from hornet.api.saving.graph_model import GraphModel
from hornet.api.saving.model_file import load_model, save_model


def clone_model(model: Model, input_tensors=None, clone_function=None):
    """A new model with the same config and freshly initialized weights (Keras semantics)."""
    from hornet.api.saving.serialize import deserialize_layer, serialize_layer

    if input_tensors is not None or clone_function is not None:
        raise NotImplementedError("clone_model: input_tensors and clone_function are not supported yet")
    own_classes = {type(layer).__name__: type(layer) for layer in model._flatten_layers()}
    return deserialize_layer(serialize_layer(model), own_classes)


__all__ = ["Model", "Sequential", "Functional", "GraphModel", "load_model", "save_model", "clone_model"]
