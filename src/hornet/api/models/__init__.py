"""hornet models: Model, Functional, Sequential and the training loop."""
