"""ImageNet input preprocessing (``preprocess_input``'s caffe / tf / torch modes) and ``decode_predictions``
(top-k classes from a local ImageNet class index file), as ``keras.applications.imagenet_utils``.

>>> preprocess_input(np.full((1, 2, 2, 3), 255.0), mode="tf")[0, 0, 0]
array([1., 1., 1.])
"""
from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from hornet.api import ops
from hornet.api.settings import floatx, image_data_format

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_ENV = "HORNET_IMAGENET_CLASS_INDEX"
MODES = ("caffe", "tf", "torch")
_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR order
_TORCH_MEAN, _TORCH_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
_class_index: dict[str, list[str]] | None = None


def _check_data_format(data_format: str | None, fn: str) -> str:
    if data_format is None:
        return image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"{fn}: `data_format` must be 'channels_first' or 'channels_last'; "
                         f"received data_format={data_format!r}")
    return data_format


def _channel_axis(ndim: int, data_format: str) -> int:
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1


def _preprocess_numpy(x: np.ndarray, data_format: str, mode: str) -> np.ndarray:
    # Keras writes over a float input in place; callers who mind pass a copy.
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    shape = [1] * x.ndim
    shape[axis] = 3
    if mode == "torch":
        x /= 255.0
        x -= np.reshape(np.asarray(_TORCH_MEAN, x.dtype), shape)
        x /= np.reshape(np.asarray(_TORCH_STD, x.dtype), shape)
        return x
    x = np.flip(x, axis=axis)  # RGB -> BGR
    x -= np.reshape(np.asarray(_CAFFE_MEAN, x.dtype), shape)
    return x


def _preprocess_tensor(x: Any, data_format: str, mode: str) -> Any:
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format)
    shape = [1] * ndim
    shape[axis] = 3
    dtype = x.dtype
    if mode == "torch":
        mean = ops.reshape(ops.convert_to_tensor(np.asarray(_TORCH_MEAN), dtype=dtype), shape)
        std = ops.reshape(ops.convert_to_tensor(np.asarray(_TORCH_STD), dtype=dtype), shape)
        return (x / 255.0 - mean) / std
    bgr = ops.flip(x, axis=axis)
    return bgr - ops.reshape(ops.convert_to_tensor(np.asarray(_CAFFE_MEAN), dtype=dtype), shape)


def preprocess_input(x: Any, data_format: str | None = None, mode: str = "caffe") -> Any:
    """A batch (or one image) of RGB pixels in [0, 255] made ready for an ImageNet model.

    ``mode="caffe"``: RGB to BGR, then each channel minus its ImageNet mean; ``"tf"``: scaled to [-1, 1];
    ``"torch"``: scaled to [0, 1], then each channel normalized by ImageNet's mean and std. A NumPy float
    input is overwritten in place (as in Keras); a tensor gives a new tensor.

    >>> preprocess_input(np.zeros((1, 1, 1, 3)))[0, 0, 0]
    array([-103.939, -116.779, -123.68 ])
    """
    if mode not in MODES:
        raise ValueError(f"preprocess_input: `mode` must be one of {MODES}; received mode={mode!r}")
    data_format = _check_data_format(data_format, "preprocess_input")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _load_class_index(class_index_path: str | None) -> dict[str, list[str]]:
    global _class_index
    path = class_index_path or os.environ.get(CLASS_INDEX_ENV)
    if path is None:
        if _class_index is not None:
            return _class_index
        raise ValueError(
            f"decode_predictions: the ImageNet class index '{CLASS_INDEX_FILE}' is not available and hornet does "
            f"not download files. Download it from {CLASS_INDEX_URL} and pass its path as "
            f"`class_index_path=`, or set the {CLASS_INDEX_ENV} environment variable to it.")
    if not os.path.exists(path):
        raise ValueError(f"decode_predictions: the ImageNet class index file {path!r} does not exist")
    with open(path) as f:
        _class_index = json.load(f)
    return _class_index


def decode_predictions(preds: Any, top: int = 5, class_index_path: str | None = None) -> list[list[tuple]]:
    """The ``top`` classes of each row of ImageNet predictions, as ``(class_id, description, score)`` tuples,
    best first.

    The class index (Keras's ``imagenet_class_index.json``) is read from ``class_index_path``, else from the
    file named by the ``HORNET_IMAGENET_CLASS_INDEX`` environment variable, else the last one read.

    >>> decode_predictions(probs, top=3, class_index_path="imagenet_class_index.json")   # doctest: +SKIP
    [[('n02123045', 'tabby', 0.71), ...]]
    """
    shape = tuple(preds.shape)
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError(f"decode_predictions: expected a batch of predictions of shape (samples, 1000); "
                         f"received shape {shape}")
    index = _load_class_index(class_index_path)
    results = []
    for row in np.asarray(ops.convert_to_numpy(preds)):
        best = row.argsort()[-top:][::-1]
        result = [tuple(index[str(i)]) + (row[i],) for i in best]
        result.sort(key=lambda item: item[2], reverse=True)
        results.append(result)
    return results


__all__ = ["preprocess_input", "decode_predictions"]
