"""Spectrogram layers (STFTSpectrogram, MelSpectrogram) against Keras 3 (JAX backend): every output mode and
layout, weights (names, shapes, trainable kernels copied from Keras), output shapes, configs and round trips,
symbolic batch under jit, a compiled Sequential's predict, errors."""
import json
import warnings

import numpy as np
import pytest
import scipy.signal

from layer_oracle import check_round_trip, check_symbolic_batch, close, copy_random_weights, keras_config_keys

import hornet
from hornet.api.layers import spectrogram as sp
from hornet.api.layers.input_layer import Input
from hornet.ir.errors import DTypeError

# one configuration per mode, covering windows, periodic, scaling, padding, fft_length, expand_dims and layouts
STFT_CASES = {
    "log": dict(frame_length=16, frame_step=8),
    "magnitude": dict(frame_length=10, frame_step=4, window=None),
    "psd": dict(frame_length=16, frame_step=4, fft_length=32, padding="same", window="hamming", periodic=True),
    "real": dict(frame_length=8, expand_dims=True),
    "imag": dict(frame_length=8, data_format="channels_first"),
    "angle": dict(frame_length=8, frame_step=3, fft_length=16, scaling=None),
    "stft": dict(frame_length=12, frame_step=5, expand_dims=True, data_format="channels_first", scaling="spectrum"),
}
MEL_CASES = {  # Keras's MelSpectrogram costs seconds of compilation per configuration: one, all options set
    "db": (dict(fft_length=64, sequence_stride=16, num_mel_bins=8, sampling_rate=8000, min_freq=50.0,
                max_freq=3000.0, top_db=40.0, ref_power=2.0, min_power=1e-6), (3, 300)),
}
_KERAS_OUT: dict = {}  # Keras's outputs per case, computed once for both hornet backends


def stft_input(mode: str, batch: int = 2) -> np.ndarray:
    shape = (batch, 3, 64) if STFT_CASES[mode].get("data_format") == "channels_first" else (batch, 64, 3)
    return np.random.default_rng(len(mode)).normal(size=shape).astype("float32")


def mel_input(case: str) -> np.ndarray:
    return np.random.default_rng(len(case)).normal(size=MEL_CASES[case][1]).astype("float32")


def keras_out(key, make_layer, x):
    """Keras's layer and its output on ``x``, run under ``jax.jit`` (one compilation instead of one per op)."""
    if key not in _KERAS_OUT:
        import jax

        layer = make_layer()
        layer.build(x.shape)
        _KERAS_OUT[key] = (np.asarray(jax.jit(lambda t: layer(t))(x)), layer)
    return _KERAS_OUT[key]


def angle_close(a, b, atol=2e-3):
    """Angles agree modulo 2 pi (a zero imaginary part may carry either sign: +pi and -pi are the same angle); the
    angle of a small bin is ill-conditioned (rounding error over magnitude), hence the tolerance."""
    d = np.angle(np.exp(1j * (np.asarray(a, np.float64) - np.asarray(b, np.float64))))
    np.testing.assert_allclose(d, 0.0, atol=atol)


@pytest.mark.parametrize("mode", sorted(STFT_CASES))
def test_stft_spectrogram_matches_keras(keras, mode):
    kw = dict(mode=mode, **STFT_CASES[mode])
    x = stft_input(mode)
    want, k = keras_out(("stft", mode), lambda: keras.layers.STFTSpectrogram(**kw), x)
    h = sp.STFTSpectrogram(**kw)
    got = np.asarray(hornet.ops.convert_to_numpy(h(x)))
    assert got.shape == want.shape and got.dtype == want.dtype
    if mode == "angle":
        angle_close(got, want)
    else:
        close(got, want, rtol=1e-4, atol=2e-5)
    assert [(w.short_name, w.shape) for w in h.weights] == [(w.name, tuple(w.shape)) for w in k.weights]
    for hw, kw_ in zip(h.get_weights(), k.get_weights()):
        np.testing.assert_allclose(hw, kw_, rtol=1e-5, atol=5e-6)  # Keras builds them in float32
    spec = (None,) + x.shape[1:]
    assert h.compute_output_shape(spec) == tuple(k.compute_output_shape(spec))


def test_stft_spectrogram_trainable_kernels_jit_and_config(keras):
    """Kernels set from Keras (as after training) give Keras's output; a symbolic-batch trace serves two batch
    sizes as eager calls do; a functional Input gets Keras's shape; the config matches Keras's keys and rebuilds
    the layer."""
    import jax

    kw = dict(mode="log", frame_length=16, frame_step=4, fft_length=32, padding="same")
    h, k = sp.STFTSpectrogram(**kw), keras.layers.STFTSpectrogram(**kw)
    x = np.random.default_rng(3).normal(size=(2, 40, 2)).astype("float32")
    h.build(x.shape)
    k.build(x.shape)
    copy_random_weights(h, k, scale=0.1)
    close(h(x), jax.jit(lambda t: k(t))(x), rtol=1e-4, atol=1e-5)
    assert len(h.trainable_weights) == 2
    check_symbolic_batch(h, x.shape)
    assert h(Input(x.shape[1:])).shape == tuple(k.compute_output_shape((None,) + x.shape[1:]))
    config = h.get_config()
    assert set(config) == keras_config_keys(keras.layers.STFTSpectrogram)
    assert {key: config[key] for key in kw} == kw
    check_round_trip(h, x, rtol=1e-5, atol=1e-5)


