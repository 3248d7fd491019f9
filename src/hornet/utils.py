"""``hornet.utils`` (``keras.utils``): ``to_categorical``, ``normalize``, ``pad_sequences``, ``set_random_seed``,
``PyDataset``/``Sequence``, ``Progbar``, ``pack_x_y_sample_weight``, ``unpack_x_y_sample_weight``.

>>> import hornet.utils
>>> hornet.utils.pad_sequences([[1, 2], [3]]).tolist()
[[1, 2], [0, 3]]
"""
from typing import Any

from hornet.api.utils import (  # noqa: F401
    PyDataset, Sequence, get_random_seed, model_to_dot, normalize, pack_x_y_sample_weight, pad_sequences,
    plot_model, set_random_seed, to_categorical, unpack_x_y_sample_weight,
)
from hornet.api.utils import __all__  # noqa: F401


def __getattr__(name: str) -> Any:
    import hornet.api.utils as _utils

    return getattr(_utils, name)  # Progbar, imported on first use
