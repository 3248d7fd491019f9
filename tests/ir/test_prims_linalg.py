"""Linalg prims: each prim x lowering x dtype checked by reconstruction properties (outputs like Q, eigenvectors or
singular vectors are sign-ambiguous), plus symbolic shape rules and errors."""
from __future__ import annotations

import itertools

import re

import numpy as np
import pytest

from helpers import LOWERINGS, prim_graph, random_array, run_graph, run_prim
from hornet.ir.dtypes import dtype as to_dtype
from hornet.ir.errors import DTypeError, ShapeError
from hornet.ir.types import TensorType

DTYPES = ("float32", "float64")
# (rtol, atol) for reconstruction checks on small, well-conditioned matrices
TOL = {"float32": 2e-4, "float64": 1e-10, "float16": 3e-2, "bfloat16": 1e-1}
SHAPES = [(3, 3), (2, 4, 4)]
RECT = [(5, 3), (3, 5), (2, 4, 4)]


def _close(a, b, dtype) -> None:
    tol = TOL[dtype]
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), rtol=tol, atol=tol)


def _spd(shape, dtype, seed=0) -> np.ndarray:
    m = random_array(shape, "float64", np.random.default_rng(seed), low=-1, high=1)
    n = shape[-1]
    return (m @ np.swapaxes(m, -1, -2) + n * np.eye(n)).astype(to_dtype(dtype).np)


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _eye_like(n, batch=()):
    return np.broadcast_to(np.eye(n), batch + (n, n))


# --- cholesky -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("shape", SHAPES)
def test_cholesky(shape, lowering, dtype):
    a = _spd(shape, dtype)
    (l,) = run_prim(lowering, "cholesky", a)
    assert l.dtype == a.dtype and l.shape == a.shape
    assert np.all(np.triu(l, 1) == 0)
    _close(l @ _mT(l), a, dtype)


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_cholesky_not_positive_definite_gives_nans(lowering):
    a = np.stack([_spd((3, 3), "float64"), -np.eye(3)])
    (l,) = run_prim(lowering, "cholesky", a)
    assert np.all(np.isfinite(l[0]))
    assert np.all(np.isnan(l[1][np.tril_indices(3)])) and np.all(np.triu(l[1], 1) == 0)


# --- triangular_solve ---------------------------------------------------------------------------------------------

FLAGS = list(itertools.product((True, False), repeat=4))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("left_side, lower, transpose_a, unit_diagonal", FLAGS)
def test_triangular_solve(left_side, lower, transpose_a, unit_diagonal, lowering, dtype):
    rng = np.random.default_rng(5)
    n, k = 4, 3
    a = random_array((2, n, n), dtype, rng, low=-1, high=1) + 4 * np.eye(n, dtype=dtype)  # other triangle is junk
    b = random_array((2, n, k) if left_side else (2, k, n), dtype, rng)
    (x,) = run_prim(lowering, "triangular_solve", a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                    unit_diagonal=unit_diagonal)
    assert x.dtype == b.dtype and x.shape == b.shape
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        t = t.copy()
        t[..., np.arange(n), np.arange(n)] = 1
    op = _mT(t) if transpose_a else t
    _close(op @ x if left_side else x @ op, b, dtype)


# --- qr -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("shape", RECT)
@pytest.mark.parametrize("full_matrices", (False, True))
def test_qr(full_matrices, shape, lowering, dtype):
    a = random_array(shape, dtype, np.random.default_rng(6))
    q, r = run_prim(lowering, "qr", a, full_matrices=full_matrices)
    m, n = shape[-2:]
    k = m if full_matrices else min(m, n)
    assert q.shape == shape[:-2] + (m, k) and r.shape == shape[:-2] + (k, n)
    assert q.dtype == r.dtype == a.dtype
    _close(q @ r, a, dtype)
    _close(_mT(q) @ q, _eye_like(k, shape[:-2]), dtype)
    assert np.all(np.tril(r, -1) == 0)


# --- eigh ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("lower", (True, False))
def test_eigh(lower, shape, lowering, dtype):
    """Only the chosen triangle is read: the other one holds junk."""
    rng = np.random.default_rng(7)
    raw = random_array(shape, dtype, rng)
    tri = np.tril(raw) if lower else np.triu(raw)
    sym = tri + _mT(tri) - np.tril(np.triu(raw))  # the symmetric matrix that triangle describes
    w, v = run_prim(lowering, "eigh", raw, lower=lower)
    n = shape[-1]
    assert w.shape == shape[:-1] and v.shape == shape and w.dtype == v.dtype == raw.dtype
    assert np.all(np.diff(w, axis=-1) >= 0)
    _close(sym @ v, v * w[..., None, :], dtype)
    _close(_mT(v) @ v, _eye_like(n, shape[:-2]), dtype)


