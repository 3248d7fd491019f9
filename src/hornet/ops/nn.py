"""``hornet.ops.nn``: activations, convolution and pooling, normalization, losses, attention (``keras.ops.nn``)."""
from hornet.ops._gather import public_names

_OPS = public_names(("nn", "conv", "normalization", "losses", "attention", "ctc", "fold"))
globals().update(_OPS)
__all__ = list(_OPS)
