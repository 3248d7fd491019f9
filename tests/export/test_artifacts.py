"""Every export format round-trips: exported here, loaded in a fresh process that never imports hornet by the
format's own loader, equal to the model at two batch sizes. Corrupt artifacts are refused naming the file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.export import export_model, program_of, write_artifact
from hornet.export.loaders.artifact_manifest import ArtifactError
from hornet.export.loaders.run_artifact import open_artifact

# Each snippet uses only the format's framework: argv = folder, input names (comma-separated), in.npz, out.npz.
OWN_LOADERS = {
    "stablehlo": """
import jax
from jax import export
exported = export.deserialize(bytearray(open(folder + "/model.jax_exported", "rb").read()))
run = lambda xs: [np.asarray(y) for y in exported.call(*xs)]
""",
    "torch": """
import torch
module = torch.export.load(folder + "/model.pt2").module()
run = lambda xs: [y.numpy() for y in module(*[torch.from_numpy(x) for x in xs])]
""",
    "tf_saved_model": """
import tensorflow as tf
serve = tf.saved_model.load(folder).signatures["serving_default"]
def run(xs):
    out = serve(**{n: tf.constant(x) for n, x in zip(names, xs)})
    return [out[f"output_{i}"].numpy() for i in range(len(out))]
""",
    "onnx": """
import onnxruntime
session = onnxruntime.InferenceSession(folder + "/model.onnx", providers=["CPUExecutionProvider"])
run = lambda xs: session.run(None, dict(zip(names, xs)))
""",
}
_MAIN = """
import sys, numpy as np
folder, names = sys.argv[1], sys.argv[2].split(",")
{loader}
for src, dst in zip(sys.argv[3::2], sys.argv[4::2]):
    with np.load(src) as data:
        ys = run([data[n] for n in names])
    np.savez(dst, *ys)
