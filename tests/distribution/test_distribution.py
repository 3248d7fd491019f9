"""hornet.distribution (Keras 3's distribution API, JAX backend).

The 8-device checks run once in a fresh process (``spmd_checks.py``): JAX fixes its device count at start and
this process already has 1 CPU device. The error cases run here, on a 1-device mesh where they need one.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import hornet
from hornet import distribution, layers
from hornet.ir.errors import HornetError
from hornet.runtime.backend import available_backends, using_backend

HERE = os.path.dirname(__file__)


@pytest.fixture(autouse=True)
def no_distribution():
    yield
    distribution.set_distribution(None)


@pytest.fixture(scope="module")
def spmd():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", HORNET_BACKEND="jax")
    proc = subprocess.run([sys.executable, os.path.join(HERE, "spmd_checks.py")], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _model():
    return hornet.Sequential([hornet.Input((3,)), layers.Dense(2, name="dense_a")])


# --- 8 devices, in a subprocess -------------------------------------------------------------------------------


def test_devices_listed_as_platform_and_id(spmd):
    assert spmd["devices"] == [f"cpu:{i}" for i in range(8)]
    assert spmd["count"] == 8


def test_data_parallel_replicates_weights_splits_batches_and_matches_one_device(spmd):
    replicated = {"type": "NamedSharding", "spec": [None, None], "mesh": {"batch": 8}}
    assert spmd["dp_created"] == replicated and spmd["dp_after"] == replicated
    assert spmd["dp_step"] == {"traced": 1, "xla": 1, "x_spec": ["batch", None]}
    assert spmd["dp_diff"] <= 1e-5
    assert spmd["dp_predict_diff"] <= 1e-5 and spmd["dp_evaluate_diff"] <= 1e-5


def test_orbax_checkpoint_of_a_sharded_model_restores_onto_another_mesh_and_one_device(spmd):
    assert spmd["orbax_mesh_sharding"] == {"type": "NamedSharding", "spec": ["model", None],
                                           "mesh": {"batch": 4, "model": 2}}
    assert spmd["orbax_mesh_diff"] == 0.0 and spmd["orbax_single_diff"] == 0.0


def test_model_parallel_shards_kernels_and_their_slots_and_matches_one_device(spmd):
    sharded = {"type": "NamedSharding", "spec": [None, "model"], "mesh": {"batch": 2, "model": 4}}
    assert spmd["mp_created"] == sharded and spmd["mp_after"] == sharded
    assert spmd["mp_bias"]["spec"] == [None]
    assert spmd["mp_slots"] == [sharded, sharded]  # Adam's two slots of dense_a/kernel follow its layout
    assert spmd["mp_step"] == {"traced": 1, "xla": 1, "x_spec": ["batch", None]}
    assert spmd["mp_diff"] <= 1e-5
    assert spmd["current"] == "ModelParallel" and spmd["after_scope"] is True


def test_distribute_tensor_places_eagerly_and_constrains_in_graphs(spmd):
    assert spmd["eager_spec"] == ["batch", None]
    assert spmd["constraint_prims"] == ["sharding_constraint"]
    assert spmd["constraint_value"] == 36.0


def test_indivisible_layout_names_variable_rule_and_dim(spmd):
    message = spmd["indivisible"]
    assert "dense_b/kernel" in message and "(6, 3)" in message and "dim 0" in message and "'model'" in message


# --- errors, in this process ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape, names, match", [
    ((), (), "cannot be empty"),
    ((1,), ("batch", "model"), "same size"),
    ((2, 4), ("batch", "model"), r"needs 8 devices, but 1 were given"),
    ((0,), ("batch",), "positive integer"),
    ((1, 1), ("batch", "batch"), "distinct"),
])
def test_bad_mesh_shapes_are_refused(shape, names, match):
    with pytest.raises(ValueError, match=match):
        distribution.DeviceMesh(shape, names)


def test_layout_axes_must_be_mesh_axes():
    mesh = distribution.DeviceMesh((1,), ("batch",))
    with pytest.raises(ValueError, match=r"invalid axis names \['model'\]"):
        distribution.TensorLayout((None, "model"), mesh)


def test_layout_map_keys_are_full_match_regexes():
    mesh = distribution.DeviceMesh((1, 1), ("batch", "model"))
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense_.*/kernel"] = (None, "model")
    layout_map["kernel"] = ("model", None)
    assert layout_map["dense_a/kernel"].axes == (None, "model")
    assert layout_map["dense_a/kernel"].device_mesh is mesh
    assert layout_map["dense_a/kernel_2"] is None  # the whole path must match
    assert layout_map["kernel"].axes == ("model", None)
    layout_map[".*a/kernel"] = (None, None)
    with pytest.raises(ValueError, match="matches multiple layout"):
        layout_map["dense_a/kernel"]
    with pytest.raises(ValueError, match="already exists"):
        layout_map["kernel"] = (None, None)


def test_unmatched_layout_rule_names_rule_and_candidate_paths():
    mesh = distribution.DeviceMesh((1, 1), ("batch", "model"))
    layout_map = distribution.LayoutMap(mesh)
    layout_map["sequential/dense_a/kernel"] = (None, "model")  # Keras-style path; hornet's is dense_a/kernel
    with distribution.ModelParallel(layout_map=layout_map).scope():
        model = _model()
        model.compile(optimizer="sgd", loss="mse")
        with pytest.raises(ValueError, match="match no variable path") as info:
            model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    assert "'sequential/dense_a/kernel' could have meant: 'dense_a/kernel'" in str(info.value)


def test_one_device_data_parallel_fits_like_no_distribution():
    x, y = np.arange(12, dtype="float32").reshape(4, 3) / 10, np.ones((4, 2), "float32")
    plain = _model()
    weights = plain.get_weights()
    plain.compile(optimizer="sgd", loss="mse")
    plain.fit(x, y, batch_size=2, verbose=0, shuffle=False)
    with distribution.DataParallel().scope():
        model = _model()
        model.set_weights(weights)
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, batch_size=2, verbose=0, shuffle=False)
        assert type(model.layers[0].kernel.value.sharding).__name__ == "NamedSharding"
    for a, b in zip(plain.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_scope_restores_previous_distribution():
    outer, inner = distribution.DataParallel(), distribution.DataParallel(devices=["cpu:0"])
    distribution.set_distribution(outer)
    with inner.scope():
        assert distribution.distribution() is inner
    assert distribution.distribution() is outer
    distribution.set_distribution(None)
    assert distribution.distribution() is None
    with pytest.raises(ValueError, match="expected a Distribution"):
        distribution.set_distribution("data_parallel")


@pytest.mark.parametrize("name", [b for b in ("torch", "tensorflow") if b in available_backends()])
def test_other_backends_refuse_distribution(name):
    mesh = distribution.DeviceMesh((1,), ("batch",), devices=["cpu:0"])
    dp = distribution.DataParallel(device_mesh=mesh)
    with using_backend(name):
        with pytest.raises(HornetError, match=f"JAX-only for now: the {name} backend"):
            distribution.list_devices()
        with pytest.raises(HornetError, match="JAX-only"):
            distribution.DataParallel(device_mesh=mesh)
        with pytest.raises(HornetError, match="JAX-only"):
            distribution.set_distribution(dp)
    if name == "torch":  # a model compiled for torch under a distribution set on JAX
        with dp.scope():
            model = _model()
            model.compile(optimizer="sgd", loss="mse", backend="torch")
            with pytest.raises(HornetError, match="JAX-only"):
                model.fit(np.ones((2, 3), "float32"), np.ones((2, 2), "float32"), verbose=0)


def test_initialize_checks_job_addresses_against_num_processes():
    with pytest.raises(ValueError, match="lists 2 jobs, but num_processes=3"):
        distribution.initialize("10.0.0.1:1234,10.0.0.2:2345", num_processes=3, process_id=0)