# --- svd ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("shape", RECT)
@pytest.mark.parametrize("full_matrices", (False, True))
def test_svd(full_matrices, shape, lowering, dtype):
    a = random_array(shape, dtype, np.random.default_rng(8))
    u, s, vh = run_prim(lowering, "svd", a, full_matrices=full_matrices)
    m, n = shape[-2:]
    k = min(m, n)
    batch = shape[:-2]
    assert u.shape == batch + ((m, m) if full_matrices else (m, k))
    assert s.shape == batch + (k,)
    assert vh.shape == batch + ((n, n) if full_matrices else (k, n))
    assert u.dtype == s.dtype == vh.dtype == a.dtype
    assert np.all(s >= 0) and np.all(np.diff(s, axis=-1) <= 0)
    _close((u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :], a, dtype)
    _close(_mT(u) @ u, _eye_like(u.shape[-1], batch), dtype)
    _close(vh @ _mT(vh), _eye_like(vh.shape[-2], batch), dtype)
    _close(s, np.linalg.svd(a.astype(np.float64), compute_uv=False), dtype)


# --- lu -----------------------------------------------------------------------------------------------------------

def _unpack_lu(packed):
    m, n = packed.shape[-2:]
    k = min(m, n)
    lower = np.tril(packed[..., :, :k], -1) + np.eye(m, k)
    upper = np.triu(packed[..., :k, :])
    return lower, upper


def _perm_from_pivots(pivots, m):
    flat = pivots.reshape(-1, pivots.shape[-1])
    perms = []
    for row in flat:
        p = list(range(m))
        for j, q in enumerate(row):
            p[j], p[q] = p[q], p[j]
        perms.append(p)
    return np.asarray(perms).reshape(pivots.shape[:-1] + (m,))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("lowering", LOWERINGS)
@pytest.mark.parametrize("shape", RECT + [(2, 3, 2, 5)])
def test_lu(shape, lowering, dtype):
    a = random_array(shape, dtype, np.random.default_rng(9))
    packed, pivots, perm = run_prim(lowering, "lu", a)
    m, n = shape[-2:]
    assert packed.shape == shape and packed.dtype == a.dtype
    assert pivots.shape == shape[:-2] + (min(m, n),) and pivots.dtype == np.int32
    assert perm.shape == shape[:-1] and perm.dtype == np.int32
    lower, upper = _unpack_lu(packed)
    permuted = np.take_along_axis(a, perm[..., None].astype(np.int64), axis=-2)
    _close(lower @ upper, permuted, dtype)
    np.testing.assert_array_equal(perm, _perm_from_pivots(pivots, m))
    assert np.all(np.abs(np.tril(packed[..., :, :min(m, n)], -1)) <= 1 + TOL[dtype])  # partial pivoting


@pytest.mark.parametrize("shape", RECT)
def test_lu_pivots_match_jax(shape):
    """The reference LU picks the same pivots as jax.lax.linalg.lu (largest |entry|, first on ties)."""
    a = random_array(shape, "float64", np.random.default_rng(10))
    a[..., 1, :] = a[..., 0, :]  # a repeated row: ties in the pivot search
    ref = run_prim("numpy", "lu", a)
    got = run_prim("jax", "lu", a)
    np.testing.assert_array_equal(ref[1], got[1])
    np.testing.assert_array_equal(ref[2], got[2])
    _close(ref[0], got[0], "float64")


# --- half precision: computed in float32, the IR dtype is kept -------------------------------------------------

@pytest.mark.parametrize("dtype", ("float16", "bfloat16"))
@pytest.mark.parametrize("lowering", LOWERINGS)
def test_half_precision(lowering, dtype):
    a = _spd((3, 3), dtype)
    (l,) = run_prim(lowering, "cholesky", a)
    q, r = run_prim(lowering, "qr", a)
    w, v = run_prim(lowering, "eigh", a)
    u, s, vh = run_prim(lowering, "svd", a)
    packed, pivots, perm = run_prim(lowering, "lu", a)
    (x,) = run_prim(lowering, "triangular_solve", l, a)
    for out in (l, q, r, w, v, u, s, vh, packed, x):
        assert out.dtype == a.dtype
    assert pivots.dtype == perm.dtype == np.int32
    a64 = a.astype(np.float64)
    _close(l.astype(np.float64) @ l.astype(np.float64).T, a64, dtype)
    _close(q.astype(np.float64) @ r.astype(np.float64), a64, dtype)
    _close(np.sort(w.astype(np.float64)), np.linalg.eigvalsh(a64), dtype)


