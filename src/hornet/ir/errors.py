"""Errors raised by hornet. Each message names the op (or prim) and the shapes involved."""


class HornetError(Exception):
    """Base class of hornet's errors."""


class ShapeError(HornetError, ValueError):
    """Operand shapes (or static attributes) that an op cannot accept."""


class DTypeError(HornetError, TypeError):
    """Operand dtypes that an op cannot accept."""


class TracerError(HornetError, TypeError):
    """A symbolic tensor used where a concrete Python value is needed (``bool(x)``, ``int(x)``, ...)."""


class LoadError(HornetError, ValueError):
    """A file (model, weights, graph, artifact) that hornet refuses to load: malformed, hostile, truncated, or
    from a newer hornet. The message names the file, the member inside it and the JSON path, where they apply."""


class SerializationError(LoadError):
    """A graph file that is malformed, hostile, of an unknown version, or names unknown prims."""


class DataError(HornetError, ValueError):
    """Training or evaluation data that the model cannot use (labels out of range, a wrong structure)."""


class LoweringError(HornetError, NotImplementedError):
    """A prim that a backend has no rule for, or a graph a backend cannot compile."""


class ResourceLimitError(HornetError, MemoryError):
    """A file or config that asks for more memory than it can justify (a weight larger than the file holds)."""
