"""``hornet compile --train`` exports a compiled model's whole train step; ``hornet train`` trains it without
the model's code, resumes from its checkpoints, and writes a model file equal to an in-process fit."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hornet

HORNET = str(Path(sys.executable).with_name("hornet"))

JOB = '''
import hornet
from hornet import layers

def make_model():
    hornet.utils.set_random_seed(0)
    model = hornet.Sequential([hornet.Input((8,), name="features"), layers.Dense(16, activation="relu"),
                               layers.Dropout(0.1), layers.Dense(3)], name="job")
    model.compile(optimizer="adam", loss=hornet.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model
'''


def hornet_cmd(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([HORNET, *args], capture_output=True, text=True, timeout=600, cwd=cwd,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def job(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("train")
    (root / "job_spec.py").write_text(JOB)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 8)).astype("float32")
    np.savez(root / "d.npz", x=x, y=((x[:, 0] > 0).astype("int32") + (x[:, 1] > 0)))
    done = hornet_cmd("compile", "job_spec.py:make_model", "--train", "-o", "job", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def in_process_fit(root: Path, epochs: int) -> list[np.ndarray]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("job_spec_module", root / "job_spec.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.make_model()
    with np.load(root / "d.npz") as data:
        model.fit(data["x"], data["y"], batch_size=16, epochs=epochs, shuffle=False, verbose=0)
    return model.get_weights()


def test_trained_model_equals_an_in_process_fit(job):
    done = hornet_cmd("train", "job", "--data", "d.npz", "--epochs", "3", "--batch-size", "16", "-o",
                      "trained.hornet", "--quiet", cwd=job)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("epoch ") == 3 and "loss:" in done.stdout and "accuracy:" in done.stdout
    trained = hornet.models.load_model(job / "trained.hornet")
    for got, want in zip(trained.get_weights(), in_process_fit(job, 3)):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_resumes_from_its_checkpoint(job):
    first = hornet_cmd("train", "job", "--data", "d.npz", "--epochs", "2", "--batch-size", "16", "-o", "part.hornet",
                       "--checkpoint-dir", "ckpt", "--quiet", cwd=job)
    assert first.returncode == 0, first.stderr
    again = hornet_cmd("train", "job", "--data", "d.npz", "--epochs", "3", "--batch-size", "16", "-o",
                       "resumed.hornet", "--checkpoint-dir", "ckpt", "--quiet", cwd=job)
    assert again.returncode == 0, again.stderr
    assert "resuming from ckpt after epoch 2" in again.stdout and again.stdout.count("epoch 3/3") == 1
    whole = hornet_cmd("train", "job", "--data", "d.npz", "--epochs", "3", "--batch-size", "16", "-o", "whole.hornet",
                       "--quiet", cwd=job)
    assert whole.returncode == 0, whole.stderr
    resumed = hornet.models.load_model(job / "resumed.hornet").get_weights()
    for a, b in zip(resumed, hornet.models.load_model(job / "whole.hornet").get_weights()):
        np.testing.assert_array_equal(a, b)


def test_bad_train_arguments(job, capsys):
    from hornet.cli import main

    os.chdir(job)
    assert main(["train", "job", "--data", "missing.npz", "-o", "t.hornet"]) == 2
    assert "missing.npz: no such file" in capsys.readouterr().err
    np.savez(job / "bad.npz", x=np.zeros((4, 5), "float32"), y=np.zeros(4, "int32"))
    assert main(["train", "job", "--data", "bad.npz", "-o", "t.hornet"]) == 2
    assert "x has shape [4, 5]; the step takes ['batch', 8]" in capsys.readouterr().err
    assert main(["train", "job", "--data", "d.npz", "-o", "t.npz"]) == 2
    assert main(["train", str(job / "nope"), "--data", "d.npz", "-o", "t.hornet"]) == 1
    assert "no such artifact folder" in capsys.readouterr().err


def test_two_processes_train_to_the_one_process_weights(job):
    """Each process trains on its own 32 rows (2 batches of 16); that equals one process on the global batches
    of 32 rows: process 0's batch i, then process 1's."""
    import socket

    with np.load(job / "d.npz") as data:
        x, y = data["x"][:48], data["y"][:48]
    halves = [(x[:32], y[:32]), (np.concatenate([x[32:], x[:16]]), np.concatenate([y[32:], y[:16]]))]
    for pid, (xs, ys) in enumerate(halves):
        np.savez(job / f"part{pid}.npz", x=xs, y=ys)
    order = np.concatenate([np.arange(16), 32 + np.arange(16), 16 + np.arange(16), 48 + np.arange(16)])
    gx, gy = np.concatenate([halves[0][0], halves[1][0]]), np.concatenate([halves[0][1], halves[1][1]])
    np.savez(job / "global.npz", x=gx[order], y=gy[order])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    procs = [subprocess.Popen([HORNET, "train", "job", "--data", f"part{pid}.npz", "--epochs", "2", "--batch-size",
                               "16", "-o", "multi.hornet", "--quiet", "--coordinator", f"127.0.0.1:{port}",
                               "--num-processes", "2", "--process-id", str(pid)], cwd=job, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
             for pid in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
    assert outs[0][0].count("epoch ") == 2 and "epoch " not in outs[1][0]  # process 0 prints
    single = hornet_cmd("train", "job", "--data", "global.npz", "--epochs", "2", "--batch-size", "32", "-o",
                        "single.hornet", "--quiet", cwd=job)
    assert single.returncode == 0, single.stderr
    multi = hornet.models.load_model(job / "multi.hornet").get_weights()
    for got, want in zip(multi, hornet.models.load_model(job / "single.hornet").get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_partial_multi_process_flags_are_a_usage_error(job):
    done = hornet_cmd("train", "job", "--data", "d.npz", "-o", "t.hornet", "--num-processes", "2", cwd=job)
    assert done.returncode == 2 and "--coordinator, --num-processes and --process-id go together" in done.stderr
    done = hornet_cmd("train", "job", "--data", "d.npz", "-o", "t.hornet", "--coordinator", "127.0.0.1:1",
                      "--num-processes", "2", "--process-id", "2", cwd=job)
    assert done.returncode == 2 and "--process-id must be in [0, 2)" in done.stderr
