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
from hornet.export.stablehlo import PLATFORMS
from hornet.ir.errors import HornetError
from hornet.runtime.tf_backend import call_module_attrs, lowered_for_tf, tf_shape, unregistered_custom_calls


class _Serving(tf.Module):
    def __init__(self, program: InferenceProgram, exported: Any):
        super().__init__(name=program.name if program.name.isidentifier() else "model")
        n = len(program.inputs)
        kept = list(exported.module_kept_var_idx)
        self.weights = [tf.Variable(program.state[i - n], trainable=False, name=f"weight_{i - n}")
                        for i in kept if i >= n]
        kept_inputs = [i for i in kept if i < n]
        out_names = [s.name for s in program.outputs]
        attrs = call_module_attrs(exported)
        signature = [tf.TensorSpec(tf_shape(s.shape), tf.as_dtype(s.dtype), name=s.name) for s in program.inputs]

        @tf.function(input_signature=signature, autograph=False)
        def serve(*inputs: tf.Tensor) -> dict[str, tf.Tensor]:
            args = [inputs[i] for i in kept_inputs] + [w.read_value() for w in self.weights]
            results = tfxla.call_module(args, **attrs)
            return dict(zip(out_names, results[:len(out_names)]))

        self.serve = serve


def write(program: InferenceProgram, folder: str) -> dict[str, Any]:
    try:
        exported = lowered_for_tf(program.graph, PLATFORMS)
    except Exception:  # noqa: BLE001  (a rule missing on an accelerator: CPU only, as the stablehlo format)
        exported = lowered_for_tf(program.graph, ("cpu",))
    missing = unregistered_custom_calls(exported)
    if missing:
        raise HornetError(f"model '{program.name}' can't be a SavedModel: its StableHLO calls {', '.join(missing)} "
                          "(JAX's CPU linear algebra), which TensorFlow's XLA does not provide; export it as "
                          "'stablehlo', 'onnx' or 'torch' instead")
    module = _Serving(program, exported)
    tf.saved_model.save(module, folder, signatures={"serving_default": module.serve})
    return {"platforms": list(exported.platforms), "calling_convention_version": exported.calling_convention_version}
