"""The hornet command: compile a factory or model file to artifacts (each checked), inspect them, run them; bad
arguments exit 2 and failures 1, each with a message and no traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hornet
from hornet import ops
from hornet.cli import main

HORNET = str(Path(sys.executable).with_name("hornet"))

FACTORY = '''
import hornet
from hornet import layers

def make_model():
    return hornet.Sequential([hornet.Input((8, 8, 1), name="image"), layers.Conv2D(3, 3, activation="relu"),
                              layers.Flatten(), layers.Dense(4)], name="tiny_cnn")

def make_subclassed():
    class Scale(hornet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)
        def call(self, x):
            return self.dense(x) * 2.0
    return Scale()

def make_ragged():
    tokens = hornet.Input((None,), dtype="int32", name="tokens")
    return hornet.Model(tokens, layers.GlobalAveragePooling1D()(layers.Embedding(5, 3)(tokens)))

not_callable = 3
'''


def hornet_cmd(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([HORNET, *args], capture_output=True, text=True, timeout=600, cwd=cwd,
                          stdin=subprocess.DEVNULL, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})


@pytest.fixture(scope="module")
def factory(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "models.py"
    path.write_text(FACTORY)
    return path


@pytest.fixture(scope="module")
def compiled(factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = factory.parent / "out"
    return out, hornet_cmd("compile", f"{factory}:make_model", "-o", str(out), "--format", "stablehlo,torch")


def test_compile_writes_each_format_with_sizes_and_checks_it(compiled):
    out, done = compiled
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["hornet", "stablehlo", "torch"]
    for fmt in ("hornet", "stablehlo", "torch"):
        assert f"wrote {out / fmt}/" in done.stdout
        assert f"check {fmt}: reproduces the model" in done.stdout
    assert "model.pt2" in done.stdout and "KB" in done.stdout
    assert "stablehlo.convolution" in (out / "stablehlo" / "model.mlir").read_text()


def test_inspect_an_artifact_and_a_model_file(compiled):
    out, _ = compiled
    done = hornet_cmd("inspect", str(out / "torch"))
    assert done.returncode == 0, done.stderr
    assert "'torch' artifact of model 'tiny_cnn'" in done.stdout and "input  image: float32[batch,8,8,1]" in done.stdout
    assert "sha256 verified" in done.stdout and "parameters: 466" in done.stdout
    assert main(["inspect", str(out / "hornet" / "model.hornet"), "--ir"]) == 0


def test_run_an_artifact_and_a_model_file(compiled, tmp_path, capsys):
    out, _ = compiled
    x = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)
    np.save(tmp_path / "x.npy", x)
    done = hornet_cmd("run", str(out / "stablehlo"), "--input", str(tmp_path / "x.npy"), "-o", str(tmp_path / "y.npy"))
    assert done.returncode == 0, done.stderr
    model = hornet.models.load_model(out / "hornet" / "model.hornet")
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    assert main(["run", str(out / "hornet" / "model.hornet"), "--input", f"image={tmp_path / 'x.npy'}",
                 "--backend", "numpy", "-o", str(tmp_path / "z.npz")]) == 0
    with np.load(tmp_path / "z.npz") as data:
        np.testing.assert_allclose(data["output_0"], model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_never_called_model_is_built_from_input_shape(factory, tmp_path, capsys):
    spec = f"{factory}:make_subclassed"
    assert main(["compile", spec, "-o", str(tmp_path / "a"), "--format", "stablehlo"]) == 2
    assert "--input-shape" in capsys.readouterr().err
    assert main(["compile", spec, "-o", str(tmp_path / "a"), "--format", "stablehlo", "--input-shape", "x=5"]) == 0
    assert "check stablehlo: reproduces the model" in capsys.readouterr().out


def test_unknown_dim_needs_a_size(factory, tmp_path, capsys):
    spec = f"{factory}:make_ragged"
    assert main(["compile", spec, "-o", str(tmp_path / "r"), "--format", "stablehlo"]) == 2
    assert "input 'tokens' has an unknown dim 1" in capsys.readouterr().err
    assert main(["compile", spec, "-o", str(tmp_path / "r"), "--format", "stablehlo", "--input-shape",
                 "tokens=7"]) == 0
    assert "float32[batch,3]" not in capsys.readouterr().err


@pytest.mark.parametrize("args,code,message", [
    (["compile", "missing.hornet", "-o", "o"], 2, "missing.hornet: no such file"),
    (["compile", "{factory}:nothing_here", "-o", "o"], 2, "defines no 'nothing_here'; callables there: make_model"),
    (["compile", "{factory}:not_callable", "-o", "o"], 2, "is a int, not a callable"),
    (["compile", "{factory}", "-o", "o"], 2, "name the factory too"),
    (["compile", "{factory}:make_model", "-o", "o", "--format", "tflite2"], 2, "unknown export format 'tflite2'"),
    (["compile", "{factory}:make_model", "-o", "o", "--input-shape", "image=8,8"], 2, "give its 3 dims"),
    (["compile", "{factory}:make_model", "-o", "o", "--input-shape", "nope=3"], 2, "has no input 'nope'"),
    (["run", "{out}/torch", "--input", "x.npy", "--backend", "jax"], 2, "--backend applies to model files"),
    (["run", "{out}/torch", "--input", "absent.npy"], 2, "absent.npy: no such file"),
    (["inspect", "{factory_dir}"], 2, "without a manifest.json"),
])
def test_bad_arguments(factory, compiled, tmp_path, capsys, args, code, message):
    out, _ = compiled
    args = [a.format(factory=factory, out=out, factory_dir=factory.parent) for a in args]
    args = [str(tmp_path / a) if a in ("o", "missing.hornet", "x.npy", "absent.npy") else a for a in args]
    if "x.npy" in " ".join(args):
        np.save(tmp_path / "x.npy", np.zeros((1, 8, 8, 1), "float32"))
    assert main(args) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_framework_is_a_usage_error(factory, tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    assert main(["compile", f"{factory}:make_model", "-o", str(tmp_path / "o"), "--format", "onnx"]) == 2
    assert "pip install 'hornet[onnx]'" in capsys.readouterr().err


def test_corrupt_artifact_fails_with_exit_1(compiled, tmp_path):
    import shutil

    folder = tmp_path / "torch"
    shutil.copytree(compiled[0] / "torch", folder)
    data = bytearray((folder / "model.pt2").read_bytes())
    data[100] ^= 1
    (folder / "model.pt2").write_bytes(bytes(data))
    np.save(tmp_path / "x.npy", np.zeros((1, 8, 8, 1), "float32"))
    done = hornet_cmd("run", str(folder), "--input", str(tmp_path / "x.npy"))
    assert done.returncode == 1 and "model.pt2: its sha256 does not match" in done.stderr
    assert "Traceback" not in done.stderr


def test_graph_file_compiles(tmp_path, capsys):
    w = np.ones((3, 2), "float32")
    graph = hornet.trace(lambda x: ops.relu(ops.matmul(x, w)), hornet.TensorSpec((None, 3)))
    path = tmp_path / "tiny.graph.json"
    path.write_text(graph.to_json())
    assert main(["compile", str(path), "-o", str(tmp_path / "g"), "--format", "stablehlo"]) == 0
    from jax import export

    exported = export.deserialize(bytearray((tmp_path / "g" / "stablehlo" / "model.jax_exported").read_bytes()))
    (y,) = exported.call(np.ones((4, 3), "float32"))
    np.testing.assert_allclose(np.asarray(y), np.full((4, 2), 3.0))


@pytest.mark.parametrize("content,message", [
    ("not json", "not valid JSON"),
    ('{"format": "hornet.graph", "version": 99}', "unsupported version 99"),
    ('{"format": "something.else", "version": 1, "graph": {}}', "not a hornet graph"),
])
def test_bad_graph_files(tmp_path, capsys, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["inspect", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_help_and_bad_command(capsys):
    for command in ("compile", "inspect", "run"):
        with pytest.raises(SystemExit) as e:
            main([command, "--help"])
        assert e.value.code == 0
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2
