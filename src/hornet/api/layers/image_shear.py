"""``RandomShear``: a random shear about the image origin (Keras 3 arguments, defaults and semantics), one of the
affine layers of ``image_geometric`` (``interpolation`` "bilinear"/"nearest"; ``fill_mode`` "reflect", "wrap",
"constant" with ``fill_value``, or "nearest"; outputs in the compute dtype, at inference too).

>>> RandomShear(x_factor=0.2, seed=1)(images, training=True)              # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops
from hornet.api.layers.image_augmentation import unit_range
from hornet.api.layers.image_geometric import _AffineLayer
from hornet.api.layers.image_preprocessing import plain
from hornet.api.random import uniform


class RandomShear(_AffineLayer):
    """Shear each image: output pixel ``(x, y)`` samples the input at ``(x + s_x y, s_y x + y)``, with ``s_x``,
    ``s_y`` uniform in the ``x_factor`` / ``y_factor`` ranges (a number ``f`` gives ``[-f, f]``, a pair must lie
    in [0, 1]) and one random sign per image for both.

    >>> RandomShear(x_factor=(0.1, 0.3), fill_mode="constant", seed=2)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, x_factor: Any = 0.0, y_factor: Any = 0.0, interpolation: str = "bilinear",
                 fill_mode: str = "reflect", fill_value: float = 0.0, data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        self.x_factor = unit_range("RandomShear", "x_factor", x_factor, symmetric=True)
        self.y_factor = unit_range("RandomShear", "y_factor", y_factor, symmetric=True)
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        # the arguments as given: Keras's normalized ``(-f, f)`` would not pass its own pair check again
        self._factor_args = (x_factor, y_factor)

    def _transforms(self, batch: Any, height: int, width: int, seed: Any) -> Any:
        shape, dtype = (batch, 1), self.compute_dtype
        coin = uniform(shape, 0.0, 1.0, dtype=dtype, seed=seed)
        sign = ops.where(ops.greater(coin, 0.5), -ops.ones_like(coin), ops.ones_like(coin))
        shear_y = uniform(shape, self.y_factor[0], self.y_factor[1], dtype=dtype, seed=seed) * sign
        shear_x = uniform(shape, self.x_factor[0], self.x_factor[1], dtype=dtype, seed=seed) * sign
        ones, zeros = ops.ones_like(shear_x), ops.zeros_like(shear_x)
        return ops.concatenate([ones, shear_x, zeros, shear_y, ones, zeros, zeros, zeros], axis=1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "x_factor": plain(self._factor_args[0]),
                "y_factor": plain(self._factor_args[1])}


__all__ = ["RandomShear"]
