"""hornet's own global defaults that Keras keeps in ``keras.config`` / ``keras.backend``: the image data format
that layers and ops use when ``data_format=None``, and the default float type (``floatx``), which is the
global dtype policy's type. They are hornet's settings only; no framework setting is touched.

>>> set_image_data_format("channels_first"); image_data_format()
'channels_first'
>>> set_image_data_format("channels_last")
"""
from __future__ import annotations

DATA_FORMATS = ("channels_last", "channels_first")
FLOATX = ("float16", "bfloat16", "float32", "float64")
_STATE = {"image_data_format": "channels_last"}


def image_data_format() -> str:
    """``"channels_last"`` (the default) or ``"channels_first"``: what ``data_format=None`` means."""
    return _STATE["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    fmt = str(data_format).lower()
    if fmt not in DATA_FORMATS:
        raise ValueError(f"set_image_data_format: `data_format` must be one of {DATA_FORMATS}, got {data_format!r}")
    _STATE["image_data_format"] = fmt


def floatx() -> str:
    """The default float type: the variable type of the global dtype policy (``"float32"`` unless set)."""
    from hornet.api.layers.dtype_policy import dtype_policy

    return dtype_policy().variable_dtype


def set_floatx(value: str) -> None:
    """Set the default float type of new layers' weights and computations (the global dtype policy becomes
    ``value``, as Keras's default policy follows ``floatx``)."""
    from hornet.api.layers.dtype_policy import set_dtype_policy

    if value not in FLOATX:
        raise ValueError(f"set_floatx: unknown float type {value!r}; expected one of {FLOATX}")
    set_dtype_policy(value)


__all__ = ["image_data_format", "set_image_data_format", "floatx", "set_floatx"]
