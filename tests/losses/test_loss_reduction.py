"""reduce_weighted: Keras's reductions and sample weights, plus the batch padding mask (padding never counts)."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras.src.losses.loss import reduce_weighted_values  # noqa: E402

import hornet.losses as hl  # noqa: E402
from hornet.api.losses.reduction import reduce_weighted  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

RTOL, ATOL = 1e-5, 1e-6
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
rng = np.random.default_rng(2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("values_shape, weight_shape", [((5,), None), ((5,), (5,)), ((5,), (5, 1)),
                                                        ((5, 3), (5, 3)), ((5, 1), (5,)), ((5, 3), None)])
def test_matches_keras_reduce_weighted_values(reduction, values_shape, weight_shape):
    values = rng.random(values_shape).astype("float32")
    sw = None if weight_shape is None else rng.random(weight_shape).astype("float32")
    ours = reduce_weighted(values, sw, reduction)
    theirs = reduce_weighted_values(values, sample_weight=sw, reduction=reduction)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=RTOL, atol=ATOL)


def test_scalar_values_with_weights_broadcast_like_keras():
    sw = rng.random(4).astype("float32")
    for reduction in REDUCTIONS:
        np.testing.assert_allclose(np.asarray(reduce_weighted(np.float32(2.0), sw, reduction)),
                                   np.asarray(reduce_weighted_values(np.float32(2.0), sw, reduction=reduction)),
                                   rtol=RTOL)


def test_scalar_and_empty_values_pass_through():
    assert float(reduce_weighted(np.float32(3.0))) == 3.0
    assert np.asarray(reduce_weighted(np.zeros((0,), "float32"))).shape == (0,)


def test_per_sample_weights_broadcast_over_trailing_axes():
    values = rng.random((4, 3)).astype("float32")
    sw = np.array([1.0, 0.0, 2.0, 1.0], "float32")
    np.testing.assert_allclose(np.asarray(reduce_weighted(values, sw, "sum")), (values * sw[:, None]).sum(),
                               rtol=RTOL)
    np.testing.assert_allclose(np.asarray(reduce_weighted(values, sw, "mean_with_sample_weight")),
                               (values * sw[:, None]).sum() / (3 * sw.sum()), rtol=RTOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("with_weights", [False, True])
@pytest.mark.parametrize("padding", ["zeros", "noise", "nan"])
def test_padding_rows_with_mask_zero_change_nothing(reduction, with_weights, padding):
    real = rng.random((5, 3)).astype("float32")
    pad = {"zeros": np.zeros((3, 3)), "noise": rng.normal(size=(3, 3)) * 1e6, "nan": np.full((3, 3), np.nan)}[padding]
    padded = np.concatenate([real, pad.astype("float32")])
    mask = np.array([1] * 5 + [0] * 3, "float32")
    sw = rng.random(5).astype("float32") if with_weights else None
    sw_padded = None if sw is None else np.concatenate([sw, rng.random(3).astype("float32")])
    expected = np.asarray(reduce_weighted(real, sw, reduction))
    got = np.asarray(reduce_weighted(padded, sw_padded, reduction, mask=mask))
    if reduction in ("none", None):
        got = got[:5]
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_sum_over_batch_size_divides_by_real_elements():
    values = np.ones((4, 3), "float32")
    out = reduce_weighted(values, reduction="sum_over_batch_size", mask=np.array([1, 1, 0, 0], "float32"))
    assert float(out) == pytest.approx(1.0)
    out = reduce_weighted(values * 2, reduction="sum", mask=np.array([1, 0, 0, 0], "float32"))
    assert float(out) == pytest.approx(6.0)


def test_all_padding_gives_zero_not_nan():
    out = reduce_weighted(np.ones((3,), "float32"), reduction="sum_over_batch_size", mask=np.zeros(3, "float32"))
    assert float(out) == 0.0


CASES = [(hl.MeanSquaredError(), "reg"), (hl.CategoricalCrossentropy(from_logits=True), "cat"),
         (hl.SparseCategoricalCrossentropy(from_logits=True), "sparse"),
         (hl.SparseCategoricalCrossentropy(ignore_class=0, reduction="sum_over_batch_size"), "sparse_probs"),
         (hl.BinaryCrossentropy(label_smoothing=0.1), "bin"), (hl.Huber(reduction="mean_with_sample_weight"), "reg"),
         (hl.CosineSimilarity(reduction="sum"), "reg")]


def _batch(kind, n):
    if kind == "reg":
        return rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32")
    if kind == "cat":
        return np.eye(4, dtype="float32")[rng.integers(0, 4, n)], rng.normal(size=(n, 4)).astype("float32")
    if kind == "sparse":
        return rng.integers(0, 4, (n,)), rng.normal(size=(n, 4)).astype("float32")
    if kind == "sparse_probs":
        p = rng.random((n, 4)).astype("float32") + 0.1
        return rng.integers(0, 4, (n, 1)), p / p.sum(-1, keepdims=True)
    return (rng.random((n, 1)) < 0.5).astype("float32"), rng.random((n, 1)).astype("float32")


@pytest.mark.parametrize("loss, kind", CASES, ids=[c[0].name for c in CASES])
def test_loss_call_with_mask_ignores_padding(loss, kind):
    y_true, y_pred = _batch(kind, 5)
    pad_true, pad_pred = _batch(kind, 3)
    sw = rng.random(5).astype("float32")
    expected = np.asarray(loss(y_true, y_pred, sample_weight=sw))
    got = loss(np.concatenate([y_true, pad_true]), np.concatenate([y_pred, pad_pred]),
               sample_weight=np.concatenate([sw, np.ones(3, "float32")]),
               mask=np.array([1] * 5 + [0] * 3, "float32"))
    np.testing.assert_allclose(np.asarray(got), expected, rtol=RTOL, atol=ATOL)


def test_mask_and_weight_shape_errors():
    with pytest.raises(ShapeError, match="mask"):
        reduce_weighted(np.ones((4, 3), "float32"), mask=np.ones(5, "float32"))
    with pytest.raises(ShapeError, match="sample_weight"):
        reduce_weighted(np.ones((4,), "float32"), sample_weight=np.ones((4, 2, 2), "float32"))
    with pytest.raises(ValueError, match="reduction"):
        reduce_weighted(np.ones((4,), "float32"), reduction="avg")
