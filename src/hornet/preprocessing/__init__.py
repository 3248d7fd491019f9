"""``hornet.preprocessing`` (``keras.preprocessing``): ``sequence.pad_sequences``.

>>> from hornet.preprocessing.sequence import pad_sequences
"""
from hornet.preprocessing import sequence

__all__ = ["sequence"]
