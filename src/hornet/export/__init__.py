"""Deployable artifacts made from the IR: one model, every format, each checked against the model.

``model.export(path, format=...)`` writes one format's folder at ``path``; ``hornet compile`` writes
``OUTDIR/<format>/`` for several. Every folder has a ``manifest.json`` (format, versions, signature with
symbolic dims, sha256 of every file). Formats: ``hornet`` (the portable bundle), ``stablehlo``,
``tf_saved_model``, ``torch`` (``torch.export``) and ``onnx``.

>>> model.export("served", format="tf_saved_model")          # doctest: +SKIP
>>> hornet.export.export_model(model, "out/onnx", "onnx")     # the same, as a function
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any, Iterator

from hornet.export.artifact import artifact_size, write_artifact
from hornet.export.formats import FORMATS, MissingFrameworkError, UnknownFormatError, canonical, resolve
from hornet.export.program import InferenceProgram, Signature


@contextlib.contextmanager
def program_of(model: Any) -> Iterator[InferenceProgram]:
    """The inference program of a live model (saved to a temporary ``.hornet`` file first, so that every format
    is made from exactly what that file holds), of a model loaded from its IR alone, or of a model file path."""
    if isinstance(model, (str, os.PathLike)):
        yield InferenceProgram.from_model_file(os.fspath(model))
        return
    source = getattr(model, "filepath", None)
    if type(model).__name__ == "GraphModel" and source:
        yield InferenceProgram.from_model_file(source)
        return
    with tempfile.TemporaryDirectory(prefix="hornet-export-") as tmp:
        path = os.path.join(tmp, f"{getattr(model, 'name', 'model') or 'model'}.hornet")
        model.save(path)
        yield InferenceProgram.from_model_file(path)


def export_model(model: Any, filepath: str, format: str = "tf_saved_model") -> dict[str, Any]:
    """Write ``model`` as one format's artifact folder at ``filepath``; returns its manifest."""
    fmt = canonical(format)
    with program_of(model) as program:
        return write_artifact(program, filepath, fmt)


__all__ = ["export_model", "program_of", "write_artifact", "artifact_size", "InferenceProgram", "Signature",
           "FORMATS", "resolve", "canonical", "UnknownFormatError", "MissingFrameworkError"]
