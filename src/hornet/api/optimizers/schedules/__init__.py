"""Learning-rate schedules (``hornet.optimizers.schedules``), with Keras 3 names and semantics.

>>> from hornet.optimizers import schedules
>>> sched = schedules.deserialize(schedules.serialize(schedules.ExponentialDecay(0.1, 10, 0.5)))
>>> round(float(sched(20)), 6)
0.025
"""
from __future__ import annotations

from typing import Any, Mapping

from hornet.api.optimizers.schedules.base import LearningRateSchedule
from hornet.api.optimizers.schedules.cosine import CosineDecay, CosineDecayRestarts
from hornet.api.optimizers.schedules.decays import (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay,
                                                    PolynomialDecay)
from hornet.api.optimizers.serialization import deserialize_object, serialize_object

MODULE = "hornet.optimizers.schedules"
ALL_SCHEDULES = {cls.__name__: cls for cls in (LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay,
                                                 PolynomialDecay, InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict[str, Any]:
    """The schedule's ``{"module", "class_name", "config", "registered_name"}`` dict (JSON-compatible).

    >>> serialize(ExponentialDecay(0.1, 100, 0.96))["class_name"]
    'ExponentialDecay'
    """
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise ValueError("Expected a LearningRateSchedule instance. Received: "
                         f"{learning_rate_schedule!r} (of type {type(learning_rate_schedule).__name__})")
    return serialize_object(learning_rate_schedule, MODULE)


def deserialize(config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None) -> LearningRateSchedule:
    """A schedule from the dict ``serialize`` (or Keras) wrote; custom classes come from ``custom_objects``.

    >>> deserialize({"class_name": "PolynomialDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10}})
    <...PolynomialDecay object at ...>
    """
    return deserialize_object(config, ALL_SCHEDULES, custom_objects, "learning rate schedule")


__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay",
           "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize"]
