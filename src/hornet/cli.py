"""The ``hornet`` command: inspect and compile serialized hornet graphs and saved models.

    hornet inspect model.graph.json             # the IR as text, with prim counts
    hornet compile model.graph.json -o out/     # StableHLO text + a serialized jax.export artifact
    hornet compile model.hornet -o out/         # a saved model's forward pass, weights baked in
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from hornet.ir.errors import HornetError


class UsageError(HornetError):
    """A wrong command-line argument (exit code 2)."""


def _load(path: str):
    from hornet.ir.graph import Graph

    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{path}: no such file")
    if p.suffix in (".hornet", ".keras"):
        return _model_forward(path)
    from hornet.ir.serialize import MAX_TEXT_SIZE

    if p.stat().st_size > MAX_TEXT_SIZE:
        raise HornetError(f"{path}: {p.stat().st_size} bytes is larger than a graph file may be ({MAX_TEXT_SIZE})")
    return Graph.from_json(p.read_bytes())


def _model_forward(path: str):
    """The inference graph of a saved model, its variables turned into constants (no Python classes needed)."""
    from hornet.api.saving.graph_model import GraphModel
    from hornet.api.saving.model_file import read_entries

    model = GraphModel.from_entries(read_entries(path), path, missing="")
    graph = model.graph
    n = len(model.input_specs)
    for value, array in zip(graph.inputs[n:], model._state):
        graph.constants[value] = array
    graph.inputs = graph.inputs[:n]
    return graph


def _inspect(args: argparse.Namespace) -> int:
    graph = _load(args.graph)
    print(graph)
    counts = graph.prim_counts()
    print(f"\n{sum(counts.values())} nodes, {len(graph.constants)} constants; prims: "
          + ", ".join(f"{k}×{v}" for k, v in sorted(counts.items())))
    return 0


def _compile(args: argparse.Namespace) -> int:
    from hornet.runtime.backend import get_backend

    graph = _load(args.graph)
    lowered = get_backend("jax").lower(graph)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(args.graph).name.removesuffix(".json").removesuffix(".graph").removesuffix(".hornet")
    (out / f"{stem}.mlir").write_text(lowered.as_text())
    (out / f"{stem}.jax_export").write_bytes(lowered.serialize())
    print(f"wrote {out / (stem + '.mlir')} and {out / (stem + '.jax_export')}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hornet", description="Inspect and compile hornet graphs.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inspect", help="print a serialized graph as readable IR")
    p.add_argument("graph", help="a .graph.json file written by Graph.to_json(), or a .hornet model file")
    p.set_defaults(run=_inspect)
    p = sub.add_parser("compile", help="lower a serialized graph to StableHLO and a jax.export artifact")
    p.add_argument("graph", help="a .graph.json file written by Graph.to_json(), or a .hornet model file")
    p.add_argument("-o", "--output", default=".", help="output folder (default: current folder)")
    p.set_defaults(run=_compile)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as e:
        print(f"hornet {args.command}: error: {e}", file=sys.stderr)
        return 2
    except (HornetError, OSError) as e:  # every loader error is a HornetError: no traceback for a bad file
        print(f"hornet {args.command}: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
