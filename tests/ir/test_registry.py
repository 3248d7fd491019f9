"""Walks the one prim registry against every backend's lowering table and the autodiff rules.

The rules stated here:
- every prim has a shape/dtype rule;
- every backend's table has a row for every prim that is not a composite; a composite (softmax, layer norm,
  attention, ...) may have no row, in which case the backend runs its decomposition into other prims (the
  interpreter's fallback), so a row is an optimization (a fused kernel), never a requirement;
- every composite has a decomposition, and every differentiable prim has a VJP rule;
- no table has rows for prims that are not registered.
"""
import importlib

import pytest

import hornet.ops  # noqa: F401  registers the decompositions and VJP rules
from helpers import LOWERINGS
from hornet.ir.prims import PRIMITIVES

# the table each backend compiles with (TensorFlow runs the JAX lowering's StableHLO in XlaCallModule)
_TABLE_MODULES = {"numpy": "hornet.lowering.numpy", "jax": "hornet.lowering.jax", "torch": "hornet.lowering.torch",
                  "tensorflow": "hornet.lowering.jax"}


def _table(backend: str) -> dict:
    return importlib.import_module(_TABLE_MODULES[backend]).RULES


def test_registry_size():
    assert len(PRIMITIVES) >= 80, f"only {len(PRIMITIVES)} prims"


def test_every_backend_has_a_table():
    assert set(LOWERINGS) <= set(_TABLE_MODULES), f"no lowering table known for {set(LOWERINGS) - set(_TABLE_MODULES)}"


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_prim_has_a_shape_rule_and_a_row_in_every_table(name):
    prim = PRIMITIVES[name]
    assert prim.name == name
    assert callable(prim.infer), f"{name} has no shape/dtype rule"
    if "composite" in prim.tags:
        return  # may decompose: see the module docstring
    for backend in LOWERINGS:
        assert name in _table(backend), f"prim {name!r} has no {backend} rule"


@pytest.mark.parametrize("backend", LOWERINGS)
def test_tables_hold_no_unknown_prims(backend):
    unknown = set(_table(backend)) - set(PRIMITIVES)
    assert not unknown, f"{backend} rules for prims that are not registered: {sorted(unknown)}"


def test_composites_have_decompositions():
    missing = [n for n, p in PRIMITIVES.items() if "composite" in p.tags and p.decomposition is None]
    assert not missing, f"composites without a decomposition: {missing}"


def test_every_differentiable_prim_has_a_vjp():
    differentiable = sorted(n for n, p in PRIMITIVES.items() if p.differentiable)
    assert {"gather", "scatter", "sort", "reshape", "cond", "scan", "while_loop", "cholesky", "svd"} <= \
        set(differentiable) | {n for n, p in PRIMITIVES.items() if not p.differentiable}
    assert [n for n in differentiable if PRIMITIVES[n].vjp is None] == []
