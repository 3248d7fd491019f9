"""``manifest.json``: what an artifact folder holds, and the check that it still holds exactly that.

The manifest names the format, the hornet and framework versions, the inputs and outputs (names, shapes with
symbolic dims as strings such as ``"batch"``, dtypes) and the size and sha256 of every file. ``verify`` refuses a
folder whose files are missing, extra, truncated or changed, naming the file, before any of them is parsed.

>>> manifest = verify("out/onnx")                      # doctest: +SKIP
>>> manifest["inputs"][0]
{'name': 'pixels', 'shape': ['batch', 64], 'dtype': 'float32'}
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Any

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 1 << 20
_CHUNK = 1 << 20


class ArtifactError(ValueError):
    """An artifact folder that is missing, corrupt or not what its manifest says."""


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs:
            if os.path.islink(os.path.join(root, name)):
                raise ArtifactError(f"{os.path.join(root, name)}: artifacts hold no symbolic links")
        for name in files:
            full = os.path.join(root, name)
            if os.path.islink(full):
                raise ArtifactError(f"{full}: artifacts hold no symbolic links")
            rel = os.path.relpath(full, folder).replace(os.sep, "/")
            if rel != MANIFEST:
                found.append(rel)
    return sorted(found)


def write_manifest(folder: str, header: dict[str, Any]) -> dict[str, Any]:
    """Hash every file under ``folder`` and write ``manifest.json`` (``header`` plus ``files``)."""
    files = {rel: {"size": os.path.getsize(os.path.join(folder, rel)), "sha256": sha256_of(os.path.join(folder, rel))}
             for rel in _files_under(folder)}
    manifest = {**header, "files": files}
    with open(os.path.join(folder, MANIFEST), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def read_manifest(folder: str) -> dict[str, Any]:
    """The parsed manifest of ``folder`` (its structure checked, the files not yet)."""
    path = os.path.join(folder, MANIFEST)
    if not os.path.isdir(folder):
        raise ArtifactError(f"{folder}: no such artifact folder")
    if not os.path.isfile(path):
        raise ArtifactError(f"{path}: missing; an artifact folder has a manifest.json written by hornet")
    if os.path.getsize(path) > MAX_MANIFEST_BYTES:
        raise ArtifactError(f"{path}: {os.path.getsize(path)} bytes is larger than a manifest may be")
    try:
        with open(path, "rb") as f:
            manifest = json.loads(f.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ArtifactError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(manifest, dict):
        raise ArtifactError(f"{path}: must hold a JSON object")
    for key, kind in (("format", str), ("inputs", list), ("outputs", list), ("files", dict)):
        if not isinstance(manifest.get(key), kind):
            raise ArtifactError(f"{path}: field '{key}' is missing or not a {kind.__name__}")
    for where in ("inputs", "outputs"):
        for i, sig in enumerate(manifest[where]):
            if not (isinstance(sig, dict) and isinstance(sig.get("name"), str) and isinstance(sig.get("dtype"), str)
                    and isinstance(sig.get("shape"), list)
                    and all(isinstance(d, (int, str)) and not isinstance(d, bool) for d in sig["shape"])):
                raise ArtifactError(f"{path}: {where}[{i}] must be {{'name', 'shape', 'dtype'}}")
    for rel, entry in manifest["files"].items():
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and isinstance(entry.get("size"), int)):
            raise ArtifactError(f"{path}: files['{rel}'] must be {{'size', 'sha256'}}")
    return manifest


def verify(folder: str, expected_format: str | None = None) -> dict[str, Any]:
    """The manifest of ``folder`` once every file it lists is present with its recorded size and hash, and no
    other file is there."""
    manifest = read_manifest(folder)
    if expected_format is not None and manifest["format"] != expected_format:
        raise ArtifactError(f"{folder}: holds a '{manifest['format']}' artifact, not '{expected_format}'")
    listed = manifest["files"]
    present = _files_under(folder)
    for rel in listed:
        full = os.path.join(folder, rel)
        if rel.startswith("/") or ".." in rel.split("/") or rel not in present:
            raise ArtifactError(f"{full}: listed in the manifest but missing from the artifact")
        size = os.path.getsize(full)
        if size != listed[rel]["size"]:
            raise ArtifactError(f"{full}: {size} bytes, but the manifest records {listed[rel]['size']} "
                                "(truncated or replaced)")
        if sha256_of(full) != listed[rel]["sha256"]:
            raise ArtifactError(f"{full}: its sha256 does not match the manifest (the file was changed or corrupted)")
    extra = [rel for rel in present if rel not in listed]
    if extra:
        raise ArtifactError(f"{os.path.join(folder, extra[0])}: not listed in the manifest")
    return manifest
