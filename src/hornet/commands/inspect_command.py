"""``hornet inspect PATH [--ir]``: signatures, parameter count and prim histogram of a model file or graph, or
the manifest of an artifact folder (its files verified), or of every artifact under a ``hornet compile`` folder."""
from __future__ import annotations

import argparse
import os

from hornet.commands.spec_loading import program_from_spec
from hornet.commands.usage import UsageError
from hornet.export.loaders.artifact_manifest import MANIFEST, verify


def _signature_lines(inputs: list[dict], outputs: list[dict]) -> list[str]:
    def line(kind: str, s: dict) -> str:
        return f"  {kind} {s['name']}: {s['dtype']}[{','.join(str(d) for d in s['shape'])}]"

    return [line("input ", s) for s in inputs] + [line("output", s) for s in outputs]


def _artifact(folder: str) -> None:
    manifest = verify(folder)
    versions = ", ".join(f"{k} {v}" for k, v in manifest.get("frameworks", {}).items()) or "hornet only"
    print(f"{folder}: '{manifest['format']}' artifact of model '{manifest.get('name', '?')}' (hornet "
          f"{manifest.get('hornet_version', '?')}; {versions})")
    print("\n".join(_signature_lines(manifest["inputs"], manifest["outputs"])))
    if "parameters" in manifest:
        print(f"  parameters: {manifest['parameters']:,}")
    for key in ("platforms", "opset", "calling_convention_version"):
        if key in manifest:
            print(f"  {key}: {manifest[key]}")
    print(f"  files ({len(manifest['files'])}, sha256 verified): "
          + ", ".join(f"{rel} {e['size']} B" for rel, e in sorted(manifest["files"].items())[:12])
          + (" ..." if len(manifest["files"]) > 12 else ""))


def run(args: argparse.Namespace) -> int:
    path = args.path
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, MANIFEST)):
            _artifact(path)
            return 0
        subs = sorted(d for d in os.listdir(path) if os.path.isfile(os.path.join(path, d, MANIFEST)))
        if not subs:
            raise UsageError(f"{path}: a folder without a manifest.json, and no artifact folders inside it")
        for d in subs:
            _artifact(os.path.join(path, d))
        return 0
    with program_from_spec(path) as (program, _):
        graph = program.graph
        print(f"model '{program.name}'")
        print("\n".join(_signature_lines(*[[s.to_json() for s in sigs] for sigs in (program.inputs, program.outputs)])))
        print(f"  parameters: {program.parameter_count():,} in {len(program.state)} arrays")
        counts = graph.prim_counts()
        print(f"  {sum(counts.values())} nodes, {len(graph.constants)} constants; prims: "
              + ", ".join(f"{k}×{v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))
        if args.ir:
            print()
            print(graph)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="print a model's or artifact's signatures, parameters and prims",
                       description="Print the signatures, parameter count and prim histogram of a .hornet model "
                                   "file or .graph.json, or the verified manifest of an artifact folder.")
    p.add_argument("path", help="a .hornet file, a .graph.json, an artifact folder, or a `hornet compile` folder")
    p.add_argument("--ir", action="store_true", help="also print the IR as text")
    p.set_defaults(run=run)
