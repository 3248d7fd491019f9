"""Loading never imports or runs code named by a file: a class in a module that is not imported yet gives a clear
error (or, for a whole model file, the IR-only GraphModel), and the module stays out of ``sys.modules``."""
from __future__ import annotations

import json
import sys
import zipfile

import numpy as np
import pytest

import hornet
import model_files
from hornet import layers
from hornet.api.saving.serialize import UnknownClassError

X = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")


@pytest.fixture
def trap(tmp_path, monkeypatch):
    """An importable module (on sys.path) that leaves a marker file when imported, defining TrapLayer."""
    name = f"hornet_trap_{tmp_path.name.replace('-', '_')}"
    marker = tmp_path / "imported.marker"
    (tmp_path / f"{name}.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('imported')\n"
        "import hornet\n"
        "class TrapLayer(hornet.Layer):\n"
        "    def call(self, x):\n"
        "        return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, marker
    assert name not in sys.modules, "loading imported the module named in the file"
    assert not marker.exists(), "loading ran the module named in the file"


def _saved_model(tmp_path):
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3, name="d1"), layers.Dense(2, name="d2")])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.ones((6, 2), "float32"), verbose=0)
    path = tmp_path / "model.hornet"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    return model, entries


def _rewrite(path, entries, config):
    return model_files.write(path, {**entries, "config.json": json.dumps(config).encode()})


def test_deserializing_a_class_from_an_unimported_module_is_a_clear_error(trap):
    module, _ = trap
    with pytest.raises(UnknownClassError, match=rf"class 'TrapLayer' \(defined in module '{module}'\) is not "
                                                r"available.*custom_objects"):
        hornet.saving.deserialize_layer({"class_name": "TrapLayer", "module": module, "config": {}})


@pytest.mark.parametrize("class_name, module", [("Popen", "subprocess"), ("system", "os"), ("TrapLayer", None),
                                                ("hornet_trap_x.TrapLayer", None)])
def test_non_layer_or_unknown_names_are_not_resolved(trap, class_name, module):
    with pytest.raises(UnknownClassError, match=class_name):
        hornet.saving.deserialize_layer({"class_name": class_name, "module": module, "config": {}})


def test_model_file_naming_an_unimported_class_loads_as_graph_model(tmp_path, trap):
    module, _ = trap
    model, entries = _saved_model(tmp_path)
    config = json.loads(entries["config.json"])
    layer_entry = config["model"]["config"]["layers"][-1]
    assert layer_entry["class_name"] == "Dense"
    layer_entry.update(class_name="TrapLayer", module=module)
    path = _rewrite(tmp_path / "trapped.hornet", entries, config)
    loaded = hornet.models.load_model(path)
    assert type(loaded).__name__ == "GraphModel"
    assert "TrapLayer" in loaded.missing and module in loaded.missing
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    with pytest.raises(hornet.ir.errors.HornetError, match="TrapLayer"):
        loaded.fit(X, np.ones((6, 2), "float32"))


def test_unimported_class_and_broken_ir_is_a_clear_error(tmp_path, trap):
    module, _ = trap
    _, entries = _saved_model(tmp_path)
    config = json.loads(entries["config.json"])
    config["model"]["config"]["layers"][-1].update(class_name="TrapLayer", module=module)
    entries = {**entries, "forward.json": b'{"graph": 1}'}
    path = _rewrite(tmp_path / "trapped.hornet", entries, config)
    with pytest.raises(ValueError, match="forward.json is malformed"):
        hornet.models.load_model(path)


@pytest.mark.parametrize("field, pattern", [("optimizer", "Unknown optimizer"), ("loss", "Unknown loss")])
def test_compile_config_naming_an_unimported_class_is_a_clear_error(tmp_path, trap, field, pattern):
    module, _ = trap
    _, entries = _saved_model(tmp_path)
    config = json.loads(entries["config.json"])
    config["compile"][field] = {"module": module, "class_name": "TrapLayer", "config": {}}
    path = _rewrite(tmp_path / "compiled.hornet", entries, config)
    with pytest.raises(ValueError, match=pattern):
        hornet.models.load_model(path)
    assert hornet.models.load_model(path, compile=False).compiled is False


def test_loading_a_normal_file_imports_no_new_non_hornet_module(tmp_path):
    model, _ = _saved_model(tmp_path)
    before = set(sys.modules)
    loaded = hornet.models.load_model(tmp_path / "model.hornet")
    loaded.predict(X, verbose=0)
    added = sorted(m for m in set(sys.modules) - before if not m.startswith("hornet"))
    assert added == [], added
