"""The two layers of ConvNeXt blocks (as ``keras.applications.convnext``'s): LayerScale (a learned per-channel
scale) and StochasticDepth (drops a residual branch per sample in training).

>>> LayerScale(1e-6, 96)(np.ones((1, 2, 2, 96), "float32")).shape     # doctest: +SKIP
(1, 2, 2, 96)
"""
from __future__ import annotations

from typing import Any

from hornet.api import ops, random
from hornet.api.initializers import Constant
from hornet.api.layers.layer import Layer


class LayerScale(Layer):
    """``x * gamma`` with a trainable ``gamma`` of ``projection_dim`` values, initialized to ``init_values``.

    >>> layer = LayerScale(0.5, 4)                                         # doctest: +SKIP
    """

    def __init__(self, init_values: float, projection_dim: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape: Any) -> None:
        if input_shape[-1] is not None and input_shape[-1] != self.projection_dim:
            raise ValueError(f"layer '{self.name}' (LayerScale): the input's last dim must be projection_dim="
                             f"{self.projection_dim}; got input shape {tuple(input_shape)}")
        self.gamma = self.add_weight(shape=(self.projection_dim,), initializer=Constant(self.init_values),
                                     trainable=True, name="gamma")
        self.built = True

    def call(self, x: Any) -> Any:
        return x * self.gamma

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}


class StochasticDepth(Layer):
    """In training, zeroes the whole input of a sample with probability ``drop_path_rate`` and scales the kept
    ones by ``1 / (1 - drop_path_rate)``; the identity in inference.

    >>> layer = StochasticDepth(0.1)                                       # doctest: +SKIP
    """

    def __init__(self, drop_path_rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not 0 <= drop_path_rate < 1:
            raise ValueError(f"StochasticDepth: `drop_path_rate` must be in [0, 1); received "
                             f"drop_path_rate={drop_path_rate!r}")
        self.drop_path_rate = drop_path_rate
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self.built = True

    def call(self, x: Any, training: bool = False) -> Any:
        if not training or self.drop_path_rate == 0:
            return x
        keep = 1.0 - self.drop_path_rate
        shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        mask = ops.floor(keep + random.uniform(shape, 0.0, 1.0, seed=self.seed_generator))
        return x / keep * mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate, "seed": self.seed}


__all__ = ["LayerScale", "StochasticDepth"]
