"""The export formats: one module per format, imported only when that format is written.

A format module defines ``write(program, folder)``, which writes the format's files into an empty folder; the
table below also names the frameworks it needs (for the error when one is missing, and the versions recorded in
the manifest). The manifest is written around it (``hornet.export.artifact``).
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
from typing import Any, Sequence

# name -> (module, the frameworks it imports); the order is the order `hornet compile` writes them in
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hornet": ("hornet.export.bundle", ()),
    "stablehlo": ("hornet.export.stablehlo", ("jax",)),
    "tf_saved_model": ("hornet.export.saved_model", ("jax", "tensorflow")),
    "torch": ("hornet.export.torch_program", ("torch",)),
    "onnx": ("hornet.export.onnx_model", ("onnx", "onnxruntime")),
}
ALIASES = {"saved_model": "tf_saved_model", "savedmodel": "tf_saved_model", "pt2": "torch"}
# import name -> the extra that installs it
_EXTRAS = {"jax": "jax", "tensorflow": "tensorflow", "torch": "torch", "onnx": "onnx", "onnxruntime": "onnx"}
_NOT_YET = {"openvino": "OpenVINO", "litert": "LiteRT", "tflite": "LiteRT"}


class UnknownFormatError(ValueError):
    """An export format hornet does not write."""


def known_formats() -> str:
    return ", ".join(FORMATS) + " (and 'saved_model' for tf_saved_model)"


def canonical(name: str) -> str:
    """The format's canonical name, or an error naming the known formats."""
    key = str(name).strip().lower()
    key = ALIASES.get(key, key)
    if key in FORMATS:
        return key
    if key in _NOT_YET:
        raise UnknownFormatError(f"hornet does not export {_NOT_YET[key]} ('{name}'); it exports {known_formats()}. "
                                 "ONNX ('onnx') loads in most runtimes that read other formats")
    raise UnknownFormatError(f"unknown export format '{name}'; hornet exports {known_formats()}")


def resolve(names: Sequence[str]) -> list[str]:
    """Canonical, de-duplicated format names in ``FORMATS`` order."""
    wanted = {canonical(n) for n in names}
    return [f for f in FORMATS if f in wanted]


def module(fmt: str) -> Any:
    """The format's module, once its frameworks are known to be installed (without importing them first)."""
    mod_name, frameworks = FORMATS[canonical(fmt)]
    missing = [f for f in frameworks if importlib.util.find_spec(f) is None]
    if missing:
        extras = sorted({_EXTRAS.get(f, f) for f in missing})
        raise MissingFrameworkError(f"the '{fmt}' format needs {', '.join(missing)}, which is not installed: "
                                    f"pip install 'hornet[{','.join(extras)}]'")
    return importlib.import_module(mod_name)


class MissingFrameworkError(ImportError):
    """A format whose framework is not installed in this environment."""


def framework_versions(fmt: str) -> dict[str, str]:
    """Installed versions of the frameworks a format needs (recorded in its manifest)."""
    out = {}
    for name in FORMATS[canonical(fmt)][1]:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out
