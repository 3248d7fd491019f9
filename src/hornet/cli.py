"""The ``hornet`` command: export models to deployable formats, inspect models and artifacts, run them.

    hornet compile examples/digits.py:make_model -o out/     # out/<format>/ for every format, each checked
    hornet compile model.hornet -o out/ --format onnx,torch
    hornet inspect out/onnx                                  # a verified artifact's signature and files
    hornet inspect model.hornet --ir                         # signatures, parameters, prims, the IR text
    hornet run out/onnx --input x.npy -o y.npy               # an artifact on its own framework
    hornet compile job.py:make_compiled_model --train -o job # the whole train step, then, without the code:
    hornet train job --data d.npz --epochs 3 --batch-size 32 -o trained.hornet

Exit codes: 0 success, 2 a wrong argument, 1 a failure; errors are one message, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from hornet.commands import compile_command, inspect_command, run_command, train_command
from hornet.commands.usage import UsageError
from hornet.export.formats import MissingFrameworkError, UnknownFormatError
from hornet.export.loaders.artifact_manifest import ArtifactError
from hornet.ir.errors import HornetError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hornet", description="Export, inspect and run hornet models.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (compile_command, inspect_command, run_command, train_command):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # this command's own process: TF's start-up chatter off
    try:
        return args.run(args)
    except (UsageError, UnknownFormatError, MissingFrameworkError) as e:
        print(f"hornet {args.command}: error: {e}", file=sys.stderr)
        return 2
    except (HornetError, ArtifactError, OSError, ValueError, TypeError) as e:  # loader errors name the file
        print(f"hornet {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"hornet {args.command}: interrupted", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
