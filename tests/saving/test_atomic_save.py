"""Saving: the path holds the old or the new model, never a torn one; temporaries of killed saves are cleaned;
the file mode follows the umask (or the file it replaces); data and rename are fsynced."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import hornet
from hornet import layers
from hornet.api.saving import atomic_write

X = np.ones((4, 3), "float32")


def _model():
    model = hornet.Sequential([hornet.Input((3,)), layers.Dense(2)])
    model(X)
    return model


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporaries_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "m.hornet"
    stale = tmp_path / f".m.hornet.{_dead_pid()}.abc123.hornet-tmp"
    live = tmp_path / f".m.hornet.{os.getppid()}.def456.hornet-tmp"  # a running process: left alone
    other = tmp_path / f".other.hornet.{_dead_pid()}.x.hornet-tmp"  # another target: left alone
    for p in (stale, live, other):
        p.write_bytes(b"partial")
    _model().save(target)
    assert not stale.exists() and live.exists() and other.exists()
    assert hornet.models.load_model(target).predict(X, verbose=0).shape == (4, 2)


def test_a_save_killed_midway_leaves_the_old_file_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "m.hornet"
    _model().save(target)
    before = target.read_bytes()
    script = textwrap.dedent(f"""
        import os, signal, numpy as np, hornet
        from hornet import layers
        from hornet.api.saving import atomic_write
        real = atomic_write.os.fsync
        def die(fd):
            os.kill(os.getpid(), signal.SIGKILL)
        atomic_write.os.fsync = die  # killed after the data is written, before the rename
        m = hornet.Sequential([hornet.Input((3,)), layers.Dense(2)])
        m(np.ones((1, 3), "float32"))
        m.save({str(target)!r})
    """)
    out = subprocess.run([sys.executable, "-c", script], env={**os.environ, "HORNET_BACKEND": "jax"}, timeout=300)
    assert out.returncode == -signal.SIGKILL
    assert target.read_bytes() == before
    assert len(list(tmp_path.glob(".m.hornet.*.hornet-tmp"))) == 1
    _model().save(target)
    assert list(tmp_path.glob(".m.hornet.*.hornet-tmp")) == []


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_files_get_the_umask_mode(tmp_path, umask):
    old = os.umask(umask)
    try:
        _model().save(tmp_path / "m.hornet")
        _model().save_weights(tmp_path / "m.weights.safetensors")
    finally:
        os.umask(old)
    for name in ("m.hornet", "m.weights.safetensors"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask


def test_overwriting_keeps_the_existing_files_mode(tmp_path):
    target = tmp_path / "m.hornet"
    _model().save(target)
    os.chmod(target, 0o640)
    _model().save(target)
    assert target.stat().st_mode & 0o777 == 0o640


def test_data_and_directory_are_fsynced_before_and_after_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(("fsync", os.path.isdir(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else None))
        return real_fsync(fd)

    def replace(src, dst):
        calls.append(("replace", None))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic_write.os, "fsync", fsync)
    monkeypatch.setattr(atomic_write.os, "replace", replace)
    _model().save(tmp_path / "m.hornet")
    kinds = [c[0] for c in calls]
    assert kinds == ["fsync", "replace", "fsync"]
    if calls[0][1] is not None:
        assert calls[0][1] is False and calls[2][1] is True  # the file, then its directory