def test_stft_spectrogram_in_compiled_sequential(keras):
    kw = dict(mode="psd", **STFT_CASES["psd"])
    x = stft_input("psd")
    model = hornet.Sequential([hornet.Input(x.shape[1:]), sp.STFTSpectrogram(**kw)])
    want, _ = keras_out(("stft", "psd"), lambda: keras.layers.STFTSpectrogram(**kw), x)
    close(model.predict(x, verbose=0), want, rtol=1e-4, atol=1e-5)
    assert model.output_shape == (None,) + want.shape[1:]


def test_stft_spectrogram_errors():
    with pytest.raises(ValueError, match="STFTSpectrogram: `mode` must be one of .*mode='power'"):
        sp.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="`frame_step` must be a positive integer not greater than `frame_length`"):
        sp.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match="`fft_length` must be at least `frame_length`.*fft_length=4"):
        sp.STFTSpectrogram(frame_length=8, fft_length=4)
    with pytest.raises(ValueError, match="`padding` must be 'valid' or 'same'.*'causal'"):
        sp.STFTSpectrogram(padding="causal")
    with pytest.raises(ValueError, match="`scaling` must be None, 'density' or 'spectrum'"):
        sp.STFTSpectrogram(scaling="power")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sp.STFTSpectrogram(frame_length=8, fft_length=12)
    assert any("power of two" in str(w.message) for w in caught)
    layer = sp.STFTSpectrogram(frame_length=8)
    with pytest.raises(DTypeError, match="STFTSpectrogram.*inputs must be float16, float32 or float64, got int32"):
        layer(np.ones((1, 16, 1), "int32"))
    with pytest.raises(ValueError, match="ndim"):
        layer(np.ones((16, 1), "float32"))


@pytest.mark.parametrize("case", sorted(MEL_CASES))
def test_mel_spectrogram_matches_keras(keras, case):
    kw, shape = MEL_CASES[case]
    x = mel_input(case)
    want, k = keras_out(("mel", case), lambda: keras.layers.MelSpectrogram(**kw), x)
    h = sp.MelSpectrogram(**kw)
    got = np.asarray(hornet.ops.convert_to_numpy(h(x)))
    assert got.shape == want.shape and got.dtype == want.dtype
    close(got, want, rtol=1e-4, atol=1e-4)
    config = h.get_config()
    assert set(config) == keras_config_keys(keras.layers.MelSpectrogram)
    for key in ("sequence_length", "max_freq", "fft_length", "num_mel_bins", "top_db"):
        assert config[key] == getattr(k, key)
    json.dumps(config)
    clone = sp.MelSpectrogram.from_config(config)
    close(clone(x), got, rtol=1e-6, atol=1e-5)
    assert h.compute_output_shape(x.shape) == want.shape


def test_mel_spectrogram_in_compiled_sequential(keras):
    kw, _ = MEL_CASES["db"]
    x = mel_input("db")
    model = hornet.Sequential([sp.MelSpectrogram(**kw)])
    want, _ = keras_out(("mel", "db"), lambda: keras.layers.MelSpectrogram(**kw), x)
    close(model.predict(x, verbose=0), want, rtol=1e-4, atol=1e-4)  # one batch: the dB floor uses its maximum
    graph = hornet.trace(lambda t: sp.MelSpectrogram(**kw)(t), hornet.TensorSpec((None, 300)))
    assert str(graph.output_types[0]) == "float32[batch,8,19]"


def test_mel_weight_matrix_matches_keras(keras):
    args = (40, 257, 22050, 0.0, 11025.0)
    if "mel_matrix" not in _KERAS_OUT:
        _KERAS_OUT["mel_matrix"] = np.asarray(keras.layers.MelSpectrogram().linear_to_mel_weight_matrix(*args))
    np.testing.assert_allclose(sp.mel_weight_matrix(*args), _KERAS_OUT["mel_matrix"],
                               atol=2e-5)  # Keras builds it in float32: mel differences lose ~1e-5


def test_mel_spectrogram_unbatched_linear_matches_numpy():
    """One signal, a hamming window shorter than the FFT, magnitudes (``mag_exp=1``) without decibels; int inputs
    are read as float32, and a float64 policy computes in float64."""
    kw = dict(fft_length=64, sequence_stride=16, sequence_length=50, window="hamming", num_mel_bins=8,
              power_to_db=False, mag_exp=1.0)
    x = np.random.default_rng(8).integers(-50, 50, 300).astype("int32")
    layer = sp.MelSpectrogram(**kw)
    got = layer(x)
    assert str(hornet.ops.dtype(got)) == "float32" and layer.weights == []
    padded = np.pad(x.astype(np.float64), 32, mode="reflect")
    win = np.pad(scipy.signal.get_window("hamming", 50), (7, 7))
    frames = np.stack([padded[f * 16:f * 16 + 64] * win for f in range(19)])
    want = (np.abs(np.fft.rfft(frames)) @ sp.mel_weight_matrix(8, 33, 16000, 20.0, 8000.0)).T
    close(got, want, rtol=1e-4, atol=1e-3)
    graph = hornet.trace(lambda t: sp.MelSpectrogram(**kw, dtype="float64")(t), hornet.TensorSpec((300,), "float64"))
    assert str(graph.output_types[0]) == "float64[8,19]"  # a float64 policy computes in float64
    with pytest.raises(ValueError, match="MelSpectrogram: `fft_length` must be at least `sequence_length`"):
        sp.MelSpectrogram(fft_length=64, sequence_length=100)
