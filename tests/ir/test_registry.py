"""Walks the one prim registry: every prim has a shape rule and a rule in every lowering table."""
import pytest

from hornet.ir.prims import PRIMITIVES
from hornet.lowering import jax as jax_lowering
from hornet.lowering import numpy as numpy_lowering

LOWERING_TABLES = {"numpy": numpy_lowering.RULES, "jax": jax_lowering.RULES}


def test_registry_size():
    assert len(PRIMITIVES) >= 80, f"only {len(PRIMITIVES)} prims"


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_prim_is_complete(name):
    prim = PRIMITIVES[name]
    assert prim.name == name
    assert callable(prim.infer), f"{name} has no shape/dtype rule"
    for table_name, table in LOWERING_TABLES.items():
        assert name in table, f"prim {name!r} has no {table_name} rule"


@pytest.mark.parametrize("table_name", sorted(LOWERING_TABLES))
def test_tables_hold_no_unknown_prims(table_name):
    unknown = set(LOWERING_TABLES[table_name]) - set(PRIMITIVES)
    assert not unknown, f"{table_name} rules for prims that are not registered: {sorted(unknown)}"


def test_composites_have_decompositions():
    import hornet.ops  # noqa: F401  registers the decompositions

    missing = [n for n, p in PRIMITIVES.items() if "composite" in p.tags and p.decomposition is None]
    assert not missing, f"composites without a decomposition: {missing}"
