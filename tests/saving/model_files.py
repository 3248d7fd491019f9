"""Reading and rewriting model-file members in tests: ``write`` re-signs hornet.json's manifest (sizes and
sha256), so that an edited member reaches the parser behind the integrity check."""
from __future__ import annotations

import hashlib
import json
import warnings
import zipfile


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def sign(entries: dict[str, bytes]) -> dict[str, bytes]:
    """``entries`` with hornet.json's manifest recomputed for the other members (when it has one)."""
    if "hornet.json" not in entries:
        return entries
    try:
        meta = json.loads(entries["hornet.json"])
    except ValueError:
        return entries
    if not isinstance(meta, dict) or "members" not in meta:
        return entries
    meta["members"] = {name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                       for name, data in entries.items() if name != "hornet.json"}
    return {**entries, "hornet.json": json.dumps(meta).encode()}


def write(path, entries: dict[str, bytes], extra=(), signed: bool = True):
    """A zip of ``entries`` (plus ``extra`` (name, data) pairs, duplicates allowed) at ``path``."""
    entries = sign(entries) if signed else entries
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w") as z:
            for name, data in list(entries.items()) + list(extra):
                z.writestr(name, data)
    return path
