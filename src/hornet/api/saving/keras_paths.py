"""Where Keras 3 keeps each object's variables in a weights file: hornet objects laid out as Keras walks its own.

Keras visits a model depth first: an object's own variables go to ``<path>/vars/<i>`` (a layer's trainable then
non-trainable variables in creation order, an optimizer's ``variables``), then its children, found among its
attributes in sorted order with private (``_``) names last. A child layer or optimizer is stored under the
attribute's name; a list, tuple or dict of them under ``<attribute>/<snake_case class name>`` numbered
``_1``, ``_2``... per class (``layers/dense``, ``layers/dense_1``), nested containers as ``container``. A
Sequential or functional model's ``layers`` come first. An object reached twice is stored once, where it was
first reached. hornet's layers keep Keras's attribute names (``cell``, ``query_dense``...), so the same walk
over them gives Keras's paths.

>>> [p for p, _ in saveables(model)]                   # doctest: +SKIP
['', 'layers/dense', 'layers/dense_1', 'optimizer']
"""
from __future__ import annotations

from typing import Any, Iterator

from hornet.api.layers.naming import snake_case

_SKIP: dict[str, frozenset[str]] = {}


def _is_saveable(obj: Any) -> bool:
    from hornet.api.layers.layer import Layer
    from hornet.api.optimizers.base import Optimizer

    return isinstance(obj, (Layer, Optimizer))


def own_variables(obj: Any) -> list[Any]:
    """The variables Keras stores under the object's own ``vars`` group, in Keras's order."""
    from hornet.api.optimizers.base import Optimizer

    if isinstance(obj, Optimizer):
        return list(obj.variables) if obj.built else []
    return list(obj._trainable_variables) + list(obj._non_trainable_variables)


def _skipset(kind: str) -> frozenset[str]:
    """The attributes of a bare base object, never walked (as Keras skips its base classes' attributes)."""
    if kind not in _SKIP:
        from hornet.api.layers.layer import Layer

        probe = Layer(name="attribute_probe")
        names = set(dir(probe))
        if kind == "Functional":
            names |= {"_functional_layers", "_nodes", "operations", "_operations"}
        if kind == "Sequential":
            names |= {"_functional", "_input_layer"}
        _SKIP[kind] = frozenset(names)
    return _SKIP[kind]


def _kind(obj: Any) -> str:
    from hornet.api.models.functional import Functional
    from hornet.api.models.sequential import Sequential
    from hornet.api.optimizers.base import Optimizer

    if isinstance(obj, Sequential):
        return "Sequential"
    if isinstance(obj, Functional):
        return "Functional"
    return "Optimizer" if isinstance(obj, Optimizer) else "Layer"


def _children(obj: Any) -> Iterator[tuple[str, Any]]:
    kind = _kind(obj)
    if kind in ("Sequential", "Functional"):
        yield "layers", list(obj.layers)
    if kind == "Optimizer":
        return  # an optimizer's variables are all its own
    skip = _skipset(kind)
    for name in sorted(dir(obj), key=lambda n: "~" + n if n.startswith("_") else n):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # a property that can't be computed here holds nothing to save
            continue
        yield name, value


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def saveables(model: Any) -> list[tuple[str, Any]]:
    """``(path, object)`` for the model and every layer and optimizer below it, in Keras's visiting order."""
    out: list[tuple[str, Any]] = []
    visited: set[int] = set()

    def visit(obj: Any, path: str) -> None:
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        for name, child in _children(obj):
            if _is_saveable(child):
                visit(child, _join(path, name))
            elif isinstance(child, (list, tuple, dict)):
                container(child, _join(path, name), set())

    def container(items: Any, path: str, seen: set[int]) -> None:
        if id(items) in seen:
            return
        seen.add(id(items))
        used: dict[str, int] = {}
        for item in (items.values() if isinstance(items, dict) else items):
            if _is_saveable(item):
                visit(item, _join(path, _unique(snake_case(type(item).__name__), used)))
            elif isinstance(item, (list, tuple, dict)):
                container(item, _join(path, _unique("container", used)), seen)

    visit(model, "")
    return out


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def vars_group(path: str) -> str:
    """The H5 group of an object's own variables."""
    return _join(path, "vars")


__all__ = ["saveables", "own_variables", "vars_group"]
