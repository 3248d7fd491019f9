"""Multi-process training: two processes x 2 CPU devices joined by ``hornet.distribution.initialize`` on
loopback (``multihost_worker.py``), each fitting on its own rows, against one process fitting on the global
batches those rows make (batch i = process 0's batch i, then process 1's batch i)."""
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from hornet import distribution
from hornet.runtime.backend import using_backend
from hornet.runtime.jax_sharding import JaxSharding

HERE = os.path.dirname(__file__)
sys.path.insert(0, HERE)
import multihost_worker as worker  # noqa: E402

TIMEOUT_S = 120


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _global_batches():
    """The rows of both processes in the order the two-process fit steps through them."""
    (x0, y0), (x1, y1) = worker.data(0), worker.data(1)
    b = worker.BATCH
    order = [(p, i) for i in range(0, worker.ROWS, b) for p in (0, 1)]
    xs, ys = (x0, x1), (y0, y1)
    return (np.concatenate([xs[p][i:i + b] for p, i in order]), np.concatenate([ys[p][i:i + b] for p, i in order]))


def _one_process_reference():
    x, y = _global_batches()
    with using_backend("jax"):
        model = worker.make_model()
        model.fit(x, y, batch_size=2 * worker.BATCH, epochs=2, shuffle=False, verbose=0)
        return {"weights": model.get_weights(), "evaluate": float(model.evaluate(x, y, verbose=0)),
                "predicted": [model.predict(worker.data(p)[0], verbose=0) for p in (0, 1)]}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("multihost"))
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu",
               HORNET_BACKEND="jax")
    port = _free_port()
    procs = [subprocess.Popen([sys.executable, os.path.join(HERE, "multihost_worker.py"), str(port), str(pid), out],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for pid in (0, 1)]
    try:
        reference = _one_process_reference()  # while the workers run
        outputs = [p.communicate(timeout=TIMEOUT_S) for p in procs]
    finally:
        for p in procs:  # stragglers (a timeout, or one worker waiting for a peer that died)
            if p.poll() is None:
                p.kill()
                p.communicate()
    for p, (_, err) in zip(procs, outputs):
        assert p.returncode == 0, err[-3000:]
    results = []
    for pid in (0, 1):
        with open(os.path.join(out, f"result_{pid}.json")) as f:
            info = json.load(f)
        arrays = np.load(os.path.join(out, f"result_{pid}.npz"))
        info["weights"] = [arrays[f"arr_{i}"] for i in range(len(reference["weights"]))]
        info["predicted"] = arrays["predicted"]
        info["stdout"] = outputs[pid][0]
        results.append(info)
    return {"out": out, "results": results, "reference": reference}


def _max_diff(a, b):
    return float(max(np.abs(p - q).max() for p, q in zip(a, b)))


def test_two_processes_train_to_the_one_process_weights(run):
    p0, p1 = run["results"]
    assert (p0["process"], p1["process"], p0["devices"]) == (0, 1, 4)
    assert _max_diff(p0["weights"], p1["weights"]) == 0.0
    assert _max_diff(p0["weights"], run["reference"]["weights"]) <= 1e-5
    assert p0["xla_compiles"] == 1  # the ragged last batch is padded, not recompiled


def test_evaluate_covers_all_rows_and_predict_returns_own_rows(run):
    for pid, result in enumerate(run["results"]):
        assert abs(result["evaluate"] - run["reference"]["evaluate"]) <= 1e-5
        assert result["predicted"].shape == (worker.ROWS, 3)
        np.testing.assert_allclose(result["predicted"], run["reference"]["predicted"][pid], atol=1e-5)


def test_only_process_zero_prints_and_writes_files(run):
    p0, p1 = run["results"]
    assert "Epoch 2/2" in p0["stdout"] and "loss:" in p0["stdout"]
    # process 1 printed nothing (the collectives library's own connection notices aside)
    assert [line for line in p1["stdout"].splitlines() if line.strip() and not line.startswith("[Gloo]")] == []
    assert sorted(f for f in os.listdir(run["out"]) if f.endswith(".csv")) == ["log_0.csv"]
    with open(os.path.join(run["out"], "log_0.csv")) as f:
        assert f.readline().strip() == "epoch,loss,val_loss" and len(f.readlines()) == 2


def test_orbax_checkpoint_written_once_across_processes_restores_in_each(run):
    for result in run["results"]:
        assert result["orbax_steps"] == [1]  # epochs 0 and 1, max_to_keep=1
        assert result["orbax_diff"] == 0.0


def test_uneven_step_counts_are_an_error_naming_each_process(run):
    for result in run["results"]:
        assert "every process must run the same number of steps" in result["uneven_error"]
        assert "process 0: 4 batches of 4 (14 rows)" in result["uneven_error"]
        assert "process 1: 6 batches of 4 (22 rows)" in result["uneven_error"]


def test_initialize_passes_arguments_and_defers_to_auto_detection(monkeypatch):
    calls = []
    monkeypatch.setattr(JaxSharding, "initialize", lambda self, *args: calls.append(args))
    for name in ("JOB_ADDRESSES", "NUM_PROCESSES", "PROCESS_ID"):
        monkeypatch.delenv(f"KERAS_DISTRIBUTION_{name}", raising=False)
    with using_backend("jax"):
        distribution.initialize()  # a TPU pod or cluster: JAX finds the coordinator itself
        distribution.initialize("127.0.0.1:1234,127.0.0.1:1235", 2, 1)
        monkeypatch.setenv("KERAS_DISTRIBUTION_JOB_ADDRESSES", "127.0.0.1:999")
        monkeypatch.setenv("KERAS_DISTRIBUTION_NUM_PROCESSES", "2")
        monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "0")
        distribution.initialize()
    assert calls == [(None, None, None), ("127.0.0.1:1234", 2, 1), ("127.0.0.1:999", 2, 0)]
