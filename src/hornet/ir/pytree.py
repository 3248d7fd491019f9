"""Minimal pytrees: nested tuples, lists, dicts (sorted keys) and None, with a JSON-able tree description."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence


@dataclass(frozen=True)
class TreeDef:
    kind: str  # "leaf", "none", "tuple", "list", "dict"
    children: tuple["TreeDef", ...] = ()
    keys: tuple[Any, ...] = ()

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)

    def to_json(self) -> Any:
        if self.kind in ("leaf", "none"):
            return self.kind
        out: dict[str, Any] = {"kind": self.kind, "children": [c.to_json() for c in self.children]}
        if self.kind == "dict":
            out["keys"] = list(self.keys)
        return out

    @staticmethod
    def from_json(obj: Any) -> "TreeDef":
        if obj in ("leaf", "none"):
            return TreeDef(obj)
        if not isinstance(obj, dict) or obj.get("kind") not in ("tuple", "list", "dict"):
            raise ValueError(f"malformed tree description {obj!r}")
        children = tuple(TreeDef.from_json(c) for c in obj.get("children", []))
        keys = tuple(obj.get("keys", ())) if obj["kind"] == "dict" else ()
        if obj["kind"] == "dict" and len(keys) != len(children):
            raise ValueError("dict tree description has mismatched keys and children")
        return TreeDef(obj["kind"], children, keys)


LEAF = TreeDef("leaf")


def flatten(tree: Any) -> tuple[list[Any], TreeDef]:
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves)


def _flatten(x: Any, leaves: list[Any]) -> TreeDef:
    if x is None:
        return TreeDef("none")
    if isinstance(x, tuple) and not hasattr(x, "_fields"):
        return TreeDef("tuple", tuple(_flatten(c, leaves) for c in x))
    if isinstance(x, list):
        return TreeDef("list", tuple(_flatten(c, leaves) for c in x))
    if isinstance(x, dict):
        keys = tuple(sorted(x, key=repr))
        return TreeDef("dict", tuple(_flatten(x[k], leaves) for k in keys), keys)
    leaves.append(x)
    return LEAF


def unflatten(tree: TreeDef, leaves: Sequence[Any]) -> Any:
    it = iter(leaves)
    out = _unflatten(tree, it)
    return out


def _unflatten(t: TreeDef, it) -> Any:
    if t.kind == "leaf":
        return next(it)
    if t.kind == "none":
        return None
    kids = [_unflatten(c, it) for c in t.children]
    if t.kind == "tuple":
        return tuple(kids)
    if t.kind == "list":
        return kids
    return dict(zip(t.keys, kids))


def tree_map(fn, tree: Any) -> Any:
    leaves, t = flatten(tree)
    return unflatten(t, [fn(x) for x in leaves])
