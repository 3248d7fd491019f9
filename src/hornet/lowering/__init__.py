"""Lowerings of hornet IR: ``numpy`` (the reference interpreter), ``jax`` (StableHLO). One rule table each."""
