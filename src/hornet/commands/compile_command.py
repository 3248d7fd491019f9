"""``hornet compile SPEC -o OUTDIR [--format ...]``: write ``OUTDIR/<format>/`` for each format, print what was
written with sizes, and check each artifact against the model in a fresh process."""
from __future__ import annotations

import argparse
import os
import time

from hornet.commands.spec_loading import program_from_spec
from hornet.commands.usage import UsageError
from hornet.export import artifact_size, formats, write_artifact
from hornet.export.check import check_artifact

DEFAULT_FORMATS = tuple(formats.FORMATS)


def _requested(text: str | None) -> tuple[list[str], bool]:
    """The formats to write (``hornet`` always among them) and whether the user named them."""
    if text is None:
        return list(DEFAULT_FORMATS), False
    names = [n for n in text.split(",") if n.strip()]
    try:
        chosen = formats.resolve(names + ["hornet"])
    except formats.UnknownFormatError as e:
        raise UsageError(f"--format: {e}") from None
    return chosen, True


def _human(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _train(args: argparse.Namespace) -> int:
    from hornet.commands.spec_loading import model_from_spec
    from hornet.export.train_program import export_train_step

    if args.format is not None:
        raise UsageError("--format does not apply with --train (it writes one train-step folder)")
    model = model_from_spec(args.spec, args.input_shape, args.dtype)
    start = time.perf_counter()
    manifest = export_train_step(model, args.output)
    print(f"wrote {args.output}/ (train step of '{model.name}': {len(manifest['state'])} state arrays, "
          f"{_human(artifact_size(args.output, manifest))}, {time.perf_counter() - start:.1f} s); run it with "
          f"`hornet train {args.output} --data d.npz --epochs N -o trained.hornet`")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.train:
        return _train(args)
    chosen, explicit = _requested(args.format)
    usable = []
    for fmt in chosen:
        try:
            formats.module(fmt)
            usable.append(fmt)
        except formats.MissingFrameworkError as e:
            if explicit:
                raise UsageError(str(e)) from None
            print(f"skipped {fmt}: {e}")
    failures = 0
    with program_from_spec(args.spec, args.input_shape, args.dtype) as (program, dims):
        print(f"model '{program.name}': " + ", ".join(map(str, program.inputs))
              + f" -> {len(program.outputs)} output(s), {program.parameter_count():,} parameters")
        for fmt in usable:
            folder = os.path.join(args.output, fmt)
            start = time.perf_counter()
            manifest = write_artifact(program, folder, fmt)
            seconds = time.perf_counter() - start
            files = ", ".join(f"{rel} {_human(e['size'])}" for rel, e in sorted(manifest["files"].items())
                              if "/" not in rel) or "no top-level files"
            print(f"wrote {folder}/ ({_human(artifact_size(folder, manifest))} in {len(manifest['files'])} files, "
                  f"{seconds:.1f} s): {files}")
            if args.no_check:
                continue
            result = check_artifact(folder, program, fmt, dims, batch_sizes=(1, 3))
            print(f"  check {fmt}: {'reproduces the model' if result.ok else 'FAILED'} ({result.detail})")
            failures += not result.ok
    if failures:
        print(f"{failures} artifact(s) did not reproduce the model")
        return 1
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compile", help="export a model to deployable formats, each checked against the model",
                       description="Export a model to OUTDIR/<format>/ for each format, each with a manifest.json, "
                                   "and check that each artifact reproduces the model on random input (run in a "
                                   "fresh process by the format's own runtime).")
    p.add_argument("spec", help="path/to/file.py:factory (a callable returning a model), a .hornet model file, or a "
                                ".graph.json graph")
    p.add_argument("-o", "--output", required=True, help="output folder")
    p.add_argument("--format", help=f"comma-separated formats (default: all of {','.join(DEFAULT_FORMATS)} whose "
                                    "framework is installed); 'hornet' is always written")
    p.add_argument("--input-shape", action="append", metavar="NAME=DIMS",
                   help="dims after the batch dim of an input, e.g. pixels=28,28,1 (repeatable); needed for a model "
                        "never called and for inputs with unknown dims")
    p.add_argument("--dtype", action="append", metavar="[NAME=]DTYPE",
                   help="input dtype used to build a never-called model (default float32)")
    p.add_argument("--no-check", action="store_true", help="don't run the artifacts to check them")
    p.add_argument("--train", action="store_true",
                   help="export the compiled model's whole train step instead (for `hornet train`)")
    p.set_defaults(run=run)
