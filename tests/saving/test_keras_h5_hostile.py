"""Hostile ``.weights.h5`` files are refused before anything is assigned, each with an error naming the file and
the H5 path: links out of the file or inside it, virtual and externally stored datasets, non-numeric dtypes,
shapes that don't fit, shape bombs, aliases and cycles, and files that are not HDF5 at all."""
from __future__ import annotations

import zipfile

import h5py
import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.api.saving.file_errors import ModelFileError

KERNEL = "layers/dense/vars/0"


def _model():
    return hornet.Sequential([hornet.Input((4,)), layers.Dense(3)])


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    path = tmp_path_factory.mktemp("h5") / "valid.weights.h5"
    model = _model()
    model.save_weights(str(path))
    return path


def _edited(valid, tmp_path, edit, name="bad.weights.h5"):
    path = tmp_path / name
    path.write_bytes(valid.read_bytes())
    with h5py.File(path, "a") as f:
        edit(f, tmp_path)
    return path


def _replace_kernel(make):
    def edit(f, tmp_path):
        del f[KERNEL]
        make(f, tmp_path)
    return edit


def _external(f, tmp_path):
    with h5py.File(tmp_path / "target.h5", "w") as t:
        t["k"] = np.ones((4, 3), "float32")
    f[KERNEL] = h5py.ExternalLink(str(tmp_path / "target.h5"), "/k")


def _virtual(f, tmp_path):
    with h5py.File(tmp_path / "source.h5", "w") as s:
        s["k"] = np.ones((4, 3), "float32")
    layout = h5py.VirtualLayout(shape=(4, 3), dtype="float32")
    layout[:] = h5py.VirtualSource(str(tmp_path / "source.h5"), "k", shape=(4, 3))
    f["layers/dense/vars"].create_virtual_dataset("0", layout)


def _external_storage(f, tmp_path):
    (tmp_path / "raw.bin").write_bytes(np.ones((4, 3), "float32").tobytes())
    f["layers/dense/vars"].create_dataset("0", shape=(4, 3), dtype="float32",
                                          external=[(str(tmp_path / "raw.bin"), 0, 48)])


CASES = {
    "external link": (_replace_kernel(_external), "external links are not allowed"),
    "soft link": (_replace_kernel(lambda f, _: f.__setitem__(KERNEL, h5py.SoftLink("/nowhere/else"))),
                  "soft links are not allowed"),
    "virtual dataset": (_replace_kernel(_virtual), "virtual datasets are not allowed"),
    "external storage": (_replace_kernel(_external_storage), "stored in external files"),
    "compound dtype": (_replace_kernel(lambda f, _: f["layers/dense/vars"].create_dataset(
        "0", data=np.zeros((4, 3), dtype=[("a", "f4"), ("b", "i4")]))), "a weight must be bool, integer or float"),
    "string dtype": (_replace_kernel(lambda f, _: f["layers/dense/vars"].create_dataset(
        "0", data=np.array([["x"] * 3] * 4, dtype=object), dtype=h5py.string_dtype())),
                     "a weight must be bool, integer or float"),
    "wrong shape": (_replace_kernel(lambda f, _: f["layers/dense/vars"].create_dataset(
        "0", data=np.zeros((4, 4), "float32"))), r"shape \(4, 4\) in the file but \(4, 3\)"),
    "shape bomb": (_replace_kernel(lambda f, _: f["layers/dense/vars"].create_dataset(
        "0", shape=(1 << 20, 1 << 12), dtype="float32", chunks=(1024, 1024), compression="gzip")),
                   "decompression or shape bomb"),
    "alias": (lambda f, _: f.__setitem__("layers/dense/vars/copy", f[KERNEL]), "linked more than once"),
    "cycle": (lambda f, _: f.__setitem__("layers/dense/loop", f["layers"]), "linked more than once"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_h5_file_is_refused_naming_file_and_path(valid, tmp_path, case):
    edit, message = CASES[case]
    path = _edited(valid, tmp_path, edit)
    model = _model()
    before = [w.numpy() for w in model.weights]
    with pytest.raises(ModelFileError, match=message) as e:
        model.load_weights(str(path))
    assert str(path) in str(e.value) and "/layers/dense" in str(e.value)
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(before, model.weights))


@pytest.mark.parametrize("content", [b"", b"not an hdf5 file at all", b"\x89HDF\r\n\x1a\n" + b"\x00" * 64])
def test_a_file_that_is_not_hdf5_is_refused(tmp_path, content):
    path = tmp_path / "junk.weights.h5"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="junk.weights.h5.*(not an HDF5|not a readable HDF5)"):
        _model().load_weights(str(path))


