"""A fresh process that can't import the custom Layer/Model classes loads the saved IR as a GraphModel: its
predictions equal the original outputs exactly, and training says that the classes are needed."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import hornet
from hornet import layers

CUSTOM_MODULE = textwrap.dedent('''
    import hornet
    from hornet import layers, ops


    class SoftGate(hornet.Layer):
        def __init__(self, init=0.5, **kwargs):
            super().__init__(**kwargs)
            self.init = init

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer=hornet.initializers.Constant(self.init))

        def call(self, x):
            return ops.tanh(x) * ops.sigmoid(self.w) + x

        def get_config(self):
            return {**super().get_config(), "init": self.init}


    class GatedNet(hornet.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.gate = SoftGate(1.5)
            self.norm = layers.BatchNormalization()
            self.out = layers.Dense(3)

        def call(self, x, training=None):
            return self.out(self.norm(self.gate(x), training=training))
''')

LOADER = textwrap.dedent('''
    import json, sys
    import numpy as np
    import hornet

    d = sys.argv[1]
    report = {}
    for name in ("functional", "subclassed", "dict_io"):
        model = hornet.models.load_model(f"{d}/{name}.hornet")
        inputs = dict(np.load(f"{d}/{name}_x.npz"))
        x = inputs["x"] if list(inputs) == ["x"] else inputs
        expected = dict(np.load(f"{d}/{name}_y.npz"))
        expected_call = dict(np.load(f"{d}/{name}_call.npz"))
        out = model.predict(x, batch_size=4, verbose=0)
        out = out if isinstance(out, dict) else {"y": out}
        direct = model(x)
        direct = direct if isinstance(direct, dict) else {"y": direct}
        entry = {"type": type(model).__name__,
                 "predict_equal": all(np.array_equal(out[k], expected[k]) for k in expected),
                 "call_equal": all(np.array_equal(np.asarray(direct[k]), expected_call[k]) for k in expected_call),
                 "keys": sorted(out)}
        try:
            model.fit(x, expected["y"] if "y" in expected else expected, epochs=1, verbose=0)
            entry["fit_error"] = None
        except Exception as e:
            entry["fit_error"] = f"{type(e).__name__}: {e}"
        try:
            model.compile(optimizer="adam", loss="mse")
            entry["compile_error"] = None
        except Exception as e:
            entry["compile_error"] = str(e)
        report[name] = entry
    report["custom_module_imported"] = any("gm_custom_" in m for m in sys.modules)
    print("REPORT" + json.dumps(report))
''')


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Save three models using classes from a module file that the child process can't import."""
    src = tmp_path_factory.mktemp("custom_src")
    out = tmp_path_factory.mktemp("saved")
    mod_name = f"gm_custom_{os.getpid()}"
    path = src / f"{mod_name}.py"
    path.write_text(CUSTOM_MODULE)
    spec = importlib.util.spec_from_file_location(mod_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    spec.loader.exec_module(module)
    try:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(10, 5)).astype("float32")

        inp = hornet.Input((5,))
        functional = hornet.Model(inp, layers.Dense(2)(module.SoftGate(name="gate")(inp)))
        functional.compile(optimizer="adam", loss="mse")
        functional.fit(x, rng.normal(size=(10, 2)).astype("float32"), epochs=2, batch_size=4, verbose=0)

        subclassed = module.GatedNet()
        subclassed.compile(optimizer="adam", loss="mse")
        subclassed.fit(x, rng.normal(size=(10, 3)).astype("float32"), epochs=2, batch_size=4, verbose=0)

        a, b = hornet.Input((5,), name="a"), hornet.Input((2,), name="b")
        gated = module.SoftGate(0.2)(a)
        dict_io = hornet.Model({"a": a, "b": b}, {"sum": layers.Dense(1)(layers.Concatenate()([gated, b])),
                                                  "gated": gated})
        xd = {"a": x, "b": rng.normal(size=(10, 2)).astype("float32")}

        for name, model, xs in (("functional", functional, {"x": x}), ("subclassed", subclassed, {"x": x}),
                                ("dict_io", dict_io, xd)):
            model.save(out / f"{name}.hornet")
            x_in = xs["x"] if name != "dict_io" else xs
            # XLA's CPU kernels may round differently for other batch shapes, so expectations use the same ones
            pred = model.predict(x_in, batch_size=4, verbose=0)
            called = model(x_in)
            np.savez(out / f"{name}_x.npz", **xs)
            np.savez(out / f"{name}_y.npz", **(pred if isinstance(pred, dict) else {"y": pred}))
            np.savez(out / f"{name}_call.npz", **({k: np.asarray(v) for k, v in called.items()}
                                                  if isinstance(called, dict) else {"y": np.asarray(called)}))
    finally:
        del sys.modules[mod_name]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", LOADER, str(out)], capture_output=True, text=True, timeout=300,
                          cwd=str(out), env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("REPORT"))
    return json.loads(line[len("REPORT"):]), mod_name


@pytest.mark.parametrize("name", ["functional", "subclassed", "dict_io"])
def test_graph_model_predicts_exactly_like_the_original(saved, name):
    report, _ = saved
    entry = report[name]
    assert entry["type"] == "GraphModel"
    assert entry["predict_equal"] and entry["call_equal"]
    if name == "dict_io":
        assert entry["keys"] == ["gated", "sum"]


@pytest.mark.parametrize("name, missing_class", [("functional", "SoftGate"), ("subclassed", "GatedNet"),
                                                 ("dict_io", "SoftGate")])
def test_graph_model_fit_says_the_classes_are_needed(saved, name, missing_class):
    report, mod_name = saved
    error = report[name]["fit_error"]
    assert error is not None and "needs the model's Python classes" in error
    assert f"'{missing_class}'" in error and mod_name in error
    assert "needs the model's Python classes" in report[name]["compile_error"]


def test_the_child_never_imported_the_custom_module(saved):
    report, _ = saved
    assert report["custom_module_imported"] is False
