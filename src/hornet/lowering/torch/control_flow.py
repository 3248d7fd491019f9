"""torch rules: control-flow prims. Regions arrive as callables in ``regions=`` (each returns the list of the
region's outputs).

Two modes, chosen per call by ``torch.compiler.is_compiling()``:

Run directly (eager ops, graphs run by hornet's interpreter, and a graph's FX module run as it is) the prims are
Python control flow over the region callables: ``cond`` and ``while_loop`` read their predicate back from the
device once per decision, as PyTorch's own eager code does. ``scan`` with a static length runs its body once per
step and stacks the ys, so it never reads anything back; under ``make_fx`` it unrolls into straight-line ATen ops.

Traced by Dynamo (``jit_compile=True``: ``torch.compile(..., fullgraph=True)``) reading a predicate back would
break the graph, so the data-dependent prims become PyTorch's structured control flow, which Inductor compiles
into the same program:

- ``cond`` -> ``torch.cond(index >= 1, regions[1], regions[0], operands)``. ``index >= 1`` is the clamp into
  [0, 1] (an index below 0 takes branch 0, one above 1 takes branch 1); ``ops.switch`` with more branches
  already nests two-region conds.
- ``while_loop`` -> ``torch._higher_order_ops.while_loop(cond_fn, body_fn, carry)``; the consts are closed over
  (Dynamo lifts them into the loop's additional inputs), so only the carry is carried.
- ``scan`` (static length) is unrolled, the same code as the direct mode, when shorter than
  ``SCAN_HOP_MIN_LENGTH`` (32) steps, else ``torch._higher_order_ops.scan(combine, carry, xs, reverse=...)``
  with the consts closed over (a dummy scalar carry / ``arange(length)`` input stands in for an empty carry /
  xs, which the HOP refuses; length 0 never reaches the HOP). Unrolling grows the graph, the HOP does not:
  measured on 2 shared CPU cores for a 4x16 elementwise RNN-style cell (``tanh(h * w + x * u + sin(h))``,
  ys ``h * 2``), compile time of the whole program (Inductor caches off, Inductor warmed up) / run time per call:

  ======  ==================  ==================
  steps   unrolled            scan HOP
  ======  ==================  ==================
  5       1.0 s / 65 us       1.4 s / 95 us
  20      1.8 s / 75 us       1.4 s / 163 us
  50      4.2 s / 123 us      1.5 s / 316 us
  100     8.2 s / 167 us      1.4 s / 547 us
  300     42.6 s / 645 us     2.2 s / 1480 us     (machine under load)
  ======  ==================  ==================

  Unrolled compile time grows about 0.08 s per step, the HOP's stays flat; the unrolled program runs 1.5-3x
  faster (no per-step subgraph call). Below 32 steps unrolling costs at most about a second more compile time
  for the faster program; from 32 steps the HOP's flat compile time wins.

Higher-order ops reject subgraphs whose outputs alias their inputs (a branch returning an operand unchanged, a
loop body passing a carry through, a reshape of an input) or each other ("Encountered aliasing during higher
order op tracing"), and ``while_loop`` / ``scan`` need the body's outputs to match the carry's strides
("Expected body_fn_output and carried_inputs to have same metadata ... differ in 'stride'", e.g. a body that
transposes a square carry). So every output leaving a subgraph is a contiguous copy (``_dense``), and the carry
enters dense; Inductor fuses the copy into the kernel computing the value, so only a genuine pass-through or
re-layout costs a copy. Regions always return tensors of the types the prim declares (the shape rules check it),
so these prims need no eager fallback: a graph that still fails under Dynamo fails in another family's rule,
which is reported as Dynamo raised it.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

Region = Callable[..., Sequence[Any]]

SCAN_HOP_MIN_LENGTH = 32
"""Under Dynamo, scans at least this long lower to ``torch._higher_order_ops.scan``; shorter ones unroll (see
the module docstring for the measurements behind the value)."""


def _compiling() -> bool:
    return torch.compiler.is_compiling()


def _dense(t: torch.Tensor) -> torch.Tensor:
    """A contiguous copy of ``t``: what leaves a higher-order op's subgraph (no aliasing of its inputs or of
    another output, and one layout whichever branch or iteration produced it)."""
    return torch.clone(t, memory_format=torch.contiguous_format)


def _fresh(region: Region) -> Callable[..., tuple[torch.Tensor, ...]]:
    """``region`` returning dense copies of its outputs (``_dense``)."""

    def call(*xs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(_dense(o) for o in region(*xs))

    return call


# --- cond --------------------------------------------------------------------------------------------------------

def cond(index: torch.Tensor, *operands: torch.Tensor, regions: Sequence[Region]) -> tuple[torch.Tensor, ...]:
    if _compiling():
        return _cond_hop(index, operands, regions)
    branch = min(max(int(index), 0), len(regions) - 1)
    return tuple(regions[branch](*operands))


def _cond_hop(index: torch.Tensor, operands: Sequence[torch.Tensor],
              regions: Sequence[Region]) -> tuple[torch.Tensor, ...]:
    """``regions[clamp(index, 0, 1)]`` as ``torch.cond``: ``index >= 1`` is the clamped index as a predicate
    (an index below 0 takes region 0, one above 1 region 1)."""
    low, high = regions  # the registry fixes two regions (ops.switch nests conds for more branches)
    return tuple(torch.cond(torch.ge(index, 1), _fresh(high), _fresh(low), tuple(operands)))


# --- while_loop --------------------------------------------------------------------------------------------------

def while_loop(*operands: torch.Tensor, regions: Sequence[Region], cond_nconsts: int,
               body_nconsts: int) -> tuple[torch.Tensor, ...]:
    cond_fn, body_fn = regions
    cond_consts = operands[:cond_nconsts]
    body_consts = operands[cond_nconsts:cond_nconsts + body_nconsts]
    carry = tuple(operands[cond_nconsts + body_nconsts:])
    if _compiling():
        return _while_hop(cond_fn, body_fn, cond_consts, body_consts, carry)
    while bool(cond_fn(*cond_consts, *carry)[0]):
        carry = tuple(body_fn(*body_consts, *carry))
    return carry


def _while_hop(cond_fn: Region, body_fn: Region, cond_consts: Sequence[torch.Tensor],
               body_consts: Sequence[torch.Tensor], carry: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    from torch._higher_order_ops import while_loop as hop

    if len(carry) == 0:  # nothing is carried: the loop has no observable result
        return ()

    def predicate(*c: torch.Tensor) -> torch.Tensor:
        return _dense(cond_fn(*cond_consts, *c)[0])

    def step(*c: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return tuple(_dense(o) for o in body_fn(*body_consts, *c))

    # the body's outputs must match the carry's layout (strides included): both are dense
    return tuple(hop(predicate, step, tuple(_dense(c) for c in carry)))


# --- scan --------------------------------------------------------------------------------------------------------

def scan(*operands: torch.Tensor, regions: Sequence[Region], num_consts: int, num_carry: int,
         length: Sequence[int], reverse: bool) -> tuple[torch.Tensor, ...]:
    (body,) = regions
    n = int(length[0])
    consts = operands[:num_consts]
    carry = tuple(operands[num_consts:num_consts + num_carry])
    xs = operands[num_consts + num_carry:]
    if n and n >= SCAN_HOP_MIN_LENGTH and _compiling():
        return _scan_hop(body, consts, carry, xs, n, reverse)
    steps: list[Sequence[torch.Tensor]] = [()] * n
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        outs = body(*consts, *carry, *(x[i] for x in xs))
        carry, steps[i] = tuple(outs[:num_carry]), outs[num_carry:]
    if n:
        ys = [torch.stack([s[j] for s in steps]) for j in range(len(steps[0]))]
    else:
        # No step ran: the ys' types come from one probe call on zero slices (its values are discarded).
        probe = body(*consts, *carry, *(torch.zeros(x.shape[1:], dtype=x.dtype, device=x.device) for x in xs))
        ys = [torch.zeros((0, *y.shape), dtype=y.dtype, device=y.device) for y in probe[num_carry:]]
    return (*carry, *ys)


def _scan_hop(body: Region, consts: Sequence[torch.Tensor], carry: tuple[torch.Tensor, ...],
              xs: Sequence[torch.Tensor], n: int, reverse: bool) -> tuple[torch.Tensor, ...]:
    """``scan`` as ``torch._higher_order_ops.scan`` (``n >= 1``). The HOP needs at least one carry and one
    scanned input: a missing carry or xs is replaced by a dummy (a scalar carry, an ``arange(n)`` input) that
    the body never sees."""
    from torch._higher_order_ops import scan as hop

    num_carry = len(carry)
    dummy_carry = len(carry) == 0
    dummy_xs = len(xs) == 0
    init = ([torch.zeros((), dtype=torch.float32, device=_device(consts, carry, xs))] if dummy_carry
            else [_dense(c) for c in carry])
    seq = [torch.arange(n, device=init[0].device)] if dummy_xs else list(xs)

    def combine(c: list[torch.Tensor], x: list[torch.Tensor]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        outs = body(*consts, *(() if dummy_carry else c), *(() if dummy_xs else x))
        new = [_dense(c[0])] if dummy_carry else [_dense(o) for o in outs[:num_carry]]
        return new, [_dense(o) for o in outs[num_carry:]]

    final, ys = hop(combine, init, seq, reverse=reverse)
    return (*(() if dummy_carry else tuple(final)), *ys)


def _device(*groups: Sequence[torch.Tensor]) -> torch.device | None:
    for group in groups:
        for t in group:
            return t.device
    return None


RULES: dict[str, Callable[..., Any]] = {"cond": cond, "while_loop": while_loop, "scan": scan}