def test_a_truncated_file_and_a_zip_in_disguise_are_refused(valid, tmp_path):
    data = valid.read_bytes()
    (tmp_path / "cut.weights.h5").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="cut.weights.h5"):
        _model().load_weights(str(tmp_path / "cut.weights.h5"))
    with zipfile.ZipFile(tmp_path / "zip.weights.h5", "w") as z:
        z.writestr("model.weights.h5", data)
    with pytest.raises(ModelFileError, match="zip.weights.h5.*not an HDF5 file"):
        _model().load_weights(str(tmp_path / "zip.weights.h5"))


def test_a_missing_layer_group_is_an_error_naming_the_layer(valid, tmp_path):
    path = _edited(valid, tmp_path, lambda f, _: f.__delitem__("layers/dense"))
    with pytest.raises(ModelFileError, match=r"layer 'dense\w*' \(at 'layers/dense'\): expected 2 variables, but "
                                             r"the file holds 0"):
        _model().load_weights(str(path))


def _legacy(path, kernel_shape=(4, 3), names=("dense/kernel:0", "dense/bias:0"), layer_names=True):
    with h5py.File(path, "w") as f:
        if layer_names:
            f.attrs["layer_names"] = [b"dense"]
        group = f.create_group("dense")
        group.attrs["weight_names"] = [n.encode() for n in names]
        group["dense/kernel:0"] = np.arange(np.prod(kernel_shape), dtype="float32").reshape(kernel_shape)
        group["dense/bias:0"] = np.ones(3, "float32")
    return path


def test_a_keras_2_file_loads_by_position_and_its_problems_are_named(tmp_path):
    model = _model()
    model.load_weights(str(_legacy(tmp_path / "old.h5")))
    np.testing.assert_array_equal(model.get_weights()[0], np.arange(12, dtype="float32").reshape(4, 3))
    with pytest.raises(ModelFileError, match="old2.h5.*without a layer_names attribute"):
        _model().load_weights(str(_legacy(tmp_path / "old2.h5", layer_names=False)))
    with pytest.raises(ModelFileError, match="layer 'dense' names weight 'dense/gamma:0'.*not hold"):
        _model().load_weights(str(_legacy(tmp_path / "old3.h5", names=("dense/kernel:0", "dense/gamma:0"))))
    with pytest.raises(ModelFileError, match=r"weight '\w+/kernel' has shape \(4, 3\).*holds \(5, 3\)"):
        _model().load_weights(str(_legacy(tmp_path / "old4.h5", kernel_shape=(5, 3))))
    before = model.get_weights()
    with pytest.raises(ModelFileError, match="1 layers, but model .* has 2 layers with weights"):
        two = hornet.Sequential([hornet.Input((4,)), layers.Dense(3), layers.Dense(2)])
        two.load_weights(str(_legacy(tmp_path / "old5.h5")))
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), before))


def test_a_keras_archive_with_a_hostile_weights_member_names_file_member_and_path(valid, tmp_path):
    model = _model()
    model.save(str(tmp_path / "good.keras"))
    with zipfile.ZipFile(tmp_path / "good.keras") as z:
        members = {n: z.read(n) for n in z.namelist()}
    bad = _edited(valid, tmp_path, CASES["soft link"][0])
    members["model.weights.h5"] = bad.read_bytes()
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    for load in (lambda: hornet.models.load_model(str(tmp_path / "bad.keras")),
                 lambda: _model().load_weights(str(tmp_path / "bad.keras"))):
        with pytest.raises(ModelFileError, match=r"bad.keras: model.weights.h5: /layers/dense/vars/0: soft links"):
            load()
