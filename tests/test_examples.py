"""The examples run end to end (one epoch each): they train, evaluate, save a .hornet file, reload it and
predict the same as the original model (each example's main asserts that), compiling each step once."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"examples_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# (example, lowest test accuracy after one epoch: digits has 10 classes, the text task 2 (about 60% negative))
CASES = [("digits_mlp", 0.5), ("digits_cnn", 0.5), ("text_classifier", 0.75)]


@pytest.mark.parametrize("name,min_accuracy", CASES, ids=[c[0] for c in CASES])
def test_example_trains_saves_and_reloads(name: str, min_accuracy: float, tmp_path: Path) -> None:
    example = load_example(name)
    result = example.main(epochs=1, out=str(tmp_path), verbose=0)
    assert Path(result["path"]).is_file() and Path(result["path"]).suffix == ".hornet"
    assert math.isfinite(result["loss"])
    assert result["accuracy"] >= min_accuracy, result
    history = result["history"]
    assert set(history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history["loss"]) == 1
    # one train-step compilation for the whole fit, padded last batch included
    assert result["compile_stats"]["train"] == 1, result["compile_stats"]


def test_custom_layer_round_trips_its_config() -> None:
    example = load_example("text_classifier")
    layer = example.TokenAndPositionEmbedding(8, 5, 4, epsilon=1e-5, name="emb")
    clone = example.TokenAndPositionEmbedding.from_config(layer.get_config())
    assert (clone.max_length, clone.vocab_size, clone.embed_dim, clone.epsilon) == (8, 5, 4, 1e-5)
    assert clone.name == "emb"
    assert [tuple(w.shape) for w in clone.weights] == [(5, 4), (8, 4)]


def test_custom_layer_matches_numpy() -> None:
    example = load_example("text_classifier")
    layer = example.TokenAndPositionEmbedding(6, 5, 4, epsilon=1e-6)
    tokens = np.array([[0, 1, 2, 3, 4, 0], [4, 4, 3, 2, 1, 1]], "int32")
    got = np.asarray(layer(tokens))
    table, positions = layer.token_embeddings.numpy(), layer.position_embeddings.numpy()
    x = table[tokens] + positions[None]
    want = x / np.sqrt(np.maximum((x ** 2).sum(-1, keepdims=True) / 4, 1e-6))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
