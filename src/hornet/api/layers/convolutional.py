"""Convolution layers ``Conv1D``, ``Conv2D``, ``Conv3D`` (Keras 3 arguments; see ``conv_base.BaseConv``).

>>> layer = Conv2D(16, 3, strides=2, padding="same", activation="relu")   # doctest: +SKIP
>>> layer(np.ones((4, 28, 28, 1), "float32")).shape
(4, 14, 14, 16)
"""
from __future__ import annotations

from hornet.api.layers.conv_base import BaseConv


class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels) inputs; ``padding="causal"`` makes output ``t`` depend
    only on inputs up to ``t``.

    >>> Conv1D(8, 3, padding="causal")(np.ones((2, 10, 4), "float32")).shape   # doctest: +SKIP
    (2, 10, 8)
    """

    rank = 1


class Conv2D(BaseConv):
    """2-D convolution over (batch, height, width, channels) inputs (``channels_first``: channels second).

    >>> Conv2D(8, (3, 3))(np.ones((2, 10, 10, 4), "float32")).shape   # doctest: +SKIP
    (2, 8, 8, 8)
    """

    rank = 2


class Conv3D(BaseConv):
    """3-D convolution over (batch, depth, height, width, channels) inputs.

    >>> Conv3D(4, 2)(np.ones((1, 5, 5, 5, 2), "float32")).shape   # doctest: +SKIP
    (1, 4, 4, 4, 4)
    """

    rank = 3


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D"]
