"""The promotion table against JAX's (x64 on: hornet keeps 64-bit types exact) and Keras-style weak scalars."""
import itertools

import numpy as np
import pytest

from hornet.ir.dtypes import ALL_DTYPES, DType, dtype, promote_types, result_type


@pytest.mark.parametrize("a,b", list(itertools.combinations_with_replacement(ALL_DTYPES, 2)))
def test_promotion_matches_jax(a, b):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    expected = jnp.promote_types(a.np, b.np)
    assert promote_types(a, b).np == expected
    assert promote_types(b, a) == promote_types(a, b)


@pytest.mark.parametrize("tensor,scalar,expected", [
    ("float16", 2.0, "float16"), ("bfloat16", 1, "bfloat16"), ("int8", 3, "int8"), ("int8", 2.5, "float32"),
    ("uint8", 1, "uint8"), ("bool", 1, "int32"), ("bool", 1.0, "float32"), ("bool", True, "bool"),
    ("int64", 2.0, "float32"), ("float64", 1, "float64"),
])
def test_python_scalars_are_weak(tensor, scalar, expected):
    assert result_type(np.zeros((), dtype(tensor).np), scalar) == expected


def test_scalars_alone_use_default_types():
    assert result_type(1) == "int32" and result_type(1.0) == "float32" and result_type(True) == "bool"
    assert result_type(1, 2.0) == "float32"


@pytest.mark.parametrize("like,expected", [
    ("float32", DType.float32), (np.float64, DType.float64), (np.dtype("int16"), DType.int16),
    ("torch.bfloat16", DType.bfloat16), (float, DType.float32), (int, DType.int32), (bool, DType.bool),
])
def test_dtype_normalization(like, expected):
    assert dtype(like) is expected


@pytest.mark.parametrize("bad", ["complex64", "float8", np.complex128, "str"])
def test_unsupported_dtypes_are_named(bad):
    with pytest.raises(TypeError, match="dtype"):
        dtype(bad)


def test_dtype_properties():
    assert DType.bfloat16.is_floating and DType.bfloat16.itemsize == 2 and DType.bfloat16.np.name == "bfloat16"
    assert DType.uint32.is_unsigned and not DType.uint32.is_signed and DType.int8.is_signed
    assert DType.float32 == "float32" and str(DType.int64) == "int64" and f"{DType.int8}" == "int8"
