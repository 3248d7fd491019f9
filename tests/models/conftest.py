"""Every test here runs on each compiled backend."""
from helpers import on_each_backend  # noqa: F401
