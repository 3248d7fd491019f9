"""VJP rules, one file per prim family; importing this package registers them (``set_rule(name, vjp=...)``)."""
from hornet.api.autodiff.rules import (composites, contractions, control_flow, elementwise, indexing,  # noqa: F401
                                       linalg, reductions, structural)
