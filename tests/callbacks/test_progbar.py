"""Progbar and ProgbarLogger output (verbose 1 on a terminal and off one, verbose 2), compared with Keras 3."""
import re

import numpy as np
import pytest

from cb_fakes import FakeModel, keras_module

import hornet.callbacks as hcb
from hornet.api.callbacks import progbar as progbar_module
from hornet.api.callbacks.progbar import Progbar, format_eta, format_time_per_unit, format_value

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TIMING = re.compile(r"\b\d+(\.\d+)?(ms|us|s)/step")
SECONDS = re.compile(r"(?<=[ -])\d+(:\d\d)*s\b")


def _normalize(text):
    text = ANSI.sub("", text).replace("\b", "")
    lines = [seg.rstrip() for seg in re.split(r"[\r\n]", text) if seg.strip()]
    return [SECONDS.sub("Ns", TIMING.sub("T/step", line)) for line in lines]


def _feed(bar_cls, target, steps, verbose, **kwargs):
    bar = bar_cls(target, verbose=verbose, **kwargs)
    for step in range(1, steps + 1):
        bar.update(step, [("loss", 1.0 / step), ("acc", 0.1 * step)])
    return bar


@pytest.mark.parametrize("kwargs", [{}, {"stateful_metrics": ["acc"]}, {"stateless_metrics": ["loss"]}])
def test_verbose2_matches_keras(capsys, kwargs):
    keras = keras_module()
    _feed(Progbar, 5, 5, 2, **kwargs)
    ours = _normalize(capsys.readouterr().out)
    _feed(keras.utils.Progbar, 5, 5, 2, **kwargs)
    theirs = _normalize(capsys.readouterr().out)
    assert ours == theirs and len(ours) == 1
    assert ours[0].startswith("5/5 - Ns - T/step - loss: ")


def test_final_line_matches_keras_dynamic(capsys, monkeypatch):
    keras = keras_module()
    bar = Progbar(4, verbose=1)
    bar._dynamic_display = True
    for step in range(1, 5):
        bar.update(step, [("loss", np.float32(0.5 * step)), ("tiny", 1e-5)])
    ours = capsys.readouterr().out
    kbar = keras.utils.Progbar(4, verbose=1)
    kbar._dynamic_display = True
    for step in range(1, 5):
        kbar.update(step, [("loss", np.float32(0.5 * step)), ("tiny", 1e-5)])
    theirs = capsys.readouterr().out
    assert _normalize(ours)[-1] == _normalize(theirs)[-1] == "4/4 ━━━━━━━━━━━━━━━━━━━━ Ns T/step - loss: 2.0000 - tiny: 1.0000e-05"
    # (at the final step an averaged metric shows the value given with it, as in Keras)
    assert "\x1b[32m" in ours and ours.endswith("\n") and "\r" in ours


def test_static_display_is_plain_ascii(capsys):
    bar = Progbar(10, verbose=1, stateful_metrics=["loss"])
    assert not bar._dynamic_display  # pytest's captured stdout is not a terminal
    for step in range(1, 11):
        bar.update(step, [("loss", 0.1 * step)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    lines = out.splitlines()
    # no terminal: a line at most every static_interval, and the last line (a fast run prints just that)
    assert len(lines) == 1
    assert re.fullmatch(r"10/10 \[={20}\] - \d+s \d+(ms|us|s)/step - loss: 1\.0000", lines[-1])


def test_unknown_target_and_add(capsys):
    bar = Progbar(None, verbose=1)
    bar._dynamic_display = True
    bar.add(3, [("loss", 2.0)])
    bar.update(5, [("loss", 4.0)], finalize=True)
    last = _normalize(capsys.readouterr().out)[-1]
    assert last == "      5/Unknown Ns T/step - loss: 4.0000"
    assert bar._seen_so_far == 5


def test_averaging_matches_keras():
    keras = keras_module()
    ours, theirs = (_feed(cls, 6, 4, 0) for cls in (Progbar, keras.utils.Progbar))
    for name in ("loss", "acc"):
        total, count = ours._values[name]
        ktotal, kcount = theirs._values[name]
        assert count == kcount
        np.testing.assert_allclose(total, ktotal, rtol=1e-12)


def test_values_stay_unconverted_until_printed():
    import jax.numpy as jnp

    bar = Progbar(100, verbose=1, stateless_metrics=set())
    bar._last_update = float("inf")  # nothing is due to print
    value = jnp.float32(0.5)
    bar.update(3, [("loss", value)])
    assert bar._values["loss"][0] is value


def test_formatters():
    assert format_value(0.123456) == "0.1235" and format_value(-2.5) == "-2.5000"
    assert format_value(0.0) == "0.0000e+00" and format_value("x") == "x"
    assert format_time_per_unit(0.0123) == "12ms/step" and format_time_per_unit(2e-6, "sample") == "2us/sample"
    assert format_time_per_unit(3.2) == "3s/step"
    assert format_eta(7.9) == "7s" and format_eta(125) == "2:05" and format_eta(3725) == "1:02:05"
    with pytest.raises(ValueError, match="only one of `stateful_metrics`"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def _fit_output(capsys, verbose, epochs=2, steps=3):
    cbs = hcb.CallbackList(add_progbar=True, model=FakeModel(), verbose=verbose, epochs=epochs, steps=steps)
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            cbs.on_train_batch_end(step, {"loss": np.float32(1.0 - 0.1 * step), "accuracy": 0.5})
        cbs.on_test_begin()
        cbs.on_test_batch_end(0, {"loss": 9.0})
        cbs.on_test_end({"loss": 0.7})
        cbs.on_epoch_end(epoch, {"loss": 0.8, "accuracy": 0.5, "val_loss": 0.7, "val_accuracy": 0.25})
    cbs.on_train_end()
    return capsys.readouterr().out


def test_logger_verbose2(capsys):
    lines = _fit_output(capsys, verbose=2).splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"3/3 - \d+s - \d+(ms|us|s)/step - accuracy: 0\.5000 - loss: 0\.8000 - "
                        r"val_accuracy: 0\.2500 - val_loss: 0\.7000", lines[1])


def test_logger_verbose1_static(capsys):
    lines = _fit_output(capsys, verbose=1).splitlines()
    assert lines[0] == "Epoch 1/2"
    assert re.fullmatch(r"3/3 \[={20}\] - .* - accuracy: .*", lines[1])  # no terminal: only the epoch's last line
    finals = [line for line in lines if line.startswith("3/3 [")]
    assert len(finals) == 2 and finals[0].endswith("val_accuracy: 0.2500 - val_loss: 0.7000")
    assert "9.0000" not in "".join(lines)  # validation batches inside fit draw no bar


def test_logger_verbose0_and_evaluate(capsys):
    assert _fit_output(capsys, verbose=0) == ""
    cbs = hcb.CallbackList(add_progbar=True, model=FakeModel(), verbose=2, epochs=1, steps=None)
    cbs.on_test_begin()
    for b in range(4):
        cbs.on_test_batch_end(b, {"loss": 0.5})
    cbs.on_test_end({"loss": 0.5})
    assert re.fullmatch(r"4/4 - \d+s - \d+(ms|us|s)/step - loss: 0\.5000\n", capsys.readouterr().out)


def test_is_dynamic_detection(monkeypatch):
    class Tty:
        def isatty(self):
            return True

    assert progbar_module._is_dynamic(Tty())
    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    assert not progbar_module._is_dynamic(object()) or "ipykernel" in __import__("sys").modules
