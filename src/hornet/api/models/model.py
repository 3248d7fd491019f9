"""``hornet.Model``: a Layer that trains. ``Model(inputs, outputs)`` builds a functional model; a subclass
defines ``call``; ``hornet.Sequential`` stacks layers.

>>> class MLP(hornet.Model):                                     # doctest: +SKIP
...     def __init__(self):
...         super().__init__()
...         self.hidden = layers.Dense(64, activation="relu")
...         self.out = layers.Dense(10)
...     def call(self, x):
...         return self.out(self.hidden(x))
"""
from __future__ import annotations

from typing import Any

from hornet.api.layers import call_context as ctx_mod
from hornet.api.layers.keras_tensor import any_keras_tensor
from hornet.api.layers.layer import Layer
from hornet.api.models.trainer import Trainer
from hornet.ir.tracer import trace_stack


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    return len(args) >= 2 or ("inputs" in kwargs and "outputs" in kwargs) or (len(args) == 1 and "outputs" in kwargs)


def _inject_functional(cls: type) -> None:
    """Make a Model subclass built as ``Sub(inputs, outputs)`` a Functional one, as Keras does: every ``Model``
    among its bases (recursively) becomes ``Functional``, so ``call`` and the graph come from Functional and the
    subclass keeps its ``train_step`` and other overrides."""
    from hornet.api.models.functional import Functional

    if issubclass(cls, Functional):
        return
    for base in cls.__bases__:
        if base is not Model and issubclass(base, Model):
            _inject_functional(base)
    if not issubclass(cls, Functional):
        cls.__bases__ = tuple(Functional if b is Model else b for b in cls.__bases__)


class Model(Trainer, Layer):
    def __new__(cls, *args: Any, **kwargs: Any) -> "Model":
        if _functional_arguments(args, kwargs):
            from hornet.api.models.functional import Functional

            if cls is Model:
                return Functional.__new__(Functional, *args, **kwargs)
            _inject_functional(cls)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any):
        if _functional_arguments(args, kwargs) and type(self) is not Model:
            from hornet.api.models.functional import Functional

            if not isinstance(self, Functional):  # super().__init__(inputs=..., outputs=...) in a subclass
                _inject_functional(type(self))
                Functional.__init__(self, *args, **kwargs)
                return
        elif args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments {args!r}; Model(inputs, outputs) takes "
                            "the functional-model arguments, and a subclass takes the arguments of its __init__")
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        Trainer.__init__(self)
        self._call_losses: list[Any] = []
        self._jitted_calls: dict[Any, Any] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if any_keras_tensor(args, kwargs):
            return Layer.__call__(self, *args, **kwargs)
        if not trace_stack() and len(args) == 1 and set(kwargs) <= {"training"}:
            # Called on concrete data: trace once per input signature, compile, cache, run (as hornet.jit).
            if getattr(self, "_input_spec_tree", None) is None:
                from hornet.api.models.compiled_step import input_signature

                object.__setattr__(self, "_input_spec_tree", input_signature(args[0]))
            out, losses = self._compiled_call(bool(kwargs.get("training") or False))(args[0])
            self._call_losses = list(losses)  # the concrete add_loss terms of this call, not the traced ones
            return out
        with ctx_mod.call_context(kwargs.get("training"), getattr(self, "_step_mask", None)) as ctx:
            out = Layer.__call__(self, *args, **kwargs)
        self._call_losses = ctx.losses
        return out

    def _compiled_call(self, training: bool) -> Any:
        fn = self._jitted_calls.get(training)
        if fn is None:
            from hornet.runtime.jit import jit

            def forward(x: Any) -> Any:
                out = self(x, training=training)
                return out, list(self._call_losses)

            fn = self._jitted_calls[training] = jit(forward, backend=getattr(self, "_backend_name", None))
        return fn

    @property
    def losses(self) -> list[Any]:
        """Regularization terms from the current weights, plus the ``add_loss`` terms of the latest call."""
        return self.regularization_losses() + list(self._call_losses)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A sub-layer by name or by index (Keras semantics)."""
        if index is not None:
            if name is not None:
                raise ValueError("get_layer: pass either name or index, not both")
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index} is out of range: the model has {len(self.layers)} layers")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}")

    def to_torch(self, training: bool = False, device: Any = None) -> Any:
        """This model as a ``torch.nn.Module``: its forward pass lowered to ATen ops, its weights as
        ``nn.Parameter``s (``state_dict`` keys are the variable paths). Train it with torch autograd and
        ``torch.optim``; ``module.copy_to_model()`` writes the weights back.

        >>> module = model.to_torch()                     # doctest: +SKIP
        >>> module(torch.ones(2, 4)).sum().backward()     # doctest: +SKIP
        """
        from hornet.runtime.backend import get_backend

        return get_backend("torch").to_module(self, training=training, device=device)

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Any = None,
                expand_nested: bool = False, show_trainable: bool = False, layer_range: Any = None) -> None:
        from hornet.api.models.summary import print_summary

        print_summary(self, line_length=line_length, print_fn=print_fn, show_trainable=show_trainable)

    def get_config(self) -> dict[str, Any]:
        config = Layer.get_config(self)
        if type(self).get_config is Model.get_config:  # a subclass without get_config: its __init__ arguments
            config.update(self._auto_config())
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> "Model":
        if cls is Model and "nodes" in config and "layers" in config:  # a functional model's config
            from hornet.api.models.functional import Functional

            return Functional.from_config(config, custom_objects)
        return cls(**config)

    # --- saving (hornet.api.saving) -----------------------------------------------------------------------------

    def save(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        """Save config, IR graphs, weights and optimizer state to a ``.hornet`` (or ``.keras``) zip file."""
        from hornet.api.saving.model_file import save_model

        save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath: str, overwrite: bool = True) -> None:
        from hornet.api.saving.weights_file import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str, skip_mismatch: bool = False) -> None:
        from hornet.api.saving.weights_file import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def export(self, filepath: str, format: str = "tf_saved_model", verbose: Any = None, **kwargs: Any) -> None:
        """Write a deployable artifact folder at ``filepath``: ``"tf_saved_model"`` (Keras's default),
        ``"onnx"``, ``"torch"`` (``torch.export``), ``"stablehlo"`` or ``"hornet"``, with a ``manifest.json``.
        The batch dim stays dynamic; the artifact loads with its framework's own loader, without hornet.

        >>> model.export("served", format="onnx")      # doctest: +SKIP
        """
        from hornet.export import export_model

        if kwargs:
            raise TypeError(f"export() got unexpected arguments {sorted(kwargs)}")
        manifest = export_model(self, filepath, format)
        if verbose:
            print(f"Saved a '{manifest['format']}' artifact at {filepath}")


__all__ = ["Model"]