assert "hornet" not in sys.modules, "the artifact's loader imported hornet"
"""


def two_input_model() -> hornet.Model:
    pixels = hornet.Input((6, 6, 2), name="pixels")
    extra = hornet.Input((3,), name="extra")
    h = layers.Conv2D(4, 3, activation="relu")(pixels)
    h = layers.BatchNormalization()(h)
    h = layers.GlobalAveragePooling2D()(h)
    h = layers.Concatenate()([h, layers.Dense(4, activation="tanh")(extra)])
    return hornet.Model([pixels, extra], [layers.Dense(5, activation="softmax")(h), layers.Dense(1)(h)],
                        name="two_inputs")


@pytest.fixture(scope="module")
def model() -> hornet.Model:
    hornet.utils.set_random_seed(1)
    m = two_input_model()
    m.predict([np.zeros((1, 6, 6, 2), "float32"), np.zeros((1, 3), "float32")], verbose=0)
    bn = next(layer for layer in m.layers if isinstance(layer, layers.BatchNormalization))
    bn.moving_mean.assign(np.full((4,), 0.1, "float32"))  # inference-mode statistics that matter
    bn.moving_variance.assign(np.full((4,), 2.0, "float32"))
    return m


def inputs(batch: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.random((batch, 6, 6, 2), dtype=np.float32), rng.random((batch, 3), dtype=np.float32)]


def run_without_hornet(fmt: str, folder: Path, tmp: Path) -> list[list[np.ndarray]]:
    args, outs = [], []
    for k, batch in enumerate((1, 4)):
        np.savez(tmp / f"in{k}.npz", pixels=inputs(batch, k)[0], extra=inputs(batch, k)[1])
        args += [str(tmp / f"in{k}.npz"), str(tmp / f"out{k}.npz")]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", _MAIN.format(loader=OWN_LOADERS[fmt]), str(folder), "pixels,extra",
                           *args], capture_output=True, text=True, env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"},
                          timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    for k in range(2):
        with np.load(tmp / f"out{k}.npz") as data:
            outs.append([data[f"arr_{i}"] for i in range(len(data.files))])
    return outs


@pytest.mark.parametrize("fmt", ["stablehlo", "torch", "tf_saved_model", "onnx"])
def test_format_round_trips_without_hornet(model, fmt, tmp_path):
    folder = tmp_path / fmt
    manifest = export_model(model, str(folder), fmt)
    assert manifest["format"] == fmt and [s["name"] for s in manifest["inputs"]] == ["pixels", "extra"]
    assert manifest["inputs"][0]["shape"] == ["batch", 6, 6, 2]
    got = run_without_hornet(fmt, folder, tmp_path)
    for k, batch in enumerate((1, 4)):
        want = model.predict(inputs(batch, k), verbose=0)
        assert [g.shape for g in got[k]] == [w.shape for w in want]
        for g, w in zip(got[k], want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def test_saved_model_from_each_backend(backend, tmp_path):
    """The SavedModel is made from the IR, so a model built and trained on any backend exports the same way."""
    hornet.utils.set_random_seed(2)
    m = hornet.Sequential([hornet.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
    m.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).random((16, 4), dtype=np.float32)
    m.fit(x, x[:, :2], epochs=1, batch_size=8, verbose=0)
    m.export(str(tmp_path / "sm"))  # Keras's default format: tf_saved_model
    manifest, run = open_artifact(str(tmp_path / "sm"), "tf_saved_model")
    np.testing.assert_allclose(run([x[:3]])[0], m.predict(x[:3], verbose=0), rtol=1e-5, atol=1e-6)


def test_unknown_format_names_the_known_ones(model, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'tflite2'.*onnx"):
        model.export(str(tmp_path / "x"), format="tflite2")
    with pytest.raises(ValueError, match="does not export OpenVINO"):
        model.export(str(tmp_path / "x"), format="openvino")
    assert not (tmp_path / "x").exists()


@pytest.fixture(scope="module")
def stablehlo_folder(model, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("artifact") / "stablehlo"
    export_model(model, str(folder), "stablehlo")
    return folder


def _corrupt_copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize("damage,message", [
    ("flip", "sha256 does not match"),
    ("truncate", "truncated or replaced"),
    ("remove", "missing from the artifact"),
    ("extra", "not listed in the manifest"),
    ("manifest_hash", "sha256 does not match"),
    ("manifest_json", "not valid JSON"),
])
def test_corrupt_artifact_is_refused_naming_the_file(stablehlo_folder, tmp_path, damage, message):
    folder = _corrupt_copy(stablehlo_folder, tmp_path / "damaged")
    target = folder / "model.jax_exported"
    manifest_path = folder / "manifest.json"
    if damage == "flip":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x40
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:-10])
    elif damage == "remove":
        target.unlink()
    elif damage == "extra":
        (folder / "payload.py").write_text("print('never run')")
    elif damage == "manifest_hash":
        manifest = json.loads(manifest_path.read_text())
        manifest["files"]["model.jax_exported"]["sha256"] = "0" * 64
        manifest_path.write_text(json.dumps(manifest))
    else:
        manifest_path.write_text("{not json")
    with pytest.raises(ArtifactError, match=message) as info:
        open_artifact(str(folder))
    assert str(folder) in str(info.value)


def test_wrong_input_is_refused_naming_it(stablehlo_folder):
    _, run = open_artifact(str(stablehlo_folder))
    with pytest.raises(ArtifactError, match=r"input 'pixels' expects shape \['batch', 6, 6, 2\], got \[2, 6, 6\]"):
        run([np.zeros((2, 6, 6), "float32"), np.zeros((2, 3), "float32")])
    with pytest.raises(ArtifactError, match="takes 2 inputs"):
        run([np.zeros((2, 6, 6, 2), "float32")])


def test_failed_export_keeps_the_previous_artifact(model, stablehlo_folder, tmp_path, monkeypatch):
    folder = _corrupt_copy(stablehlo_folder, tmp_path / "kept")
    before = (folder / "manifest.json").read_text()
    from hornet.export import stablehlo

    def broken(program, out):
        (Path(out) / "model.mlir").write_text("partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr(stablehlo, "write", broken)
    with program_of(model) as program, pytest.raises(RuntimeError, match="disk full"):
        write_artifact(program, str(folder), "stablehlo")
    assert (folder / "manifest.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]  # no staging folder left behind
