"""A seeded, time-bounded fuzz campaign over mutated model files and IR JSON: every outcome is a hornet error
naming the file, or a model that predicts exactly what the original did (``scripts/fuzz_model_files.py`` runs
the long campaign)."""
from __future__ import annotations

import importlib.util
import os

import pytest

_SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "fuzz_model_files.py")


def _fuzzer():
    spec = importlib.util.spec_from_file_location("fuzz_model_files", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [11])
def test_mutated_model_files_are_refused_or_load_identically(seed):
    fuzz = _fuzzer()
    counts, defects = fuzz.campaign(cases=300, seed=seed, jobs=1, timeout_s=30.0)
    assert sum(counts[o] for o in fuzz.OK + fuzz.DEFECTS) == 300
    assert counts["refused"] > 100 and counts["identical"] > 10  # the mutations reach both outcomes
    assert defects == [], "\n".join(f"case {i} [{what}] {outcome}: {detail}" for i, outcome, what, detail in defects)
