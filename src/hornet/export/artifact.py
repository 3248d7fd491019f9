"""Write one format's artifact folder: the format's files and a ``manifest.json`` describing and hashing them.

The folder is built beside its destination and moved into place only once complete, so a failed export never
leaves a half-written artifact, and an artifact already at the destination is kept until the new one is whole.

>>> write_artifact(program, "out/onnx", "onnx")          # doctest: +SKIP
{'format': 'onnx', ...}
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any, Callable

import hornet
from hornet.export import formats
from hornet.export.loaders.artifact_manifest import write_manifest
from hornet.export.program import InferenceProgram


def write_artifact(program: InferenceProgram, folder: str, fmt: str) -> dict[str, Any]:
    """Write ``program`` as format ``fmt`` into ``folder`` (replacing what is there); returns the manifest."""
    fmt = formats.canonical(fmt)
    writer = formats.module(fmt)

    def write(staging: str) -> dict[str, Any]:
        extra = writer.write(program, staging) or {}
        return {"format": fmt, "name": program.name, "frameworks": formats.framework_versions(fmt),
                **program.signature_json(), "parameters": program.parameter_count(), **extra}

    return write_folder(folder, write)


def write_folder(folder: str, write: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """Run ``write(staging_folder)`` (which writes the files and returns the manifest header), hash the files
    into ``manifest.json`` and move the folder into place; returns the manifest."""
    folder = os.path.abspath(os.fspath(folder))
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise FileExistsError(f"{folder} exists and is not a folder; an artifact is a folder")
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(folder)}.", dir=parent)
    try:
        header = write(staging)
        manifest = write_manifest(staging, {"hornet_version": hornet.__version__, **header})
        _replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _replace(staging: str, folder: str) -> None:
    if not os.path.exists(folder):
        os.rename(staging, folder)
        return
    old = folder + ".old"
    shutil.rmtree(old, ignore_errors=True)
    os.rename(folder, old)
    os.rename(staging, folder)
    shutil.rmtree(old, ignore_errors=True)


def artifact_size(folder: str, manifest: dict[str, Any]) -> int:
    return sum(entry["size"] for entry in manifest["files"].values())
