"""ModelCheckpoint: which files are written, with which names, compared with Keras 3 on the same logs."""
import os

import pytest

from cb_fakes import FakeModel, keras_module, run_fit

import hornet.callbacks as hcb

VAL_LOSS = [0.9, 0.7, 0.75, 0.6, 0.6, 0.65, 0.5]
LOGS = [{"loss": 1.0 - 0.1 * e, "val_loss": v, "acc": 0.1 * e} for e, v in enumerate(VAL_LOSS)]

CASES = [
    dict(filepath="m-{epoch:02d}.keras"),
    dict(filepath="m-{epoch:02d}-{val_loss:.2f}.keras", save_best_only=True),
    dict(filepath="best.keras", save_best_only=True),
    dict(filepath="w-{epoch}.weights.safetensors", save_best_only=True, save_weights_only=True),
    dict(filepath="sub/dir/m-{epoch}-{acc:.1f}.keras", monitor="acc", mode="max", save_best_only=True),
    dict(filepath="m-{epoch}.keras", monitor="val_loss", save_best_only=True, initial_value_threshold=0.65),
    dict(filepath="m-{epoch}-{batch}.keras", save_freq=3),
    dict(filepath="m-{epoch}-{batch}.weights.safetensors", save_freq=2, save_weights_only=True),
    dict(filepath="m-{epoch}.hornet", save_best_only=True, mode="max", monitor="acc"),
]


# Keras names its formats .keras / .weights.h5; hornet writes .hornet (or .keras) / .weights.safetensors.
TO_KERAS = {".weights.safetensors": ".weights.h5", ".hornet": ".keras"}


def _keras_name(path):
    for ours, theirs in TO_KERAS.items():
        if path.endswith(ours):
            return path[: -len(ours)] + theirs
    return path


def _run(module, tmp_path, kwargs):
    filepath = kwargs["filepath"] if module is hcb else _keras_name(kwargs["filepath"])
    kwargs = dict(kwargs, filepath=str(tmp_path / filepath))
    model = FakeModel()
    run_fit(module.CallbackList, [module.ModelCheckpoint(**kwargs)], model, LOGS, steps=4)
    return [(kind, _keras_name(os.path.relpath(path, tmp_path))) for kind, path in model.saved]


@pytest.mark.parametrize("kwargs", CASES, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()))
def test_matches_keras(tmp_path, kwargs):
    keras = keras_module()
    ours = _run(hcb, tmp_path / "ours", kwargs)
    theirs = _run(keras.callbacks, tmp_path / "keras", kwargs)
    assert ours == theirs
    assert ours  # every case saves something


def test_save_best_only_names(tmp_path):
    model = FakeModel()
    cb = hcb.ModelCheckpoint(str(tmp_path / "m-{epoch:02d}-{val_loss:.2f}.keras"), save_best_only=True)
    run_fit(hcb.CallbackList, [cb], model, LOGS)
    assert sorted(os.listdir(tmp_path)) == ["m-01-0.90.keras", "m-02-0.70.keras", "m-04-0.60.keras",
                                            "m-07-0.50.keras"]
    assert (tmp_path / "m-04-0.60.keras").read_text() == "model 3.0"  # saved the weights of epoch index 3
    assert cb.best == 0.5


def test_weights_only_uses_save_weights(tmp_path):
    model = FakeModel()
    cb = hcb.ModelCheckpoint(str(tmp_path / "w.weights.safetensors"), save_weights_only=True)
    run_fit(hcb.CallbackList, [cb], model, LOGS[:2])
    assert [kind for kind, _ in model.saved] == ["weights", "weights"]
    assert (tmp_path / "w.weights.safetensors").read_text() == "weights 1.0"


@pytest.mark.parametrize("kwargs, match", [
    (dict(filepath="m.txt"), "must end in .hornet or .keras"),
    (dict(filepath="m.weights.h5", save_weights_only=True), "must end in .weights.safetensors"),
    (dict(filepath="m.keras", save_freq="batch"), "save_freq must be 'epoch' or a positive integer"),
    (dict(filepath="m.keras", save_freq=0), "save_freq"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hcb.ModelCheckpoint(**kwargs)


def test_unknown_format_key(tmp_path):
    cb = hcb.ModelCheckpoint(str(tmp_path / "m-{val_acc:.2f}.keras"))
    with pytest.raises(KeyError, match="val_acc.*available: epoch, loss"):
        run_fit(hcb.CallbackList, [cb], FakeModel(), [{"loss": 1.0}])


def test_directory_filepath(tmp_path):
    (tmp_path / "d.keras").mkdir()
    cb = hcb.ModelCheckpoint(str(tmp_path / "d.keras"))
    with pytest.raises(IsADirectoryError, match="existing directory"):
        run_fit(hcb.CallbackList, [cb], FakeModel(), [{"loss": 1.0}])


def test_missing_monitor_saves_with_warning(tmp_path):
    model = FakeModel()
    cb = hcb.ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_loss", save_best_only=True)
    with pytest.warns(UserWarning, match="val_loss available"):
        run_fit(hcb.CallbackList, [cb], model, [{"loss": 1.0}])
    assert len(model.saved) == 1


def test_verbose_messages(tmp_path, capsys):
    cb = hcb.ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True, verbose=1)
    run_fit(hcb.CallbackList, [cb], FakeModel(), LOGS[:3])
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from None to 0.90000, saving model to" in out
    assert "Epoch 2: val_loss improved from 0.90000 to 0.70000" in out
    assert "Epoch 3: val_loss did not improve from 0.70000" in out
