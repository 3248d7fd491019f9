"""Augmentation policies built from the other image layers (Keras 3 arguments, defaults and semantics):
``RandAugment`` (``num_ops`` randomly chosen operations in a row) and ``AugMix`` (random chains of operations
blended with Dirichlet weights, then mixed with the input).

A policy draws everything from its own ``SeedGenerator``, including which operation runs: the choice is a
tensor, so inside a compiled model ``ops.switch`` runs the chosen branch only (eagerly the branch is picked in
Python). The random draws are shared by the whole batch for the choices and, as Keras, per image for each
operation's parameters. Identity (cast to the compute dtype) at inference.

>>> RandAugment(value_range=(0, 1), num_ops=2, factor=0.3, seed=0)(images, training=True)   # doctest: +SKIP
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from hornet.api import ops
from hornet.api.layers import image_sampling as sampling
from hornet.api.layers.image_augmentation import RandomAugmentationLayer, value_range_arg
from hornet.api.layers.image_color import RandomColorDegeneration
from hornet.api.layers.image_filters import RandomSharpness
from hornet.api.layers.image_geometric import RandomRotation, RandomTranslation
from hornet.api.layers.image_histogram import Equalization
from hornet.api.layers.image_preprocessing import RandomBrightness, RandomContrast, factor_range, plain
from hornet.api.layers.image_shear import RandomShear
from hornet.api.layers.image_tone import AutoContrast, RandomPosterization, Solarization
from hornet.api.random import SeedGenerator, beta, gamma, randint
from hornet.ir.tracer import SymbolicTensor


def _make(name: str, factor: tuple[float, float], value_range: Any, interpolation: str, seed: int | None,
          dtype: Any) -> Any:
    """One of the policy operations, configured from the policy's ``factor`` range as Keras does."""
    common = dict(seed=seed, dtype=dtype)
    coloured = dict(value_range=value_range, **common)
    if name == "random_shear":
        return RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation, **common)
    if name == "random_translation":
        return RandomTranslation(height_factor=factor, width_factor=factor, interpolation=interpolation, **common)
    if name == "random_rotation":
        return RandomRotation(factor=factor, interpolation=interpolation, **common)
    if name == "random_posterization":
        return RandomPosterization(factor=max(1, int(8 * factor[1])), **coloured)
    if name == "solarization":
        return Solarization(addition_factor=factor, threshold_factor=factor, **coloured)
    if name == "auto_contrast":
        return AutoContrast(value_range=value_range, dtype=dtype)
    if name == "equalization":
        return Equalization(value_range=value_range, dtype=dtype)
    kinds = {"random_brightness": RandomBrightness, "random_color_degeneration": RandomColorDegeneration,
             "random_contrast": RandomContrast, "random_sharpness": RandomSharpness}
    return kinds[name](factor=factor, **coloured)


def _select(index: Any, branches: Sequence[Callable[[Any], Any]], images: Any) -> Any:
    """``branches[index](images)``: a switch when tracing, a Python choice when eager."""
    if isinstance(index, SymbolicTensor):
        return ops.switch(index, list(branches), images)
    return branches[int(index)](images)


class _Policy(RandomAugmentationLayer):
    """Owns the operation layers named in ``_names`` (attributes of those names, as Keras)."""

    _INFERENCE_CAST = True

    def __init__(self, value_range: Sequence[float], factor: Any, interpolation: str, seed: int | None,
                 data_format: str | None, names: Sequence[str], **kwargs: Any):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        layer = type(self).__name__
        self.value_range = value_range_arg(layer, value_range, sort=False)
        self.factor = factor_range(layer, "factor", factor, (0, 1))
        if interpolation not in sampling.AFFINE_INTERPOLATIONS:
            raise ValueError(f"{layer}: unknown interpolation={interpolation!r}; expected one of "
                             f"{sampling.AFFINE_INTERPOLATIONS}")
        self.interpolation = interpolation
        self._names = list(names)
        for name in self._names:
            setattr(self, name, _make(name, self.factor, value_range, interpolation, seed, self.dtype_policy))

    def _operations(self) -> list[Any]:
        return [getattr(self, name) for name in self._names]

    def _branches(self, params: Sequence[Any]) -> list[Callable[[Any], Any]]:
        def branch(layer: Any, p: Any) -> Callable[[Any], Any]:
            return lambda images: ops.cast(layer._apply(images, p), self.compute_dtype)

        return [branch(layer, p) for layer, p in zip(self._operations(), params)]

    def _draw_all(self, images: Any, seed: SeedGenerator) -> list[Any]:
        return [layer._draw(images, seed) for layer in self._operations()]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": plain(self.value_range), "factor": list(self.factor),
                "interpolation": self.interpolation}


