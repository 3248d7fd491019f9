"""``LayoutMap``: regex keys -> ``TensorLayout``s, looked up by variable path (``dense_a/kernel``).

A key equal to the path wins; otherwise every key is a regex that must match the whole path (``re.fullmatch``),
and a path matched by two keys is an error. Unlike Keras, which silently replicates a variable whose rule
matches nothing, hornet reports a rule that matched no variable (``unmatched_error``) when a step is compiled.

>>> layout_map = LayoutMap(DeviceMesh((2, 4), ("batch", "model"), [f"cpu:{i}" for i in range(8)]))
>>> layout_map[".*kernel"] = (None, "model")
>>> layout_map["dense_a/kernel"].axes
(None, 'model')
"""
from __future__ import annotations

import collections
import collections.abc
import difflib
import re
from typing import Any, Iterable, Iterator

from hornet.api.distribution.mesh import DeviceMesh, TensorLayout


class LayoutMap(collections.abc.MutableMapping):
    """A dict of layouts whose string keys are regexes over variable paths. A tuple value is a shortcut for
    ``TensorLayout(axes)``; layouts without a mesh get this map's ``device_mesh``.

    >>> layout_map = LayoutMap(mesh)                          # doctest: +SKIP
    >>> layout_map["dense_.*/kernel"] = (None, "model")
    >>> layout_map["dense_.*/bias"] = ("model",)
    """

    def __init__(self, device_mesh: DeviceMesh):
        self._layout_map: "collections.OrderedDict[str, TensorLayout]" = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key: str) -> TensorLayout | None:
        """The layout for path ``key`` (exact key, else the one regex key that fully matches), or None."""
        if key in self._layout_map:
            return self._layout_map[key]
        matches = self.matching_keys(key)
        if len(matches) > 1:
            raise ValueError(f"LayoutMap: path '{key}' matches multiple layout specification keys: {matches}. "
                             "Make sure each variable path matches at most one key of the LayoutMap.")
        return self._layout_map[matches[0]] if matches else None

    def matching_keys(self, path: str) -> list[str]:
        """The keys whose regex matches the whole of ``path``."""
        return [k for k in self._layout_map if re.fullmatch(k, path)]

    def __setitem__(self, key: str, layout: Any) -> None:
        if key in self._layout_map:
            raise ValueError(f"LayoutMap: {key!r} already exists with value {self._layout_map[key]}; keys must "
                             "not be duplicated")
        try:
            re.compile(key)
        except re.error as e:
            raise ValueError(f"LayoutMap: key {key!r} is not a valid regular expression ({e})") from None
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(axes=tuple(layout), device_mesh=None)
        if not isinstance(layout, TensorLayout):
            raise ValueError(f"LayoutMap: the value for {key!r} should be a TensorLayout or a tuple of axis "
                             f"names, got {layout!r} of type {type(layout).__name__}")
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layout_map[key] = layout

    def __delitem__(self, key: str) -> None:
        self._layout_map.pop(key)

    def __len__(self) -> int:
        return len(self._layout_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout_map)

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    def unmatched_error(self, paths: Iterable[str]) -> ValueError | None:
        """An error naming each key that matches none of ``paths`` and the paths it could have meant, or None."""
        paths = sorted(set(paths))
        unmatched = [k for k in self._layout_map if k not in paths and not any(re.fullmatch(k, p) for p in paths)]
        if not unmatched:
            return None
        lines = []
        for key in unmatched:
            near = difflib.get_close_matches(key, paths, n=5, cutoff=0.0) or paths[:5]
            lines.append(f"  rule {key!r} could have meant: {', '.join(repr(p) for p in near) or '(no variables)'}")
        return ValueError("LayoutMap: these rules match no variable path (rules must match the whole path, as "
                          "re.fullmatch; Keras would silently replicate those variables):\n" + "\n".join(lines))


__all__ = ["LayoutMap"]
