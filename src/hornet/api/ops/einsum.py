"""``einsum``: subscripts parsed here and lowered to diagonals, sums, ``dot_general`` and one final transpose.

Supported: explicit (``"ij,jk->ik"``) and implicit (``"ij,jk"``: labels seen once, sorted) outputs, ellipses
(``"...ij,...jk->...ik"``, broadcasting like NumPy), repeated labels within an operand (diagonals, ``"ii->i"``,
traces ``"ii->"``), any number of operands (contracted left to right), spaces.

>>> from hornet import ops
>>> ops.einsum("bij,bjk->bik", np.ones((2, 3, 4)), np.ones((2, 4, 5))).shape   # doctest: +SKIP
(2, 3, 5)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from hornet.api.ops import _lax as L
from hornet.api.ops.core import as_tensor, broadcast_to, convert, finish, type_of
from hornet.ir.dtypes import DType, result_type
from hornet.ir.errors import ShapeError
from hornet.ir.symbolic import Dim, dims_equal

__all__ = ["einsum"]

OP = "einsum"
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ELLIPSIS_LABELS = "0123456789"  # internal labels for ellipsis dims: never valid user letters


def _error(subscripts: str, message: str) -> ShapeError:
    return ShapeError(f"{OP}: subscripts {subscripts!r}: {message}")


@dataclass
class _Term:
    """One operand: its tensor and one label per dim."""

    x: Any
    labels: list[str]


def _split(subscripts: str, count: int) -> tuple[list[str], str | None]:
    """Input terms and the output term (None when implicit), with spaces removed and characters checked."""
    spec = subscripts.replace(" ", "")
    if spec.count("->") > 1:
        raise _error(subscripts, "'->' may appear only once")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != count:
        raise _error(subscripts, f"{len(terms)} input term(s) but {count} operand(s) were given")
    for term in terms + ([rhs] if arrow else []):
        body = term.replace("...", "")
        if "." in body:
            raise _error(subscripts, f"'.' may only appear as an ellipsis '...' (term {term!r})")
        bad = sorted(set(body) - _LETTERS)
        if bad:
            raise _error(subscripts, f"invalid label(s) {bad}; labels are ASCII letters")
        if term.count("...") > 1:
            raise _error(subscripts, f"term {term!r} has more than one ellipsis")
    return terms, (rhs if arrow else None)


def _expand(term: str, ndim: int, subscripts: str) -> tuple[list[str], int]:
    """Labels for each dim of an operand (ellipsis dims get internal labels, right-aligned), and how many dims the
    ellipsis covers."""
    named = len(term.replace("...", ""))
    if "..." not in term:
        if named != ndim:
            raise _error(subscripts, f"term {term!r} has {named} label(s) but its operand has rank {ndim}")
        return list(term), 0
    n_ell = ndim - named
    if n_ell < 0:
        raise _error(subscripts, f"term {term!r} has {named} label(s) but its operand has rank {ndim}")
    head, tail = term.split("...")
    width = len(_ELLIPSIS_LABELS)
    if n_ell > width:
        raise _error(subscripts, f"an ellipsis may cover at most {width} dims, got {n_ell}")
    return list(head) + list(_ELLIPSIS_LABELS[width - n_ell:]) + list(tail), n_ell


def _diagonal(term: _Term, subscripts: str) -> _Term:
    """Collapse labels repeated within one operand to their diagonal (``"ii"`` -> ``"i"``)."""
    while True:
        seen: dict[str, int] = {}
        pair = None
        for i, lab in enumerate(term.labels):
            if lab in seen:
                pair = (seen[lab], i)
                break
            seen[lab] = i
        if pair is None:
            return term
        i, j = pair
        shape = type_of(term.x).shape
        if not dims_equal(shape[i], shape[j]):
            raise _error(subscripts, f"label {term.labels[i]!r} repeats on dims of sizes {shape[i]} and {shape[j]}")
        n = len(shape)
        mask = L.reshape(L.eye_mask(shape[i], OP), tuple(shape[k] if k in (i, j) else 1 for k in range(n)), OP)
        kept = L.where(mask, term.x, 0, OP, dtype=type_of(term.x).dtype)
        term = _Term(L.sum_any(kept, (j,), OP), term.labels[:j] + term.labels[j + 1:])


def _sum_out(term: _Term, labels: set[str]) -> _Term:
    axes = tuple(i for i, lab in enumerate(term.labels) if lab in labels)
    if not axes:
        return term
    return _Term(L.sum_any(term.x, axes, OP), [lab for lab in term.labels if lab not in labels])


def _sizes(terms: Sequence[_Term], subscripts: str) -> dict[str, Dim]:
    """The size of each label; 1 broadcasts against other sizes (NumPy einsum broadcasting)."""
    sizes: dict[str, Dim] = {}
    for term in terms:
        for lab, d in zip(term.labels, type_of(term.x).shape):
            cur = sizes.get(lab)
            if cur is None or cur == 1:
                sizes[lab] = d
            elif d != 1 and not dims_equal(cur, d):
                shown = "..." if lab in _ELLIPSIS_LABELS else repr(lab)
                raise _error(subscripts, f"label {shown} has size {cur} in one operand and {d} in another")
    return sizes


def _fit(term: _Term, sizes: dict[str, Dim], labels: Sequence[str]) -> Any:
    """Broadcast the size-1 dims of ``labels`` up to their label size."""
    shape = type_of(term.x).shape
    target = tuple(sizes[lab] if lab in labels else d for lab, d in zip(term.labels, shape))
    return broadcast_to(term.x, target, OP) if target != shape else term.x


def _contract(a: _Term, b: _Term, needed: set[str], sizes: dict[str, Dim]) -> _Term:
    """One ``dot_general``: shared labels still needed are batch dims, the other shared ones are contracted."""
    shared = [lab for lab in a.labels if lab in b.labels]
    batch = [lab for lab in shared if lab in needed]
    contract = [lab for lab in shared if lab not in needed]
    xa, xb = _fit(a, sizes, shared), _fit(b, sizes, shared)
    out = L.dot_general(xa, xb, ([a.labels.index(c) for c in contract], [b.labels.index(c) for c in contract]), OP,
                        batch=([a.labels.index(c) for c in batch], [b.labels.index(c) for c in batch]))
    free_a = [lab for lab in a.labels if lab not in shared]
    free_b = [lab for lab in b.labels if lab not in shared]
    return _Term(out, batch + free_a + free_b)


def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> Any:
    """Einstein summation over ``operands`` as described by ``subscripts`` (NumPy's notation).

    >>> einsum("ii->", np.eye(3))   # doctest: +SKIP
    Array(3., dtype=float64)
    """
    if kwargs:
        raise TypeError(f"{OP}: unsupported keyword argument(s) {sorted(kwargs)}")
    if not isinstance(subscripts, str):
        raise TypeError(f"{OP}: subscripts must be a string, got {type(subscripts).__name__}")
    if not operands:
        raise ValueError(f"{OP}: at least one operand is required")
    xs = [as_tensor(x) for x in operands]
    dtypes = [type_of(x).dtype for x in xs]
    # int8 operands accumulate in int32, as Keras asks of einsum
    d = DType.int32 if all(t == DType.int8 for t in dtypes) else result_type(*dtypes)
    xs = [convert(x, d, OP) for x in xs]
    in_terms, out_term = _split(subscripts, len(xs))
    terms, widths = [], []
    for term, x in zip(in_terms, xs):
        labels, n_ell = _expand(term, type_of(x).ndim, subscripts)
        terms.append(_Term(x, labels))
        widths.append(n_ell)
    ell = list(_ELLIPSIS_LABELS[len(_ELLIPSIS_LABELS) - max(widths):]) if max(widths) else []
    letters = [lab for t in in_terms for lab in t.replace("...", "")]
    if out_term is None:
        output = ell + sorted(lab for lab in set(letters) if letters.count(lab) == 1)
    else:
        if "..." not in out_term and ell:
            raise _error(subscripts, "operands have ellipsis dims but the output term has no '...'")
        head, _, tail = out_term.partition("...")
        output = list(head) + (ell if "..." in out_term else []) + list(tail)
        dupes = sorted({lab for lab in output if output.count(lab) > 1})
        if dupes:
            raise _error(subscripts, f"output label(s) {dupes} appear more than once")
        missing = sorted(set(head + tail) - set(letters))
        if missing:
            raise _error(subscripts, f"output label(s) {missing} appear in no input term")

    terms = [_diagonal(t, subscripts) for t in terms]
    sizes = _sizes(terms, subscripts)
    # sum labels held by one operand only and absent from the output, before any contraction
    for i, t in enumerate(terms):
        others = {lab for j, u in enumerate(terms) if j != i for lab in u.labels}
        terms[i] = _sum_out(t, {lab for lab in t.labels if lab not in others and lab not in output})
    acc = terms[0]
    for k in range(1, len(terms)):
        later = {lab for u in terms[k + 1:] for lab in u.labels}
        acc = _contract(acc, terms[k], set(output) | later, sizes)
        acc = _sum_out(acc, {lab for lab in acc.labels if lab not in output and lab not in later})
    acc = _sum_out(acc, {lab for lab in acc.labels if lab not in output})
    x = L.transpose(acc.x, [acc.labels.index(lab) for lab in output], OP)
    return finish(_fit(_Term(x, output), sizes, output))
