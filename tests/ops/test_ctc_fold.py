"""ctc_loss (value and gradient), ctc_decode (greedy and beam search), unfold and fold: against Keras 3 on JAX
(torch for fold sizes Keras gets wrong), eager and traced on each lowering."""
import itertools
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from helpers import LOWERINGS, check_op, rng  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import ShapeError  # noqa: E402

K = keras.ops
# ctc_loss and the beam search run eagerly as one compiled JAX program of the traced op, so the eager check already
# covers the JAX lowering: the traced graph is also run on the others
NOT_JAX = tuple(name for name in LOWERINGS if name != "jax")
R = rng("ctc_fold")
LOGITS = (2 * R.normal(size=(3, 6, 5))).astype("float32")
TARGET = np.array([[1, 2, 2], [3, 1, 0], [4, 0, 0]], "int32")
TARGET_LEN = np.array([3, 2, 0], "int32")
OUTPUT_LEN = np.array([6, 5, 3], "int32")


def test_ctc_loss_matches_keras():
    want = np.asarray(K.ctc_loss(TARGET, LOGITS, TARGET_LEN, OUTPUT_LEN))
    check_op(ops.ctc_loss, TARGET, LOGITS, TARGET_LEN, OUTPUT_LEN, expected=want, rtol=1e-5, atol=1e-5,
             lowerings=NOT_JAX)
    other_blank = K.ctc_loss(TARGET, LOGITS, TARGET_LEN, OUTPUT_LEN, mask_index=4)
    np.testing.assert_allclose(ops.convert_to_numpy(ops.ctc_loss(TARGET, LOGITS, TARGET_LEN, OUTPUT_LEN, mask_index=4)),
                               np.asarray(other_blank), rtol=1e-5)


def test_ctc_loss_gradient_matches_jax():
    def theirs(o):
        return K.sum(K.ctc_loss(TARGET, o, TARGET_LEN, OUTPUT_LEN))

    want = np.asarray(jax.grad(theirs)(LOGITS))
    got = ops.grad(lambda o: ops.sum(ops.ctc_loss(TARGET, o, TARGET_LEN, OUTPUT_LEN)))(LOGITS)
    np.testing.assert_allclose(ops.convert_to_numpy(got), want, rtol=1e-4, atol=1e-5)


def test_ctc_loss_errors():
    with pytest.raises(ShapeError, match="ctc_loss: output must be a rank-3 tensor"):
        ops.ctc_loss(TARGET, LOGITS[0], TARGET_LEN, OUTPUT_LEN)
    with pytest.raises(ValueError, match="mask_index=7 is not a class"):
        ops.ctc_loss(TARGET, LOGITS, TARGET_LEN, OUTPUT_LEN, mask_index=7)


def test_ctc_greedy_decode_matches_keras():
    want = K.ctc_decode(LOGITS, OUTPUT_LEN)
    check_op(lambda x, n: ops.ctc_decode(x, n), LOGITS, OUTPUT_LEN, expected=[np.asarray(w) for w in want])
    kw = dict(merge_repeated=False, mask_index=None)
    for got, expected in zip(ops.ctc_decode(LOGITS, OUTPUT_LEN, **kw), K.ctc_decode(LOGITS, OUTPUT_LEN, **kw)):
        np.testing.assert_array_equal(ops.convert_to_numpy(got), np.asarray(expected))


@pytest.mark.filterwarnings("ignore::FutureWarning")  # raised inside Keras's own beam search
def test_ctc_beam_search_matches_keras():
    kw = dict(strategy="beam_search", beam_width=3, top_paths=2)
    paths, scores = K.ctc_decode(LOGITS, OUTPUT_LEN, **kw)
    check_op(lambda x, n: ops.ctc_decode(x, n, **kw), LOGITS, OUTPUT_LEN,
             expected=[np.asarray(paths), np.asarray(scores)], rtol=1e-5, atol=1e-5, lowerings=NOT_JAX)


def _exact_best_labelings(logits, top):
    """The ``top`` most probable label sequences (blank = last class) by summing over every alignment."""
    time, classes = logits.shape
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    totals = {}
    for path in itertools.product(range(classes), repeat=time):
        merged = [c for i, c in enumerate(path) if c != classes - 1 and (i == 0 or c != path[i - 1])]
        totals[tuple(merged)] = np.logaddexp(totals.get(tuple(merged), -np.inf), logp[range(time), path].sum())
    best = sorted(totals, key=totals.get, reverse=True)[:top]
    return [list(b) + [-1] * (time - len(b)) for b in best], [totals[b] for b in best]


def test_ctc_beam_search_wider_than_every_prefix_is_exact():
    # 3 frames of 2 labels + blank have 15 prefixes: a beam of 16 keeps them all, so the result is exact
    logits = (2 * R.normal(size=(2, 3, 3))).astype("float32")
    paths, scores = ops.ctc_decode(logits, np.array([3, 3]), strategy="beam_search", beam_width=16, top_paths=3,
                                   mask_index=None)
    for b in range(2):
        want_paths, want_scores = _exact_best_labelings(logits[b].astype("float64"), 3)
        np.testing.assert_array_equal(ops.convert_to_numpy(paths)[:, b], want_paths)
        np.testing.assert_allclose(ops.convert_to_numpy(scores)[b], want_scores, rtol=1e-5)


def test_ctc_decode_errors():
    with pytest.raises(ValueError, match="ctc_decode: invalid strategy='best'"):
        ops.ctc_decode(LOGITS, OUTPUT_LEN, strategy="best")
    with pytest.raises(ValueError, match="top_paths must be an int in"):
        ops.ctc_decode(LOGITS, OUTPUT_LEN, strategy="beam_search", beam_width=1, top_paths=3)


IMAGE = R.random((2, 3, 7, 6)).astype("float32")
FOLDS = [dict(kernel_size=2), dict(kernel_size=(3, 2), dilation=(1, 2), padding=1, stride=(2, 1))]


@pytest.mark.parametrize("kw", FOLDS)
def test_unfold_and_fold_match_keras(kw):
    cols = np.asarray(K.unfold(IMAGE, **kw))
    check_op(lambda x: ops.unfold(x, **kw), IMAGE, expected=cols)
    check_op(lambda c: ops.fold(c, (7, 6), **kw), cols, expected=np.asarray(K.fold(cols, (7, 6), **kw)))


def test_fold_keeps_the_requested_size_when_blocks_leave_a_margin():
    # 3 blocks of 2 with stride 2 cover 6 of 7 rows: the output is still (7, 6), as torch (Keras returns 6 rows)
    cols = R.random((2, 12, 9)).astype("float32")
    want = torch.nn.functional.fold(torch.tensor(cols), (7, 6), 2, stride=2).numpy()
    check_op(lambda c: ops.fold(c, (7, 6), 2, stride=2), cols, expected=want)


def test_fold_unfold_errors():
    with pytest.raises(ValueError, match="unfold: x must be a 4-D"):
        ops.unfold(IMAGE[0], 2)
    with pytest.raises(ValueError, match="fold: x has 9 blocks"):
        ops.fold(np.ones((1, 4, 9), "float32"), (5, 5), 2)
    with pytest.raises(ValueError, match="kernel_size must be an int or a pair"):
        ops.unfold(IMAGE, (2, 0))
