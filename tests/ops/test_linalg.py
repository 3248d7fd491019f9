"""Products, einsum and linear algebra (hornet.api.ops.linalg and the modules it re-exports): eager vs
NumPy/SciPy with Keras result dtypes, traced on each lowering vs eager, traced types vs eager types, per op x
dtype x shape case; symbolic batch dims; errors naming shapes and subscripts."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.linalg as sl
import scipy.spatial.distance as sd

from helpers import LOWERINGS, check_op, run_graph, rng
import hornet
from hornet import ops
from hornet.ir.errors import ShapeError
from hornet.ir.types import TensorType

PRODUCT_DTYPES = ("float32", "float64", "int32", "bool")
F32 = dict(rtol=1e-4, atol=1e-5)  # factorizations in float32
F64 = dict(rtol=1e-9, atol=1e-10)


def inputs(shape, dtype: str, *key: object) -> np.ndarray:
    r = rng(shape, dtype, *key)
    if dtype == "bool":
        return r.random(shape) < 0.5
    if dtype.startswith("int"):
        return r.integers(-5, 6, size=shape).astype(dtype)
    return r.uniform(-2, 2, size=shape).astype(dtype)


def reference(fn, *arrays: np.ndarray, dtype: str) -> np.ndarray:
    """NumPy on float64 (ints and bools exactly), cast to the expected dtype."""
    src = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in arrays]
    return np.asarray(fn(*src)).astype(dtype)


def check(fn, *arrays: np.ndarray, expected, **tol):
    """check_op, plus: the eager results have exactly the expected dtypes."""
    out = check_op(fn, *arrays, expected=expected, **tol)
    outs = out if isinstance(out, list) else [out]
    wants = expected if isinstance(expected, list) else [expected]
    for got, want in zip(outs, wants):
        assert np.asarray(got).dtype == np.asarray(want).dtype, f"dtype {np.asarray(got).dtype} != {want.dtype}"
    return out


def tolerance(dtype: str) -> dict:
    return F32 if dtype == "float32" else F64


# ---- products ------------------------------------------------------------------------------------------------

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                 ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)), ((5, 2, 3), (5, 3, 4))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_shapes(shapes):
    a, b = inputs(shapes[0], "float32", "mm"), inputs(shapes[1], "float32", "mm2")
    check(ops.matmul, a, b, expected=reference(np.matmul, a, b, dtype="float32"), **F32)


@pytest.mark.parametrize("dtype", PRODUCT_DTYPES)
def test_matmul_dtypes(dtype):
    a, b = inputs((4, 2, 3), dtype, "mmd"), inputs((3, 5), dtype, "mmd2")
    check(ops.matmul, a, b, expected=reference(np.matmul, a, b, dtype=dtype), **tolerance(dtype))


def test_matmul_int8_accumulates_in_int32():
    a = np.full((2, 64), 100, "int8")
    check(ops.matmul, a, a.T.copy(), expected=np.full((2, 2), 640000, "int32"))


# name -> (op, numpy reference, shape cases)
PRODUCTS = {
    "dot": (ops.dot, np.dot, [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (4, 3, 5)), ((), (2, 3))]),
    "vdot": (ops.vdot, np.vdot, [((2, 3), (3, 2))]),
    "inner": (ops.inner, np.inner, [((3,), (3,)), ((2, 3), (4, 3)), ((), (2,))]),
    "outer": (ops.outer, np.outer, [((3,), (4,)), ((2, 2), (3,))]),
    "tensordot": (ops.tensordot, np.tensordot, [((2, 3, 4), (3, 4, 5))]),
    "kron": (ops.kron, np.kron, [((2, 3), (3, 2)), ((2,), (2, 3)), ((2, 1, 2), (3, 2))]),
}
PRODUCT_CASES = [(n, s, d) for n, (_, _, cases) in PRODUCTS.items() for s in cases
                 for d in (PRODUCT_DTYPES if s is cases[0] else ("float32",))]


@pytest.mark.parametrize("name,shapes,dtype", PRODUCT_CASES, ids=str)
def test_products(name, shapes, dtype):
    fn, ref, _ = PRODUCTS[name]
    a, b = inputs(shapes[0], dtype, name), inputs(shapes[1], dtype, name, 2)
    check(fn, a, b, expected=reference(ref, a, b, dtype=dtype), **tolerance(dtype))


@pytest.mark.parametrize("case", [((2, 3), (4, 5), 0), ((2, 3, 4), (4, 3, 2), 1), ((2, 3), (2, 3, 4), 2),
                                  ((2, 3, 4), (3, 2, 5), ([1, 0], [0, 1])), ((2, 3, 4), (4, 3, 2), ([-1], [-3])),
                                  ((2, 3, 4), (4, 5), (2, 0))], ids=str)
def test_tensordot_axes(case):
    sa, sb, axes = case
    a, b = inputs(sa, "float64", "td"), inputs(sb, "float64", "td2")
    check(lambda x, y: ops.tensordot(x, y, axes=axes), a, b, expected=np.tensordot(a, b, axes=axes), **F64)


@pytest.mark.parametrize("case", [((4, 3), (3,), {}), ((4, 2), (4, 2), {}), ((2,), (4, 3), {}),
                                  ((3, 4), (3, 4), {"axisa": 0, "axisb": 0, "axisc": 0}),
                                  ((2, 3, 1), (3, 5), {"axisa": 1, "axisb": 0, "axisc": -1}),
                                  ((3, 4), (4, 3), {"axisa": 0, "axisb": -1}), ((2, 3), (2, 3), {"axis": 1})],
                         ids=str)
def test_cross(case):
    sa, sb, kw = case
    a, b = inputs(sa, "float64", "cross"), inputs(sb, "float64", "cross2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # numpy deprecates 2-component vectors
        expected = np.cross(a, b, **kw)
    check(lambda x, y: ops.cross(x, y, **kw), a, b, expected=expected, **F64)


@pytest.mark.parametrize("lengths", ((6, 3), (6, 4), (3, 5), (2, 7), (4, 4)), ids=str)
@pytest.mark.parametrize("mode", ("valid", "same", "full"))
def test_correlate(mode, lengths):
    a, b = inputs((lengths[0],), "float32", "corr"), inputs((lengths[1],), "float32", "corr2")
    check(lambda x, y: ops.correlate(x, y, mode), a, b,
          expected=reference(lambda x, y: np.correlate(x, y, mode), a, b, dtype="float32"), **F32)


@pytest.mark.parametrize("dtype,result", (("int32", "float32"), ("float64", "float64")))
def test_correlate_dtypes(dtype, result):
    a, b = inputs((5,), dtype, "cd"), inputs((3,), dtype, "cd2")
    check(lambda x, y: ops.correlate(x, y, "full"), a, b,
          expected=np.correlate(a.astype(np.float64), b.astype(np.float64), "full").astype(result))


@pytest.mark.parametrize("shapes", (((3, 2), (4, 2)), ((2, 3, 4), (5, 4)), ((2, 1, 3, 2), (4, 2, 2))), ids=str)
def test_cdist(shapes):
    a, b = inputs(shapes[0], "float32", "cdist"), inputs(shapes[1], "float32", "cdist2")
    diff = a[..., :, None, :].astype(np.float64) - b[..., None, :, :]
    expected = np.sqrt((diff ** 2).sum(-1)).astype("float32")
    if len(shapes[0]) == 2 and len(shapes[1]) == 2:
        np.testing.assert_allclose(expected, sd.cdist(a, b), rtol=1e-6)
    check(ops.cdist, a, b, expected=expected, **F32)


# ---- einsum --------------------------------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", (2, 3), (3, 4)), ("bij,bjk->bik", (2, 3, 4), (2, 4, 5)), ("ii->", (3, 3)), ("ii->i", (3, 3)),
    ("ij->ji", (2, 3)), ("i,j->ij", (2,), (3,)), ("...ij,...jk->...ik", (5, 2, 3), (3, 4)),
    ("...ij,...jk", (2, 1, 2, 3), (4, 3, 2)), ("ij,jk", (2, 3), (3, 4)), ("ba", (2, 3)), ("iij->ji", (3, 3, 2)),
    ("ij,ij->i", (2, 3), (2, 3)), ("ij,jk,kl->il", (2, 3), (3, 4), (4, 5)), ("i...->...", (3, 2, 2)),
    ("ijk->", (2, 3, 4)), ("a b , b c -> a c", (2, 3), (3, 4)), ("bn,anm,bm->ba", (2, 3), (4, 3, 5), (2, 5)),
    ("ij,kj->", (2, 3), (4, 3)), ("i,i", (3,), (3,)), ("ij...,j...->i...", (2, 3, 4), (3, 4)),
    ("bhqd,bhkd->bhqk", (2, 2, 3, 4), (2, 2, 5, 4)), ("iji->j", (2, 3, 2)),
]


@pytest.mark.parametrize("case", EINSUM_CASES, ids=lambda c: c[0])
def test_einsum(case):
    subscripts, *shapes = case
    arrays = [inputs(s, "float64", subscripts, i) for i, s in enumerate(shapes)]
    check(lambda *xs: ops.einsum(subscripts, *xs), *arrays, expected=np.einsum(subscripts, *arrays), **F64)


@pytest.mark.parametrize("dtype,result", (("float32", "float32"), ("int32", "int32"), ("int8", "int32"),
                                          ("bool", "bool")))
def test_einsum_dtypes(dtype, result):
    a, b = inputs((2, 3), dtype, "ed"), inputs((3, 4), dtype, "ed2")
    expected = reference(lambda x, y: np.einsum("ij,jk->ik", x.astype(result) if result != "bool" else x, y),
                         a, b, dtype=result)
    check(lambda x, y: ops.einsum("ij,jk->ik", x, y), a, b, expected=expected, **tolerance(dtype))


@pytest.mark.parametrize("bad,message", [
    ("ij,jk", "2 input term"), ("ij->i$", "invalid label"), ("ij->ik", r"output label\(s\) \['k'\] appear in no"),
    ("ij->ii", "appear more than once"), ("ijk->i", "has 3 label"), ("i.j->i", "ellipsis"),
    ("ij->i->j", "'->' may appear only once"), ("...i...->i", "more than one ellipsis"),
])
def test_einsum_bad_subscripts(bad, message):
    with pytest.raises(ShapeError, match=message):
        ops.einsum(bad, np.ones((2, 3), "float32"))


def test_einsum_size_mismatch_and_missing_ellipsis():
    with pytest.raises(ShapeError, match="label 'j' has size 3 in one operand and 4 in another"):
        ops.einsum("ij,jk->ik", np.ones((2, 3)), np.ones((4, 5)))
    with pytest.raises(ShapeError, match="no '...'"):
        ops.einsum("...ij->ij", np.ones((5, 2, 3)))
    with pytest.raises(ShapeError, match="repeats on dims of sizes 2 and 3"):
        ops.einsum("ii->i", np.ones((2, 3)))


# ---- decompositions and solvers ------------------------------------------------------------------------------

def spd(shape, dtype: str, *key: object) -> np.ndarray:
    a = inputs(shape, "float64", *key)
    n = shape[-1]
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(dtype)


LINALG_DTYPES = ("float32", "float64")


@pytest.mark.parametrize("dtype", LINALG_DTYPES)
@pytest.mark.parametrize("upper", (False, True))
def test_cholesky_and_inverse(dtype, upper):
    x = spd((2, 3, 3), dtype, "chol")
    lower = np.linalg.cholesky(x.astype(np.float64))
    factor = np.swapaxes(lower, -1, -2) if upper else lower
    check(lambda a: ops.cholesky(a, upper=upper), x, expected=factor.astype(dtype), **tolerance(dtype))
    check(lambda f: ops.cholesky_inverse(f, upper=upper), factor.astype(dtype),
          expected=np.linalg.inv(x.astype(np.float64)).astype(dtype), **tolerance(dtype))


def test_cholesky_of_indefinite_matrix_raises_eagerly():
    with pytest.raises(ValueError, match="positive definite"):
        ops.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]], "float32"))


@pytest.mark.parametrize("shape,dtype", (((3, 3), "float64"), ((2, 4, 4), "float32"), ((3, 3), "int32")), ids=str)
def test_det_slogdet_inv(shape, dtype):
    x = inputs(shape, dtype, "det") + (np.eye(shape[-1], dtype=dtype) * 3 if dtype == "int32" else 0)
    result = "float32" if dtype == "int32" else dtype
    tol = tolerance(result)
    check(ops.det, x, expected=reference(np.linalg.det, x, dtype=result), **tol)
    sign, logabs = np.linalg.slogdet(x.astype(np.float64))
    check(ops.slogdet, x, expected=[sign.astype(result), logabs.astype(result)], **tol)
    check(ops.inv, x, expected=reference(np.linalg.inv, x, dtype=result), **tol)


def test_slogdet_of_singular_matrix_and_logdet():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    check(ops.slogdet, singular, expected=[np.float64(0.0), np.float64(-np.inf)])
    x = spd((3, 3), "float64", "logdet")
    check(ops.logdet, x, expected=np.log(np.linalg.det(x)), **F64)


@pytest.mark.parametrize("shapes,dtype", ((((3, 3), (3,)), "float64"), (((3, 3), (3, 2)), "float32"),
                                          (((2, 3, 3), (3, 2)), "float64"), (((2, 3, 3), (2, 3, 1)), "float32")),
                         ids=str)
def test_solve(shapes, dtype):
    a = inputs(shapes[0], dtype, "solve") + np.eye(3, dtype=dtype) * 3
    b = inputs(shapes[1], dtype, "solve2")
    check(ops.solve, a, b, expected=reference(np.linalg.solve, a, b, dtype=dtype), **tolerance(dtype))


@pytest.mark.parametrize("lower", (False, True))
@pytest.mark.parametrize("rhs", ((4,), (4, 2)), ids=str)
def test_solve_triangular(rhs, lower):
    a = inputs((4, 4), "float64", "tri") + 4 * np.eye(4)
    b = inputs(rhs, "float64", "tri2")
    # only the named triangle is read: the other one holds garbage
    check(lambda x, y: ops.solve_triangular(x, y, lower=lower), a, b,
          expected=sl.solve_triangular(a, b, lower=lower), **F64)


@pytest.mark.parametrize("shapes,dtype", ((((5, 3), (5,)), "float64"), (((5, 3), (5, 2)), "float32"),
                                          (((3, 5), (3, 2)), "float64")), ids=str)
def test_lstsq(shapes, dtype):
    a, b = inputs(shapes[0], dtype, "lstsq"), inputs(shapes[1], dtype, "lstsq2")
    expected = np.linalg.lstsq(a.astype(np.float64), b.astype(np.float64))[0].astype(dtype)
    check(ops.lstsq, a, b, expected=expected, **tolerance(dtype))


def test_lstsq_rank_deficient_gives_minimum_norm():
    a = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    b = np.array([1.0, 2.0, 3.0])
    check(ops.lstsq, a, b, expected=np.linalg.lstsq(a, b)[0], **F64)


@pytest.mark.parametrize("dtype", LINALG_DTYPES)
def test_lu_factor(dtype):
    x = inputs((4, 4), dtype, "lu")
    lu, piv = sl.lu_factor(x.astype(np.float64))
    check(ops.lu_factor, x, expected=[lu.astype(dtype), piv.astype("int32")], **tolerance(dtype))


@pytest.mark.parametrize("mode", ("reduced", "complete"))
@pytest.mark.parametrize("shape", ((5, 3), (2, 3, 4)), ids=str)
def test_qr(shape, mode):
    x = inputs(shape, "float64", "qr")
    q, r = check_op(lambda a: ops.qr(a, mode=mode), x)
    want_q, want_r = np.linalg.qr(x, mode=mode)
    assert q.shape == want_q.shape and r.shape == want_r.shape
    np.testing.assert_allclose(q @ r, x, **F64)
    np.testing.assert_allclose(np.swapaxes(q, -1, -2) @ q, np.broadcast_to(np.eye(q.shape[-1]), want_q.shape[:-2]
                                                                           + (q.shape[-1],) * 2), atol=1e-12)
    np.testing.assert_allclose(np.abs(r), np.abs(want_r), **F64)  # unique up to row signs


@pytest.mark.parametrize("dtype", LINALG_DTYPES)
def test_eigh(dtype):
    x = spd((2, 3, 3), dtype, "eigh")
    # eigenvectors are defined up to sign (LAPACK builds differ): backends are compared on |v| and on the
    # reconstruction v diag(w) v^T
    def eigh(a):
        w, v = ops.eigh(a)
        return w, ops.abs(v), ops.matmul(v, ops.expand_dims(w, -1) * ops.swapaxes(v, -1, -2))

    w, _, rebuilt = check_op(eigh, x, **tolerance(dtype))
    np.testing.assert_allclose(w, np.linalg.eigvalsh(x.astype(np.float64)), **tolerance(dtype))
    np.testing.assert_allclose(rebuilt, x, rtol=1e-3 if dtype == "float32" else 1e-9,
                               atol=1e-4 if dtype == "float32" else 1e-10)


@pytest.mark.parametrize("full_matrices", (True, False))
@pytest.mark.parametrize("shape", ((4, 3), (2, 3, 5)), ids=str)
def test_svd(shape, full_matrices):
    x = inputs(shape, "float64", "svd")
    # singular vectors are defined up to a sign per pair (LAPACK builds differ), so backends are compared on
    # |u| and |vh|; the reconstruction below checks the signs pair up
    def svd(a):
        u, s, vh = ops.svd(a, full_matrices=full_matrices)
        k = s.shape[-1]
        rebuilt = ops.matmul(u[..., :k] * ops.expand_dims(s, -2), vh[..., :k, :])
        # with full_matrices, the vectors past k span a null space in any orthonormal basis: not compared
        return ops.abs(u[..., :k]), s, ops.abs(vh[..., :k, :]), rebuilt

    _, s, _, rebuilt = check_op(svd, x)
    want = np.linalg.svd(x, full_matrices=full_matrices)
    full = ops.svd(x, full_matrices=full_matrices)
    assert tuple(tuple(r.shape) for r in full) == tuple(w.shape for w in want)
    np.testing.assert_allclose(s, want[1], **F64)
    np.testing.assert_allclose(rebuilt, x, **F64)
    check(lambda a: ops.svd(a, compute_uv=False), x, expected=want[1], **F64)


@pytest.mark.parametrize("shape", ((5, 3), (2, 3, 4)), ids=str)
def test_pinv_and_matrix_rank(shape):
    x = inputs(shape, "float64", "pinv")
    check(ops.pinv, x, expected=np.linalg.pinv(x), **F64)
    check(ops.matrix_rank, x, expected=np.asarray(np.linalg.matrix_rank(x), "int32"))
    low_rank = np.einsum("...i,...j->...ij", x[..., 0], x[..., 0, :])
    check(ops.matrix_rank, low_rank, expected=np.asarray(np.linalg.matrix_rank(low_rank), "int32"))
    check(lambda a: ops.matrix_rank(a, tol=1.0), x, expected=np.asarray(np.linalg.matrix_rank(x, tol=1.0), "int32"))


@pytest.mark.parametrize("n", (0, 1, 3, 6, -2))
def test_matrix_power(n):
    x = inputs((2, 3, 3), "float64", "power") + 2 * np.eye(3)
    check(lambda a: ops.matrix_power(a, n), x, expected=np.linalg.matrix_power(x, n), rtol=1e-9, atol=1e-9)


def test_matrix_power_of_ints_stays_int():
    x = np.array([[1, 1], [0, 1]], "int32")
    check(lambda a: ops.matrix_power(a, 5), x, expected=np.array([[1, 5], [0, 1]], "int32"))


# ---- norms ---------------------------------------------------------------------------------------------------

VECTOR_ORDS = (None, 2, np.inf, -np.inf, 0, 1, 3, 0.5)
MATRIX_ORDS = (None, "fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2)


@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=str)
def test_vector_norm(ord):
    x = inputs((3, 4), "float32", "vnorm")
    check(lambda a: ops.norm(a, ord=ord, axis=1), x,
          expected=reference(lambda v: np.linalg.norm(v, ord=ord, axis=1), x, dtype="float32"), **F32)
    check(lambda a: ops.norm(a[0], ord=ord, keepdims=True), x,
          expected=reference(lambda v: np.linalg.norm(v[0], ord=ord, keepdims=True), x, dtype="float32"), **F32)


@pytest.mark.parametrize("ord", MATRIX_ORDS, ids=str)
def test_matrix_norm(ord):
    x = inputs((3, 2, 4), "float64", "mnorm")
    check(lambda a: ops.norm(a, ord=ord, axis=(2, 0), keepdims=True), x,
          expected=np.linalg.norm(x, ord=ord, axis=(2, 0), keepdims=True), **F64)
    check(lambda a: ops.norm(a[:, 0], ord=ord), x, expected=np.linalg.norm(x[:, 0], ord=ord), **F64)


@pytest.mark.parametrize("dtype,result", (("int32", "float32"), ("float64", "float64"), ("bool", "float32")))
def test_norm_of_whole_tensor_and_dtypes(dtype, result):
    x = inputs((2, 3, 4), dtype, "norm")
    check(ops.norm, x, expected=reference(np.linalg.norm, x.astype(np.float64), dtype=result), **tolerance(result))
    check(lambda a: ops.norm(a, keepdims=True), x,
          expected=reference(lambda v: np.linalg.norm(v, keepdims=True), x.astype(np.float64), dtype=result),
          **tolerance(result))


# ---- symbolic batch dims -------------------------------------------------------------------------------------

W = inputs((8, 3), "float32", "w")
SYMBOLIC = {
    "matmul": (lambda x: ops.matmul(x, W), TensorType("float32", ("batch", 3))),
    "matmul_vec": (lambda x: ops.matmul(x, W[:, 0].copy()), TensorType("float32", ("batch",))),
    "batch_matmul": (lambda x: ops.matmul(ops.reshape(x, (-1, 2, 4)), np.ones((4, 5), "float32")),
                     TensorType("float32", ("batch", 2, 5))),
    "gram": (lambda x: ops.einsum("bi,bj->ij", x, x), TensorType("float32", (8, 8))),
    "rowdot": (lambda x: ops.einsum("bi,bi->b", x, x), TensorType("float32", ("batch",))),
    "tensordot": (lambda x: ops.tensordot(x, x, axes=([0], [0])), TensorType("float32", (8, 8))),
    "outer": (lambda x: ops.outer(x[:, 0], W[:, 0].copy()), TensorType("float32", ("batch", 8))),
    "norm": (lambda x: ops.norm(x, axis=1), TensorType("float32", ("batch",))),
    "norm_fro": (lambda x: ops.norm(x, "fro", axis=(0, 1)), TensorType("float32", ())),
    "cdist": (lambda x: ops.cdist(x, W.T.copy()), TensorType("float32", ("batch", 3))),
    "solve": (lambda x: ops.solve(np.eye(8, dtype="float32") * 2, ops.transpose(x)),
              TensorType("float32", (8, "batch"))),
    "det_gram": (lambda x: ops.det(ops.matmul(ops.transpose(x), x) + np.eye(8, dtype="float32")),
                 TensorType("float32", ())),
    "kron": (lambda x: ops.kron(x, np.ones((2, 1), "float32")), TensorType("float32", ("2*batch", 8))),
}


@pytest.mark.parametrize("name", SYMBOLIC)
def test_symbolic_batch(name):
    fn, want = SYMBOLIC[name]
    graph = hornet.trace(fn, hornet.TensorSpec((None, 8)))
    assert graph.output_types == [want]
    for batch, lowerings in ((5, LOWERINGS), (7, ("numpy",))):  # one graph serves every batch size
        x = inputs((batch, 8), "float32", "symbolic")
        eager = np.asarray(fn(x))
        for lowering in lowerings:
            np.testing.assert_allclose(run_graph(lowering, graph, x)[0], eager, rtol=1e-4, atol=1e-5)


# ---- errors --------------------------------------------------------------------------------------------------

def test_matmul_mismatch_names_both_shapes_and_dims():
    with pytest.raises(ShapeError, match=r"last dim of x1 \(shape \(2, 3\)\) is 3 but the second-to-last dim of x2 "
                                         r"\(shape \(4, 5\)\) is 4"):
        ops.matmul(np.ones((2, 3), "float32"), np.ones((4, 5), "float32"))
    with pytest.raises(ShapeError, match=r"\(batch, 3\).*\(4,\)"):
        hornet.trace(lambda x: ops.matmul(x, np.ones(4, "float32")), hornet.TensorSpec((None, 3)))
    with pytest.raises(ShapeError, match="cannot be broadcast"):
        ops.matmul(np.ones((2, 2, 3)), np.ones((3, 3, 4)))
    with pytest.raises(ShapeError, match="at least 1-D"):
        ops.matmul(np.float32(2.0), np.ones(3, "float32"))


def test_linalg_errors():
    with pytest.raises(ShapeError, match=r"square matrices.*\(2, 3\)"):
        ops.det(np.ones((2, 3)))
    with pytest.raises(ShapeError, match="needs 3 rows"):
        ops.solve(np.eye(3), np.ones((4, 2)))
    with pytest.raises(ShapeError, match="vectors must have 2 or 3 components"):
        ops.cross(np.ones(4), np.ones(3))
    with pytest.raises(ValueError, match="mode must be"):
        ops.qr(np.eye(2), mode="raw")
    with pytest.raises(ValueError, match="invalid matrix norm order"):
        ops.norm(np.eye(2), ord=3)
    with pytest.raises(ValueError, match="matrix norm"):
        ops.norm(np.ones(3), ord="fro")
    with pytest.raises(ShapeError, match="1-D"):
        ops.correlate(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ShapeError, match="same size"):
        ops.vdot(np.ones(3), np.ones(4))
