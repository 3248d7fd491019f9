"""Corrupt and hostile model / weights files give clear errors; a failed save never changes an existing file."""
from __future__ import annotations

import json
import os
import struct
import warnings
import zipfile

import numpy as np
import pytest

import hornet
from hornet import layers

import model_files

X = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A compiled, trained model saved once: (model, path, {entry name: bytes})."""
    model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3)], name="victim")
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, np.ones((8, 3), "float32"), verbose=0)
    path = tmp_path_factory.mktemp("saved") / "m.hornet"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        entries = {name: z.read(name) for name in z.namelist()}
    return model, path, entries


def _zip(path, entries, extra=()):
    return model_files.write(path, entries, extra)


def _safetensors(header, body):
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


def _split(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8:8 + n]), blob[8 + n:]


def _with(entries, **changes):
    out = dict(entries)
    for name, data in changes.items():
        name = name.replace("__", ".")
        if data is None:
            del out[name]
        else:
            out[name] = data
    return out


# --- model files ------------------------------------------------------------------------------------------------


def test_truncated_empty_and_foreign_files(saved, tmp_path):
    _, path, _ = saved
    raw = path.read_bytes()
    cases = {"half.hornet": raw[: len(raw) // 2], "tail_cut.hornet": raw[:-10], "empty.hornet": b"",
             "text.hornet": b'{"format": "hornet.model"}'}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=rf"{name}: not a hornet model file"):
            hornet.models.load_model(tmp_path / name)
    with pytest.raises(ValueError, match="No such file"):
        hornet.models.load_model(tmp_path / "missing.hornet")


def _weights_header_edit(entries, edit):
    header, body = _split(entries["weights.safetensors"])
    first = next(k for k in header if k != "__metadata__")
    edit(header, first)
    return _safetensors(header, body)


def _drop_first_weight(entries):
    from hornet.api.saving import tensors_file

    arrays, _ = tensors_file.parse(entries["weights.safetensors"])
    first = sorted(arrays)[0]
    return tensors_file.dump({k.replace("00001:", "00000:"): v for k, v in arrays.items() if k != first})


HOSTILE = {
    "bad_json_config": (lambda e: _with(e, config__json=b"{not json"), r"config.json: is not valid JSON"),
    "newer_version": (lambda e: _with(e, hornet__json=json.dumps({"format": "hornet.model", "version": 99}).encode()),
                      r"version 99 is newer than this hornet supports"),
    "foreign_format": (lambda e: _with(e, hornet__json=json.dumps({"format": "keras", "version": 1}).encode()),
                       r"not a hornet model file"),
    "missing_entry": (lambda e: _with(e, forward__json=None), r"has no 'forward.json'"),
    "huge_header_length": (lambda e: _with(e, weights__safetensors=struct.pack("<Q", 2 ** 63)
                                           + e["weights.safetensors"][8:]), r"header length \d+ exceeds the file"),
    "header_not_json": (lambda e: _with(e, weights__safetensors=struct.pack("<Q", 8) + b"garbage!"),
                        r"header is not valid JSON"),
    "unknown_dtype": (lambda e: _with(e, weights__safetensors=_weights_header_edit(
        e, lambda h, k: h[k].update(dtype="PY_OBJ"))), r"malformed entry for tensor"),
    "offsets_outside": (lambda e: _with(e, weights__safetensors=_weights_header_edit(
        e, lambda h, k: h[k].update(data_offsets=[0, 10 ** 9]))), r"outside the data"),
    "size_mismatch": (lambda e: _with(e, weights__safetensors=_weights_header_edit(
        e, lambda h, k: h[k].update(shape=[4, 4]))), r"needs 64 bytes but has 48"),
    "wrong_weight_shape": (lambda e: _with(e, weights__safetensors=_weights_header_edit(
        e, lambda h, k: h[k].update(shape=[3, 4]))), r"has shape \(3, 4\) in the file but \(4, 3\) in the model"),
    "missing_weight": (lambda e: _with(e, weights__safetensors=_drop_first_weight(e)),
                       r"the file has 1 weights but the model has 2"),
    "gap_in_data": (lambda e: _with(e, weights__safetensors=_weights_header_edit(
        e, lambda h, k: h.pop(k))), r"leaves a gap of 48 bytes"),
    "corrupt_optimizer": (lambda e: _with(e, optimizer__safetensors=b"xx"), r"optimizer.safetensors: too short"),
    "unknown_entry": (lambda e: _with(e, evil__py=b"import os"), r"unexpected entry 'evil.py'"),
    "path_traversal": (lambda e: {**e, "../../escape.json": b"{}"}, r"unexpected entry '\.\./\.\./escape\.json'"),
    "absolute_path": (lambda e: {**e, "/tmp/hornet_abs_escape.json": b"{}"}, r"unexpected entry '/tmp/"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_model_file_gives_a_clear_error(saved, tmp_path, case):
    _, _, entries = saved
    make, pattern = HOSTILE[case]
    path = _zip(tmp_path / f"{case}.hornet", make(entries))
    with pytest.raises(ValueError, match=pattern) as info:
        hornet.models.load_model(path)
    assert str(path) in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{case}.hornet"]  # nothing was extracted
    assert not (tmp_path.parent / "escape.json").exists() and not os.path.exists("/tmp/hornet_abs_escape.json")


@pytest.mark.parametrize("config", [
    lambda c: [1, 2],
    lambda c: {},
    lambda c: {**c, "compile": "yes"},
], ids=["list", "no_model", "compile_not_a_dict"])
def test_config_of_the_wrong_structure_gives_a_model_file_error(saved, tmp_path, config):
    _, _, entries = saved
    bad = json.dumps(config(json.loads(entries["config.json"]))).encode()
    path = _zip(tmp_path / "structure.hornet", _with(entries, config__json=bad))
    with pytest.raises(ValueError, match="structure.hornet"):
        hornet.models.load_model(path)


def test_version_that_is_not_an_integer(saved, tmp_path):
    _, _, entries = saved
    path = _zip(tmp_path / "v.hornet",
                _with(entries, hornet__json=json.dumps({"format": "hornet.model", "version": "1"}).encode()))
    with pytest.raises(ValueError) as info:
        hornet.models.load_model(path)
    assert "newer" not in str(info.value)


def test_duplicate_entry_names_are_rejected(saved, tmp_path):
    _, _, entries = saved
    path = _zip(tmp_path / "dup.hornet", entries, extra=[("config.json", entries["config.json"])])
    with pytest.raises(ValueError, match="config.json"):
        hornet.models.load_model(path)


# --- weights files ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["huge_header", "truncated", "too_short", "not_json", "header_list"])
def test_hostile_weights_file_gives_a_clear_error_and_leaves_the_model(saved, tmp_path, case):
    model, _, _ = saved
    good = tmp_path / "good.weights.safetensors"
    model.save_weights(good)
    blob = good.read_bytes()
    header, body = _split(blob)
    data = {"huge_header": struct.pack("<Q", 10 ** 12) + blob[8:], "truncated": blob[:-4], "too_short": blob[:5],
            "not_json": struct.pack("<Q", 8) + b"notjson!" + body, "header_list": _safetensors([1, 2], body)}[case]
    pattern = {"huge_header": "exceeds the file size", "truncated": "outside the data", "too_short": "too short",
               "not_json": "not valid JSON", "header_list": "not a JSON object"}[case]
    bad = tmp_path / "bad.weights.safetensors"
    bad.write_bytes(data)
    before = model.get_weights()
    with pytest.raises(ValueError, match=pattern):
        model.load_weights(bad)
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


# --- failed saves ----------------------------------------------------------------------------------------------


class NeverCalled(hornet.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return self.dense(x)


class Unsaveable(hornet.Layer):
    def __init__(self, table=None, **kwargs):
        super().__init__(**kwargs)
        self.table = table

    def call(self, x):
        return x


def _fail_third_write(monkeypatch):
    original = zipfile.ZipFile.writestr
    calls = []

    def failing(self, name, data, *args, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("No space left on device")
        return original(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)


@pytest.mark.parametrize("case", ["never_called", "unserializable_config", "disk_full"])
def test_failed_save_keeps_the_existing_file(saved, tmp_path, monkeypatch, case):
    model, path, _ = saved
    target = tmp_path / "keep.hornet"
    target.write_bytes(path.read_bytes())
    before = target.read_bytes()
    if case == "never_called":
        bad, error, pattern = NeverCalled(), ValueError, "never been called"
    elif case == "unserializable_config":
        bad = hornet.Sequential([hornet.Input((4,)), Unsaveable(table=np.ones(3))])
        error, pattern = NotImplementedError, r"\['table'\] are not JSON-serializable"
    else:
        bad, error, pattern = model, OSError, "No space left"
        _fail_third_write(monkeypatch)
    with pytest.raises(error, match=pattern):
        bad.save(target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.hornet"]  # no temporary file left behind
    monkeypatch.undo()
    assert type(hornet.models.load_model(target)).__name__ == "Sequential"


def test_failed_save_weights_keeps_the_existing_file(saved, tmp_path, monkeypatch):
    model, _, _ = saved
    target = tmp_path / "keep.weights.safetensors"
    model.save_weights(target)
    before = target.read_bytes()
    import hornet.api.saving.weights_file as weights_file

    def refuse(src, dst):
        raise OSError("read-only file system")

    monkeypatch.setattr(weights_file.os, "replace", refuse)
    other = hornet.Sequential([hornet.Input((4,)), layers.Dense(3)])
    with pytest.raises(OSError, match="read-only"):
        other.save_weights(target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.weights.safetensors"]
