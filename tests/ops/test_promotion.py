"""Result dtypes of the elementwise ops against keras.ops (JAX backend, x64 off) for every pair of dtypes and
for Python scalars on either side, found by abstract evaluation (``jax.eval_shape`` for Keras, tracing for
hornet), so nothing is compiled. That traced types equal eager types is checked in test_math/test_logic."""
from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")  # keras is the oracle here, on JAX

import jax  # noqa: E402
import ml_dtypes  # noqa: E402
import pytest  # noqa: E402

import hornet  # noqa: E402
from hornet import ops  # noqa: E402
from hornet.ir.errors import DTypeError  # noqa: E402

PROMOTION_DTYPES = ("bool", "int8", "uint8", "int16", "int32", "float16", "bfloat16", "float32")
SCALARS = (2, 2.5, True)
PROMOTION_BINARY = ("add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "fmod", "power",
                    "maximum", "minimum", "fmax", "fmin", "arctan2", "hypot", "logaddexp", "logaddexp2",
                    "heaviside", "nextafter", "divide_no_nan", "equal", "less", "logical_and", "bitwise_and",
                    "bitwise_or", "left_shift", "right_shift", "gcd", "lcm", "isclose")
PROMOTION_UNARY = ("abs", "negative", "square", "sqrt", "exp", "exp2", "log", "log2", "sin", "arctanh", "floor",
                   "ceil", "round", "trunc", "sign", "reciprocal", "sinc", "deg2rad", "cbrt", "angle", "real",
                   "imag", "copy", "nan_to_num", "signbit", "isnan", "isfinite", "logical_not", "bitwise_invert",
                   "erf", "erfinv", "expm1", "log1p", "rad2deg")


def _keras_dtype(keras_fn, *args):
    """keras.ops' result dtype (or None if it rejects the inputs), with JAX's x64 mode off as in Keras."""
    arrays = [a for a in args if isinstance(a, jax.ShapeDtypeStruct)]

    def call(*xs):
        it = iter(xs)
        return keras_fn(*(next(it) if isinstance(a, jax.ShapeDtypeStruct) else a for a in args))

    try:
        with jax.enable_x64(False):
            return str(jax.eval_shape(call, *arrays).dtype)
    except Exception:  # noqa: BLE001  (any rejection counts as "not accepted")
        return None


def _hornet_dtype(fn, *args):
    """hornet's traced result dtype (None if the op rejects the inputs); traced == eager types: check_op elsewhere."""
    specs = [a for a in args if isinstance(a, hornet.TensorSpec)]

    def call(*xs):
        it = iter(xs)
        return fn(*(next(it) if isinstance(a, hornet.TensorSpec) else a for a in args))

    try:
        return str(hornet.trace(call, *specs).output_types[0].dtype)
    except (DTypeError, TypeError, ValueError):
        return None


def _operands():
    def both(d):
        return jax.ShapeDtypeStruct((2,), ml_dtypes.bfloat16 if d == "bfloat16" else d), hornet.TensorSpec((2,), d)

    pairs = [(both(a), both(b)) for a in PROMOTION_DTYPES for b in PROMOTION_DTYPES]
    pairs += [(both(a), (s, s)) for a in PROMOTION_DTYPES for s in SCALARS]
    pairs += [((s, s), both(a)) for a in PROMOTION_DTYPES for s in SCALARS[:2]]
    return pairs


# Keras converts the scalar to a float32 tensor before promoting in these three ops (unlike add, power, hypot...);
# hornet keeps Python scalars weak everywhere, so a float16/bfloat16 tensor keeps its dtype.
WEAK_SCALAR_DEVIATIONS = {"arctan2", "logaddexp", "logaddexp2"}


def _weak_float_case(name: str, hx, hy) -> str | None:
    """The tensor's dtype when (hx, hy) is a 16-bit float tensor with a Python float, for the ops above."""
    if name not in WEAK_SCALAR_DEVIATIONS:
        return None
    spec, other = (hx, hy) if isinstance(hx, hornet.TensorSpec) else (hy, hx)
    if isinstance(other, float) and spec.dtype in ("float16", "bfloat16"):
        return str(spec.dtype)
    return None


@pytest.mark.parametrize("name", PROMOTION_BINARY)
def test_binary_promotion_matches_keras(name: str) -> None:
    import keras  # imported late: loading it is slow

    mismatches = []
    for (kx, hx), (ky, hy) in _operands():
        want, got = _keras_dtype(getattr(keras.ops, name), kx, ky), _hornet_dtype(getattr(ops, name), hx, hy)
        want = _weak_float_case(name, hx, hy) or want
        if want is not None and got != want:
            mismatches.append(f"{hx!r}, {hy!r}: keras {want}, hornet {got}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("name", PROMOTION_UNARY)
def test_unary_promotion_matches_keras(name: str) -> None:
    import keras  # imported late: loading it is slow

    mismatches = []
    for d in PROMOTION_DTYPES:
        kx = jax.ShapeDtypeStruct((2,), ml_dtypes.bfloat16 if d == "bfloat16" else d)
        want, got = _keras_dtype(getattr(keras.ops, name), kx), _hornet_dtype(getattr(ops, name), hornet.TensorSpec((2,), d))
        if want is not None and got != want:
            mismatches.append(f"{d}: keras {want}, hornet {got}")
    assert not mismatches, "\n".join(mismatches)
