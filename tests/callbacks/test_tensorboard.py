"""TensorBoard: event files read back with TensorBoard's own reader, compared with what Keras 3 writes."""
import os
import struct

import numpy as np
import pytest

from cb_fakes import FakeModel, keras_module, run_fit

import hornet.callbacks as hcb
from hornet.api.callbacks.event_file import EventFileWriter, crc32c, masked_crc32c, tfrecord

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # inside Keras

LOGS = [{"loss": 1.0 / (e + 1), "accuracy": 0.2 * e, "val_loss": 1.5 / (e + 1), "val_accuracy": 0.1 * e}
        for e in range(3)]


def _batch_logs(epoch, step):
    return {"loss": np.float32(1.0 / (1 + epoch * 4 + step)), "accuracy": 0.5}


def read_scalars(logdir):
    """{tag: [(step, value), ...]} of every scalar summary under ``logdir`` (one run directory)."""
    from tensorboard.backend.event_processing import event_accumulator as ea
    from tensorboard.util import tensor_util

    acc = ea.EventAccumulator(str(logdir), size_guidance={ea.TENSORS: 0, ea.SCALARS: 0})
    acc.Reload()
    out = {}
    for tag in acc.Tags()["tensors"]:
        assert acc.SummaryMetadata(tag).plugin_data.plugin_name == "scalars"
        out[tag] = [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in acc.Tensors(tag)]
    for tag in acc.Tags()["scalars"]:
        out[tag] = [(e.step, e.value) for e in acc.Scalars(tag)]
    return out


def _run(module, log_dir, optimizer=None, **kwargs):
    model = FakeModel(learning_rate=0.05, optimizer=optimizer)
    cb = module.TensorBoard(log_dir=str(log_dir), **kwargs)
    run_fit(module.CallbackList, [cb], model, LOGS, steps=4, batch_logs=_batch_logs)


def _assert_same(ours, theirs, prefix=""):
    ours = {k: v for k, v in ours.items() if k.startswith(prefix)}
    theirs = {k: v for k, v in theirs.items() if k.startswith(prefix)}
    assert sorted(ours) == sorted(theirs) and theirs
    for tag in theirs:
        assert [s for s, _ in ours[tag]] == [s for s, _ in theirs[tag]], tag
        np.testing.assert_allclose([v for _, v in ours[tag]], [v for _, v in theirs[tag]], rtol=1e-6,
                                   err_msg=tag)


@pytest.mark.parametrize("update_freq", ["epoch", 3])
def test_matches_keras(tmp_path, update_freq):
    keras = keras_module()
    _run(hcb, tmp_path / "ours", update_freq=update_freq)
    _run(keras.callbacks, tmp_path / "keras", optimizer=keras.optimizers.SGD(learning_rate=0.05),
         update_freq=update_freq, write_graph=False)
    if update_freq == "epoch":
        for run in ("train", "validation"):
            _assert_same(read_scalars(tmp_path / "ours" / run), read_scalars(tmp_path / "keras" / run))
    else:
        # Keras's batch-level record_if also drops the epoch_* scalars of epochs whose last global batch is
        # not a multiple of update_freq; hornet writes every epoch, so only batch_* values are compared.
        _assert_same(read_scalars(tmp_path / "ours" / "train"), read_scalars(tmp_path / "keras" / "train"),
                     prefix="batch_")
        assert [s for s, _ in read_scalars(tmp_path / "ours" / "train")["epoch_loss"]] == [0, 1, 2]


def test_scalars_readable(tmp_path):
    _run(hcb, tmp_path, update_freq="batch")
    train = read_scalars(tmp_path / "train")
    val = read_scalars(tmp_path / "validation")
    assert train["epoch_loss"] == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    assert [v for _, v in train["epoch_learning_rate"]] == pytest.approx([0.05] * 3)
    assert [s for s, _ in train["batch_loss"]] == list(range(1, 13))
    assert sorted(val) == ["epoch_accuracy", "epoch_loss"]
    assert val["epoch_loss"][1] == (1, 0.75)
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea

    acc = pea.EventAccumulator(str(tmp_path / "validation"))
    acc.Reload()
    assert set(acc.PluginTagToContent("scalars")) == {"epoch_accuracy", "epoch_loss"}


def test_evaluation_vs_iterations_and_steps_per_second(tmp_path):
    model = FakeModel()
    cbs = hcb.CallbackList([hcb.TensorBoard(str(tmp_path), write_steps_per_second=True)], model=model)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    for step in range(5):
        cbs.on_train_batch_begin(step)
        model.optimizer.iterations += 1
        cbs.on_train_batch_end(step, {"loss": 1.0})
    cbs.on_test_begin()
    cbs.on_test_batch_begin(0)
    cbs.on_test_end({"loss": 0.25, "accuracy": 0.5})
    cbs.on_epoch_end(0, {"loss": 1.0, "val_loss": 0.25})
    cbs.on_train_end()
    val = read_scalars(tmp_path / "validation")
    assert val["evaluation_loss_vs_iterations"] == [(5, 0.25)]
    assert val["evaluation_accuracy_vs_iterations"] == [(5, 0.5)]
    sps = read_scalars(tmp_path / "train")["epoch_steps_per_second"]
    assert sps[0][0] == 0 and sps[0][1] > 0


def test_weight_histograms(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator as ea

    class Weight:
        def __init__(self, path, value):
            self.path, self.value = path, value

        def __array__(self, dtype=None, copy=None):
            return np.asarray(self.value, dtype=dtype)

    model = FakeModel()
    layer = type("Layer", (), {})()
    layer.weights = [Weight("dense/kernel", np.arange(6.0).reshape(2, 3)), Weight("dense/bias", np.zeros(3))]
    model.layers = [layer]
    run_fit(hcb.CallbackList, [hcb.TensorBoard(str(tmp_path), histogram_freq=2)], model, LOGS)
    acc = ea.EventAccumulator(str(tmp_path / "train"), size_guidance={ea.HISTOGRAMS: 0})
    acc.Reload()
    assert sorted(acc.Tags()["histograms"]) == ["dense/bias/histogram", "dense/kernel/histogram"]
    events = acc.Histograms("dense/kernel/histogram")
    assert [e.step for e in events] == [0, 2]
    h = events[0].histogram_value
    assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (0.0, 5.0, 6.0, 15.0, 55.0)
    assert sum(h.bucket) == 6


def test_record_framing():
    assert crc32c(b"123456789") == 0xE3069283
    record = tfrecord(b"hello")
    assert struct.unpack("<Q", record[:8])[0] == 5
    assert struct.unpack("<I", record[8:12])[0] == masked_crc32c(record[:8])
    assert record[12:17] == b"hello" and struct.unpack("<I", record[17:])[0] == masked_crc32c(b"hello")


def test_writer_file_and_errors(tmp_path):
    writer = EventFileWriter(tmp_path / "run")
    writer.add_scalar("x", 1.0, step=-1)  # negative int64 steps use ten-byte varints
    writer.close()
    assert os.path.basename(writer.path).startswith("events.out.tfevents.")
    assert read_scalars(tmp_path / "run") == {"x": [(-1, 1.0)]}
    with pytest.raises(ValueError, match="is closed"):
        writer.add_scalar("x", 1.0, step=0)
    with pytest.raises(ValueError, match="update_freq must be 'epoch', 'batch' or a positive integer"):
        hcb.TensorBoard(update_freq="sometimes")
    with pytest.warns(UserWarning, match="write_images not supported"):
        hcb.TensorBoard(write_images=True)
