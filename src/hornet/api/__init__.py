"""The user-facing API: ops, and (later) layers, models, optimizers, losses, metrics, callbacks."""
