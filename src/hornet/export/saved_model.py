"""The ``tf_saved_model`` format: a SavedModel whose ``serve`` endpoint and ``serving_default`` signature run the
model's StableHLO module (the JAX lowering's ``jax.export`` program) through TF's XlaCallModule op. Weights are
``tf.Variable``s (the SavedModel's ``variables/``), passed to the module with the inputs. It loads with plain
``tf.saved_model.load`` and can be served by TF Serving; the batch dim stays dynamic, inputs keep the model's
names and outputs are ``output_0``, ``output_1``, ...
"""
from __future__ import annotations

from typing import Any

import tensorflow as tf
from tensorflow.compiler.tf2xla.python import xla as tfxla

from hornet.export.program import InferenceProgram
from hornet.export.stablehlo import lowered
from hornet.ir.errors import HornetError


def check_version(exported: Any) -> None:
    """Refuse a module whose calling convention this TensorFlow cannot run, naming both versions."""
    need = exported.calling_convention_version
    most = tfxla.call_module_maximum_supported_version()
    if need > most:
        raise HornetError(f"the StableHLO module uses calling convention version {need}, but TensorFlow "
                          f"{tf.__version__} runs at most version {most}: install a newer tensorflow, or a jax "
                          f"whose jax.export writes version <= {most}")


def _tf_shape(shape: Any) -> tf.TensorShape:
    return tf.TensorShape([d if isinstance(d, int) else None for d in shape])


class _Serving(tf.Module):
    def __init__(self, program: InferenceProgram, exported: Any):
        super().__init__(name=program.name if program.name.isidentifier() else "model")
        n = len(program.inputs)
        kept = list(exported.module_kept_var_idx)
        self.weights = [tf.Variable(program.state[i - n], trainable=False, name=f"weight_{i - n}")
                        for i in kept if i >= n]
        kept_inputs = [i for i in kept if i < n]
        out_names = [s.name for s in program.outputs]
        attrs = dict(version=exported.calling_convention_version, module=exported.mlir_module_serialized,
                     Tout=[tf.as_dtype(a.dtype) for a in exported.out_avals],
                     Sout=[_tf_shape(a.shape) for a in exported.out_avals],
                     platforms=[p.upper() for p in exported.platforms], function_list=[],
                     has_token_input_output=False,
                     disabled_checks=[str(c) for c in exported.disabled_safety_checks])
        signature = [tf.TensorSpec(_tf_shape(s.shape), tf.as_dtype(s.dtype), name=s.name) for s in program.inputs]

        @tf.function(input_signature=signature, autograph=False)
        def serve(*inputs: tf.Tensor) -> dict[str, tf.Tensor]:
            args = [inputs[i] for i in kept_inputs] + [w.read_value() for w in self.weights]
            results = tfxla.call_module(args, **attrs)
            return dict(zip(out_names, results[:len(out_names)]))

        self.serve = serve


def write(program: InferenceProgram, folder: str) -> dict[str, Any]:
    low = lowered(program, folded=False)
    exported = low.exported
    check_version(exported)
    module = _Serving(program, exported)
    tf.saved_model.save(module, folder, signatures={"serving_default": module.serve})
    return {"platforms": list(exported.platforms), "calling_convention_version": exported.calling_convention_version}
