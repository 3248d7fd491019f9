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
    def from_json(obj: Any, max_depth: int = 64) -> "TreeDef":
        """Parse ``to_json``'s output strictly (a ValueError for anything else, never another exception)."""
        if max_depth < 0:
            raise ValueError("tree description is nested too deeply")
        if isinstance(obj, str) and obj in ("leaf", "none"):
            return TreeDef(obj)
        if not isinstance(obj, dict) or obj.get("kind") not in ("tuple", "list", "dict"):
            raise ValueError(f"malformed tree description {_short(obj)}")
        allowed = {"kind", "children", "keys"} if obj["kind"] == "dict" else {"kind", "children"}
        children = obj.get("children", [])
        if set(obj) - allowed or not isinstance(children, list):
            raise ValueError(f"malformed tree description {_short(obj)}")
        kids = tuple(TreeDef.from_json(c, max_depth - 1) for c in children)
        keys: tuple[Any, ...] = ()
        if obj["kind"] == "dict":
            raw = obj.get("keys")
            if not isinstance(raw, list) or len(raw) != len(kids):
                raise ValueError("dict tree description has mismatched keys and children")
            if not all(k is None or isinstance(k, (str, int, float, bool)) for k in raw) or len(set(raw)) != len(raw):
                raise ValueError(f"dict tree description has invalid or repeated keys {_short(raw)}")
            keys = tuple(raw)
        return TreeDef(obj["kind"], kids, keys)


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 80 else text[:80] + "..."


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
