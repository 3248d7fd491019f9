"""Verify an artifact folder against its manifest and run it with its own framework, without hornet.

As a script (what ``hornet compile`` runs in a fresh process to check what it wrote)::

    python run_artifact.py OUT/onnx inputs.npz outputs.npz [inputs2.npz outputs2.npz ...]

Each inputs file holds one array per manifest input, by name; its outputs file receives one per output.

>>> manifest, run = open_artifact("out/onnx")          # doctest: +SKIP
>>> outputs = run([x])
"""
from __future__ import annotations

import importlib
import sys
from typing import Any, Callable

import numpy as np

try:
    from . import artifact_manifest
except ImportError:  # run as a script: this folder is on sys.path and hornet is not imported
    import artifact_manifest  # type: ignore[no-redef]

ArtifactError = artifact_manifest.ArtifactError

# format -> the module (beside this one) that loads it with the format's own framework
LOADERS = {"stablehlo": "load_stablehlo", "torch": "load_torch", "onnx": "load_onnx",
           "tf_saved_model": "load_tf_saved_model"}


def _loader(fmt: str) -> Any:
    if fmt not in LOADERS:
        raise ArtifactError(f"format '{fmt}' has no framework loader here (known: {', '.join(sorted(LOADERS))}); "
                            "a 'hornet' bundle is opened with hornet.models.load_model")
    name = LOADERS[fmt]
    return importlib.import_module(f"{__package__}.{name}" if __package__ else name)


def check_inputs(manifest: dict[str, Any], inputs: list[Any]) -> list[np.ndarray]:
    """The inputs as arrays of the manifest's dtypes, or an error naming the input and what it expects."""
    specs = manifest["inputs"]
    if len(inputs) != len(specs):
        raise ArtifactError(f"the artifact takes {len(specs)} inputs ({', '.join(s['name'] for s in specs)}), "
                            f"got {len(inputs)}")
    out = []
    for spec, x in zip(specs, inputs):
        x = np.asarray(x)
        want = spec["shape"]
        if x.ndim != len(want) or any(isinstance(w, int) and w != d for w, d in zip(want, x.shape)):
            raise ArtifactError(f"input '{spec['name']}' expects shape {want}, got {list(x.shape)}")
        if x.dtype != np.dtype(spec["dtype"]):
            if not np.can_cast(x.dtype, spec["dtype"], casting="same_kind"):
                raise ArtifactError(f"input '{spec['name']}' expects {spec['dtype']}, got {x.dtype}")
            x = x.astype(spec["dtype"])
        out.append(np.ascontiguousarray(x))
    return out


def open_artifact(folder: str, expected_format: str | None = None
                  ) -> tuple[dict[str, Any], Callable[[list[Any]], list[np.ndarray]]]:
    """The verified manifest of ``folder`` and a function running the artifact on a list of arrays."""
    manifest = artifact_manifest.verify(folder, expected_format)
    inner = _loader(manifest["format"]).load(folder, manifest)

    def run(inputs: list[Any]) -> list[np.ndarray]:
        return inner(check_inputs(manifest, inputs))

    return manifest, run


def main(argv: list[str]) -> int:
    if len(argv) < 3 or len(argv) % 2 != 1:
        print("usage: python run_artifact.py FOLDER INPUTS.npz OUTPUTS.npz [INPUTS.npz OUTPUTS.npz ...]",
              file=sys.stderr)
        return 2
    folder, pairs = argv[0], list(zip(argv[1::2], argv[2::2]))
    try:
        manifest, run = open_artifact(folder)
        for inputs_path, outputs_path in pairs:
            with np.load(inputs_path, allow_pickle=False) as data:
                missing = [s["name"] for s in manifest["inputs"] if s["name"] not in data.files]
                if missing:
                    raise ArtifactError(f"{inputs_path}: no array named {', '.join(missing)}")
                inputs = [data[s["name"]] for s in manifest["inputs"]]
            outputs = run(inputs)
            np.savez(outputs_path, **{s["name"]: o for s, o in zip(manifest["outputs"], outputs)})
    except ArtifactError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