def _positive_int(layer: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{layer}: `{name}` must be a positive integer, got {name}={value!r}")
    return value


RAND_AUGMENT_OPS = ("random_shear", "random_translation", "random_rotation", "random_brightness",
                    "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
                    "solarization", "auto_contrast", "equalization")


class RandAugment(_Policy):
    """Apply ``num_ops`` operations in turn, each chosen uniformly (with repetition) among shear, translation,
    rotation, brightness, colour degeneration, contrast, sharpness, posterization, solarization, auto-contrast
    and equalization, all with magnitudes from the ``factor`` range (``f`` gives ``[0, f]``). A chosen
    operation's parameters are drawn once per call, so an operation chosen twice repeats itself.

    >>> RandAugment(num_ops=3, factor=0.2, seed=1)(images, training=True)     # doctest: +SKIP
    """

    def __init__(self, value_range: Sequence[float] = (0, 255), num_ops: int = 2, factor: Any = 0.5,
                 interpolation: str = "bilinear", seed: int | None = None, data_format: str | None = None,
                 **kwargs: Any):
        self.num_ops = _positive_int("RandAugment", "num_ops", num_ops)
        super().__init__(value_range, factor, interpolation, seed, data_format, RAND_AUGMENT_OPS, **kwargs)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        choices = randint((self.num_ops,), 0, len(self._names), seed=seed)
        return choices, self._draw_all(images, seed)

    def _apply(self, images: Any, params: Any) -> Any:
        choices, op_params = params
        branches = self._branches(op_params)
        for i in range(self.num_ops):
            images = _select(choices[i], branches, images)
        return images

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_ops": self.num_ops}


AUG_MIX_OPS = ("random_shear", "random_translation", "random_rotation", "random_posterization", "solarization",
               "auto_contrast", "equalization")
AUG_MIX_EXTRA_OPS = ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")


class AugMix(_Policy):
    """Blend ``num_chains`` augmented copies of the batch with Dirichlet(``alpha``) weights, each copy passed
    through ``chain_depth`` slots that each run one random operation or none (shear, translation, rotation,
    posterization, solarization, auto-contrast, equalization, plus brightness, colour degeneration, contrast and
    sharpness when ``all_ops``), then mix the blend with the input by a Beta(``alpha``, ``alpha``) weight and
    clip to ``value_range``. Keras picks the operations with Python's ``random``; here the choice is drawn
    from the seed generator, so it is seeded and traceable (and so not Keras's numbers).

    >>> AugMix(value_range=(0, 1), num_chains=2, chain_depth=2, seed=0)(images, training=True)   # doctest: +SKIP
    """

    def __init__(self, value_range: Sequence[float] = (0, 255), num_chains: int = 3, chain_depth: int = 3,
                 factor: Any = 0.3, alpha: float = 1.0, all_ops: bool = True, interpolation: str = "bilinear",
                 seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        self.num_chains = _positive_int("AugMix", "num_chains", num_chains)
        self.chain_depth = _positive_int("AugMix", "chain_depth", chain_depth)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"AugMix: `alpha` must be a positive number, got alpha={alpha!r}")
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        names = AUG_MIX_OPS + (AUG_MIX_EXTRA_OPS if self.all_ops else ())
        super().__init__(value_range, factor, interpolation, seed, data_format, names, **kwargs)

    def _draw(self, images: Any, seed: SeedGenerator) -> Any:
        weights = gamma((self.num_chains,), float(self.alpha), seed=seed)
        weights = weights / ops.sum(weights, axis=-1, keepdims=True)
        mix = beta((), float(self.alpha), float(self.alpha), seed=seed)
        chains = [[(randint((), 0, len(self._names) + 1, seed=seed), self._draw_all(images, seed))
                   for _ in range(self.chain_depth)] for _ in range(self.num_chains)]
        return weights, mix, chains

    def _apply(self, images: Any, params: Any) -> Any:
        weights, mix, chains = params
        dtype = self.compute_dtype
        weights, mix = ops.cast(weights, dtype), ops.cast(mix, dtype)
        blend = ops.zeros_like(images)
        for c, chain in enumerate(chains):
            copy = images
            for choice, op_params in chain:  # the last branch is the empty slot
                copy = _select(choice, self._branches(op_params) + [lambda x: x], copy)
            blend = blend + copy * weights[c]
        out = mix * images + (1.0 - mix) * blend
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_chains": self.num_chains, "chain_depth": self.chain_depth,
                "alpha": self.alpha, "all_ops": self.all_ops}


__all__ = ["RandAugment", "AugMix"]
