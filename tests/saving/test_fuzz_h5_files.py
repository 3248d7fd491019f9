"""A seeded fuzz campaign over mutated ``.weights.h5`` files (byte flips, byte runs, truncations): every outcome is
a successful load or a hornet ModelFileError naming the file, never a crash or another exception type."""
from __future__ import annotations

import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.api.saving.file_errors import ModelFileError


def _model():
    return hornet.Sequential([hornet.Input((4,)), layers.Dense(3), layers.BatchNormalization()])


def _mutate(data: bytes, rng: np.random.Generator) -> bytes:
    buf = bytearray(data)
    kind = rng.integers(3)
    if kind == 0:  # flip a few bits anywhere
        for _ in range(rng.integers(1, 6)):
            buf[rng.integers(len(buf))] ^= 1 << int(rng.integers(8))
    elif kind == 1:  # overwrite a run with random or extreme bytes
        start = int(rng.integers(len(buf)))
        run = int(rng.integers(1, 16))
        fill = rng.integers(0, 256, run).astype(np.uint8).tobytes() if rng.integers(2) else b"\xff" * run
        buf[start:start + run] = fill[: len(buf) - start]
    else:  # truncate
        del buf[int(rng.integers(len(buf))):]
    return bytes(buf)


@pytest.mark.parametrize("seed", [5])
def test_mutated_h5_files_load_or_are_refused_cleanly(tmp_path, seed):
    model = _model()
    source = tmp_path / "valid.weights.h5"
    model.save_weights(str(source))
    data = source.read_bytes()
    rng = np.random.default_rng(seed)
    outcomes = {"loaded": 0, "refused": 0}
    defects = []
    target = _model()
    for case in range(300):
        path = tmp_path / f"case{case}.weights.h5"
        path.write_bytes(_mutate(data, rng))
        try:
            target.load_weights(str(path))
            outcomes["loaded"] += 1
        except ModelFileError as e:
            if str(path) not in str(e):
                defects.append((case, f"the error does not name the file: {e}"))
            outcomes["refused"] += 1
        except Exception as e:  # noqa: BLE001 -- any other exception type is the defect this test looks for
            defects.append((case, f"{type(e).__name__}: {e}"))
        path.unlink()
    assert defects == [], "\n".join(f"case {i}: {d}" for i, d in defects[:20])
    assert outcomes["refused"] > 50 and outcomes["loaded"] > 10  # the mutations reach both outcomes
