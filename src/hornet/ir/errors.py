"""Errors raised by hornet. Each message names the op (or prim) and the shapes involved."""


class HornetError(Exception):
    """Base class of hornet's errors."""


class ShapeError(HornetError, ValueError):
    """Operand shapes (or static attributes) that an op cannot accept."""


class DTypeError(HornetError, TypeError):
    """Operand dtypes that an op cannot accept."""


class TracerError(HornetError, TypeError):
    """A symbolic tensor used where a concrete Python value is needed (``bool(x)``, ``int(x)``, ...)."""


class SerializationError(HornetError, ValueError):
    """A graph file that is malformed, hostile, of an unknown version, or names unknown prims."""


class LoweringError(HornetError, NotImplementedError):
    """A prim that a backend has no rule for, or a graph a backend cannot compile."""
