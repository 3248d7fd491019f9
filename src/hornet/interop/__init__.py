"""Bridges from hornet models to framework objects (``Model.to_torch()``). Each module imports its framework."""
