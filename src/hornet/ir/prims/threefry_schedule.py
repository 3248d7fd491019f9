"""The Threefry-2x32 block function (20 rounds, Salmon et al.) written once over abstract uint32 arithmetic, so
the ``threefry2x32`` prim's decomposition and every lowering's rule share one schedule.

``add``, ``xor`` and ``rotl`` act on the backend's values modulo 2**32; ``constant(c)`` makes a uint32 constant
that broadcasts against them.

>>> import numpy as np
>>> u = np.uint32
>>> rotl = lambda x, r: (x << u(r)) | (x >> u(32 - r))
>>> y = threefry_rounds(u(0), u(0), u(0), u(0), add=np.add, xor=np.bitwise_xor, rotl=rotl, constant=u)
>>> [hex(int(w)) for w in y]            # the Threefry-2x32 known-answer test for key 0, counter 0
['0x6b200159', '0x99ba4efe']
"""
from __future__ import annotations

from typing import Any, Callable

ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
PARITY = 0x1BD11BDA  # key-schedule constant: the third key word is k0 ^ k1 ^ PARITY


def threefry_rounds(k0: Any, k1: Any, x1: Any, x2: Any, *, add: Callable[[Any, Any], Any],
                    xor: Callable[[Any, Any], Any], rotl: Callable[[Any, int], Any],
                    constant: Callable[[int], Any]) -> tuple[Any, Any]:
    """The two output words of Threefry-2x32 with key (k0, k1) on counts (x1, x2): key injection every 4
    rounds."""
    ks = (k0, k1, xor(xor(k0, k1), constant(PARITY)))
    x1 = add(x1, ks[0])
    x2 = add(x2, ks[1])
    for block in range(5):
        for r in ROTATIONS[block % 2]:
            x1 = add(x1, x2)
            x2 = xor(rotl(x2, r), x1)
        x1 = add(x1, ks[(block + 1) % 3])
        x2 = add(x2, add(ks[(block + 2) % 3], constant(block + 1)))
    return x1, x2
