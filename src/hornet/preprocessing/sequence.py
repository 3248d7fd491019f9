"""``hornet.preprocessing.sequence`` (``keras.preprocessing.sequence``): ``pad_sequences``.

>>> from hornet.preprocessing.sequence import pad_sequences
>>> pad_sequences([[1], [2, 3]], padding="post").tolist()
[[1, 0], [2, 3]]
"""
from hornet.api.utils.sequence import pad_sequences

__all__ = ["pad_sequences"]
