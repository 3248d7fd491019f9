"""Checks that need 8 devices, run in one fresh process (JAX fixes its device count at start): the parent test
sets ``XLA_FLAGS=--xla_force_host_platform_device_count=8`` and reads the JSON printed on the last line."""
import json
import tempfile

import numpy as np

import hornet
from hornet import distribution, layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 6)).astype("float32")
Y = RNG.normal(size=(64, 4)).astype("float32")


def make_model():
    return hornet.Sequential([hornet.Input((6,)), layers.Dense(8, activation="relu", name="dense_a"),
                              layers.Dense(4, name="dense_b")])


def fit(model, weights):
    model.set_weights(weights)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    return model.get_weights()


def sharding(variable):
    s = variable.value.sharding
    return {"type": type(s).__name__, "spec": [e for e in s.spec], "mesh": dict(s.mesh.shape)}


def train_step_info(model):
    step = model._steps["train"]
    (entry,) = step._cache.values()
    return {"traced": step.cache_size, "xla": entry.compiled.jitted._cache_size(),
            "x_spec": list(entry.compiled.placement.inputs[0])}


def max_diff(a, b):
    return float(max(np.abs(p - q).max() for p, q in zip(a, b)))


def orbax_restores(orbax_dir, trained):
    """A checkpoint saved under the (2, 4) ModelParallel mesh, restored onto a (4, 2) mesh and onto one device."""
    out = {}
    mesh = distribution.DeviceMesh((4, 2), ("batch", "model"))
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense_.*/kernel"] = ("model", None)
    with distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch").scope():
        other = make_model()
        other.compile(optimizer="adam", loss="mse")
        other.load_weights(orbax_dir)
        out["orbax_mesh_diff"] = max_diff(trained, other.get_weights())
        out["orbax_mesh_sharding"] = sharding(other.layers[0].kernel)
    single = make_model()
    single.compile(optimizer="adam", loss="mse")
    single.load_weights(orbax_dir)
    out["orbax_single_diff"] = max_diff(trained, single.get_weights())
    return out


def main():
    out = {"devices": distribution.list_devices(), "count": distribution.get_device_count("cpu")}
    reference = make_model()
    initial = reference.get_weights()
    single = fit(reference, initial)

    with distribution.DataParallel().scope():
        model = make_model()
        out["dp_created"] = sharding(model.layers[0].kernel)
        out["dp_diff"] = max_diff(single, fit(model, initial))
        out["dp_after"] = sharding(model.layers[0].kernel)
        out["dp_step"] = train_step_info(model)
        out["dp_predict_diff"] = float(np.abs(model.predict(X, batch_size=16, verbose=0)
                                              - reference.predict(X, batch_size=16, verbose=0)).max())
        out["dp_evaluate_diff"] = abs(model.evaluate(X, Y, batch_size=16, verbose=0)
                                      - reference.evaluate(X, Y, batch_size=16, verbose=0))

    mesh = distribution.DeviceMesh((2, 4), ("batch", "model"))
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense_.*/kernel"] = (None, "model")
    with distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch").scope():
        model = make_model()
        out["mp_created"] = sharding(model.layers[0].kernel)
        out["mp_bias"] = sharding(model.layers[0].bias)
        out["mp_diff"] = max_diff(single, fit(model, initial))
        out["mp_after"] = sharding(model.layers[1].kernel)
        slots = [v for v in model.optimizer.variables if v.shape == (6, 8)]
        out["mp_slots"] = [sharding(v) for v in slots]
        out["mp_step"] = train_step_info(model)
        out["current"] = type(distribution.distribution()).__name__
        trained = model.get_weights()
        orbax_dir = tempfile.mkdtemp()
        model.fit(X, Y, batch_size=16, epochs=1, verbose=0, shuffle=False,
                  callbacks=[hornet.callbacks.OrbaxCheckpoint(orbax_dir, save_on_background=True)])
        trained = model.get_weights()
    out["after_scope"] = distribution.distribution() is None
    out.update(orbax_restores(orbax_dir, trained))

    # distribute_tensor: eagerly a placed array; inside a compiled function a sharding_constraint node
    layout = distribution.TensorLayout(("batch", None), mesh)
    placed = distribution.distribute_tensor(np.ones((4, 3), "float32"), layout)
    out["eager_spec"] = [e for e in placed.sharding.spec]
    fn = hornet.jit(lambda x: distribution.distribute_tensor(x * 2.0, layout) + 1.0)
    graph = fn.trace(hornet.TensorSpec((4, 3)))
    out["constraint_prims"] = [n.prim for n in graph.nodes if n.prim == "sharding_constraint"]
    with distribution.DataParallel().scope():
        out["constraint_value"] = float(np.asarray(fn(np.ones((4, 3), "float32"))).sum())

    # a rule whose layout cannot split the variable's dims evenly
    bad_map = distribution.LayoutMap(mesh)
    bad_map["dense_b/kernel"] = ("model", None)
    try:
        with distribution.ModelParallel(layout_map=bad_map).scope():
            hornet.Sequential([hornet.Input((6,)), layers.Dense(3, name="dense_b")])
        out["indivisible"] = None
    except ValueError as e:
        out["indivisible"] = str(e)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
