"""A model's input (or output) signature as JSON data, and its strict parser.

``{"tree": <pytree description>, "leaves": [{"shape": [None, 28, 28], "dtype": "float32"}, ...]}``: ``None`` is a
symbolic dim (the batch dim always is). Parsing checks every field, so a file cannot smuggle in a huge shape, an
unknown dtype or a leaf count that disagrees with the tree.

>>> tree, leaves = parse_specs(spec_json(TensorSpec(("batch", 3))), "$.inputs")        # doctest: +SKIP
>>> leaves
[((None, 3), 'float32')]
"""
from __future__ import annotations

from typing import Any

from hornet.api.saving.file_errors import ModelFileError, short
from hornet.ir import pytree
from hornet.ir.dtypes import DType
from hornet.ir.tracer import TensorSpec

MAX_RANK = 64
MAX_DIM = 2**31 - 1
MAX_LEAVES = 10_000


def spec_json(specs: Any) -> dict[str, Any]:
    """The JSON form of a structure of TensorSpecs (non-integer dims become None)."""
    leaves, tree = pytree.flatten(specs)
    return {"tree": tree.to_json(),
            "leaves": [{"shape": [d if isinstance(d, int) else None for d in s.shape], "dtype": s.dtype.name}
                       for s in leaves]}


def parse_specs(obj: Any, path: str) -> tuple[pytree.TreeDef, list[tuple[tuple[int | None, ...], str]]]:
    """The tree and the (shape, dtype name) leaves of ``spec_json``'s output; ModelFileError naming ``path``."""
    if not isinstance(obj, dict) or set(obj) != {"tree", "leaves"}:
        raise ModelFileError(f"a signature must be an object with exactly 'tree' and 'leaves', got {short(obj)}",
                             path=path)
    try:
        tree = pytree.TreeDef.from_json(obj["tree"])
    except ValueError as e:
        raise ModelFileError(str(e), path=f"{path}.tree") from None
    raw = obj["leaves"]
    if not isinstance(raw, list) or len(raw) > MAX_LEAVES:
        raise ModelFileError(f"'leaves' must be a list of at most {MAX_LEAVES} specs", path=f"{path}.leaves")
    if len(raw) != tree.num_leaves or not raw:
        raise ModelFileError(f"the tree has {tree.num_leaves} leaves but {len(raw)} specs are given (at least one "
                             "is needed)", path=f"{path}.leaves")
    leaves = []
    for i, leaf in enumerate(raw):
        where = f"{path}.leaves[{i}]"
        if not isinstance(leaf, dict) or set(leaf) != {"shape", "dtype"}:
            raise ModelFileError(f"a spec must be {{'shape': [...], 'dtype': name}}, got {short(leaf)}", path=where)
        shape, dtype = leaf["shape"], leaf["dtype"]
        if not isinstance(shape, list) or not 1 <= len(shape) <= MAX_RANK or shape[0] is not None or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_DIM) for d in shape):
            raise ModelFileError(f"the shape must list 1 to {MAX_RANK} dims, each null or an integer in [0, "
                                 f"{MAX_DIM}], the first (batch) null; got {short(shape)}", path=f"{where}.shape")
        if not isinstance(dtype, str) or dtype not in DType.__members__:
            raise ModelFileError(f"unknown dtype {short(dtype)} (hornet dtypes: "
                                 f"{', '.join(d.value for d in DType)})", path=f"{where}.dtype")
        leaves.append((tuple(shape), dtype))
    return tree, leaves


def symbolic_specs(tree: pytree.TreeDef, leaves: list[tuple[tuple[int | None, ...], str]]) -> Any:
    """TensorSpecs with a symbolic batch dim (and symbols for the other None dims), in the tree's structure."""
    return pytree.unflatten(tree, [TensorSpec(("batch",) + shape[1:], dtype) for shape, dtype in leaves])


__all__ = ["spec_json", "parse_specs", "symbolic_specs"]