# --- symbolic dims and errors -------------------------------------------------------------------------------------

SYMBOLIC = [
    ("cholesky", [TensorType("float32", ("batch", 4, 4))], {}, [("batch", 4, 4)]),
    ("triangular_solve", [TensorType("float32", ("batch", 3, 3)), TensorType("float32", ("batch", 3, 2))], {},
     [("batch", 3, 2)]),
    ("triangular_solve", [TensorType("float32", ("n", "n")), TensorType("float32", (2, "n"))],
     dict(left_side=False), [(2, "n")]),
    ("qr", [TensorType("float32", ("batch", 5, 3))], {}, [("batch", 5, 3), ("batch", 3, 3)]),
    ("qr", [TensorType("float32", ("batch", 5, 3))], dict(full_matrices=True), [("batch", 5, 5), ("batch", 5, 3)]),
    ("qr", [TensorType("float32", ("m", 3))], dict(full_matrices=True), [("m", "m"), ("m", 3)]),
    ("qr", [TensorType("float32", ("m+3", "m"))], {}, [("m+3", "m"), ("m", "m")]),
    ("eigh", [TensorType("float32", ("batch", 4, 4))], {}, [("batch", 4), ("batch", 4, 4)]),
    ("svd", [TensorType("float32", ("batch", 4, 2))], {}, [("batch", 4, 2), ("batch", 2), ("batch", 2, 2)]),
    ("svd", [TensorType("float32", ("batch", 2, 4))], dict(full_matrices=True),
     [("batch", 2, 2), ("batch", 2), ("batch", 4, 4)]),
    ("lu", [TensorType("float32", ("batch", 3, 5))], {}, [("batch", 3, 5), ("batch", 3), ("batch", 3)]),
]


@pytest.mark.parametrize("prim, in_types, attrs, want", SYMBOLIC, ids=[c[0] for c in SYMBOLIC])
def test_symbolic_shapes(prim, in_types, attrs, want):
    graph = prim_graph(prim, in_types, **attrs)
    assert [v.type.shape for v in graph.outputs] == [tuple(TensorType("float32", w).shape) for w in want]


@pytest.mark.parametrize("lowering", LOWERINGS)
def test_symbolic_batch_runs(lowering):
    graph = prim_graph("cholesky", [TensorType("float64", ("batch", 3, 3))])
    for batch in (1, 3):
        a = _spd((batch, 3, 3), "float64", seed=batch)
        (l,) = run_graph(lowering, graph, a)
        _close(l @ _mT(l), a, "float64")


F33 = TensorType("float32", (3, 3))
ERRORS = [
    ("cholesky", [TensorType("float32", (3, 4))], {}, ShapeError, "square"),
    ("cholesky", [TensorType("int32", (3, 3))], {}, DTypeError, "floating point"),
    ("cholesky", [TensorType("float32", (3,))], {}, ShapeError, "matrix"),
    ("eigh", [TensorType("float32", ("batch", 3))], {}, ShapeError, "square"),
    ("triangular_solve", [F33, TensorType("float32", (4, 2))], {}, ShapeError, "rows"),
    ("triangular_solve", [F33, TensorType("float32", (3, 2))], dict(left_side=False), ShapeError, "columns"),
    ("triangular_solve", [F33, TensorType("float64", (3, 2))], {}, DTypeError, "dtypes differ"),
    ("triangular_solve", [F33, TensorType("float32", (2, 3, 2))], {}, ShapeError, "batch dims"),
    ("qr", [TensorType("float32", ("m", 3))], {}, ShapeError, "not known statically"),
    ("svd", [TensorType("float32", ("m", "n"))], {}, ShapeError, "not known statically"),
    ("lu", [TensorType("bool", (3, 3))], {}, DTypeError, "floating point"),
]


@pytest.mark.parametrize("prim, in_types, attrs, error, match", ERRORS, ids=[f"{c[0]}-{c[4]}" for c in ERRORS])
def test_errors(prim, in_types, attrs, error, match):
    with pytest.raises(error, match=re.escape(match)) as info:
        prim_graph(prim, in_types, **attrs)
    assert f"prim '{prim}'" in str(info.value)
