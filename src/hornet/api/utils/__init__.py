"""``hornet.utils``: the ``keras.utils`` helpers (``to_categorical``, ``normalize``, ``pad_sequences``,
``set_random_seed``, ``PyDataset``/``Sequence``, ``Progbar``, ``pack_x_y_sample_weight``,
``unpack_x_y_sample_weight``).

>>> from hornet import utils
>>> utils.to_categorical([1, 0]).tolist()
[[0.0, 1.0], [1.0, 0.0]]
"""
from typing import Any

from hornet.api.utils.model_visualization import model_to_dot, plot_model
from hornet.api.utils.numerical import normalize, to_categorical
from hornet.api.utils.rng import get_random_seed, set_random_seed
from hornet.api.utils.sequence import pad_sequences
from hornet.runtime.data.batch import pack_x_y_sample_weight, unpack_x_y_sample_weight
from hornet.runtime.data.py_dataset import PyDataset, Sequence

_LAZY = {"Progbar": ("hornet.api.callbacks.progbar", "Progbar")}


def __getattr__(name: str) -> Any:
    # Progbar lives with the callbacks; importing it lazily keeps `hornet.utils` free of that dependency.
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'hornet.utils' has no attribute {name!r}")


__all__ = ["Progbar", "PyDataset", "Sequence", "get_random_seed", "normalize", "pack_x_y_sample_weight",
           "pad_sequences", "set_random_seed", "to_categorical", "unpack_x_y_sample_weight", "model_to_dot",
           "plot_model"]
