"""Import hygiene: the IR needs no framework; the JAX backend pulls in neither torch nor TensorFlow, the torch
backend neither JAX nor TensorFlow, and the TensorFlow backend (which runs JAX-lowered StableHLO) no torch."""
import subprocess
import sys
import textwrap

BLOCKER = textwrap.dedent("""
    import sys, importlib.abc
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("jax", "jaxlib", "torch", "tensorflow", "keras"):
                raise ImportError(f"blocked import of {name}")
    sys.meta_path.insert(0, Block())
""")


def run(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_ir_tracing_and_serialization_without_frameworks():
    out = run(BLOCKER + textwrap.dedent("""
        import numpy as np
        import hornet.ir
        from hornet import ops, TensorSpec, trace
        from hornet.ir import Graph
        w = np.ones((3, 4), "float32")
        g = trace(lambda x: ops.relu(ops.matmul(x, w)) + 1.0, TensorSpec((None, 3)))
        text = g.to_json()
        g2 = Graph.from_json(text)
        assert str(g2) == str(g) and g2.to_json() == text
        from hornet.lowering import numpy as reference
        (y,) = reference.run(g2, np.ones((2, 3), "float32"))
        assert y.shape == (2, 4) and float(y[0, 0]) == 4.0
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("jax", "torch", "tensorflow")))
    """))
    assert out.strip() == "[]"


def test_jax_backend_imports_neither_torch_nor_tensorflow():
    out = run(textwrap.dedent("""
        import sys
        import hornet
        from hornet import ops
        y = ops.add(ops.ones((2, 2)), 1.0)
        assert hornet.backend.backend() == "jax"
        print("jax" in sys.modules, "torch" in sys.modules, "tensorflow" in sys.modules)
    """))
    assert out.split() == ["True", "False", "False"]


def test_torch_backend_fits_predicts_and_saves_without_jax_or_tensorflow(tmp_path):
    out = run(textwrap.dedent(f"""
        import os, sys
        os.environ["HORNET_BACKEND"] = "torch"
        import numpy as np
        import hornet
        from hornet import layers
        model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        x, y = np.ones((8, 4), "float32"), np.zeros((8, 2), "float32")
        model.fit(x, y, epochs=1, verbose=0)
        model.predict(x, verbose=0)
        model.save({str(tmp_path / "m.hornet")!r})
        hornet.saving.load_model({str(tmp_path / "m.hornet")!r}).predict(x, verbose=0)
        print("torch" in sys.modules, "jax" in sys.modules, "tensorflow" in sys.modules)
    """))
    assert out.split() == ["True", "False", "False"]


def test_hornet_on_jax_keeps_64_bit_types_without_changing_the_process_wide_x64_flag():
    out = run(textwrap.dedent("""
        import numpy as np
        import jax, jax.numpy as jnp
        import hornet
        from hornet import ops, layers
        doubled = hornet.jit(lambda a: a * 2)(np.arange(3, dtype="int64"))
        summed = ops.add(np.full(2, 0.1, "float64"), np.full(2, 0.2, "float64"))
        model = hornet.Sequential([hornet.Input((3,)), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.ones((8, 3), "float32"), np.ones((8, 2), "float32"), epochs=1, verbose=0)
        exported = hornet.jit(lambda a: a + 1).lower(hornet.TensorSpec((None, 2), "float64")).as_text()
        print(doubled.dtype, summed.dtype, float(summed[0]) == 0.1 + 0.2, "f64" in exported,
              jax.config.jax_enable_x64, jnp.ones(2).dtype)
    """))
    assert out.split() == ["int64", "float64", "True", "True", "False", "float32"]


def test_tensorflow_backend_fits_predicts_and_saves_without_torch(tmp_path):
    out = run(textwrap.dedent(f"""
        import os, sys
        os.environ["HORNET_BACKEND"] = "tensorflow"
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        import numpy as np
        import tensorflow as tf
        import hornet
        from hornet import layers, ops
        assert isinstance(ops.add(tf.ones((2, 2)), tf.ones((2, 2))), tf.Tensor)
        model = hornet.Sequential([hornet.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
        x, y = np.ones((9, 4), "float32"), np.zeros((9, 2), "float32")
        model.fit(x, y, epochs=2, batch_size=4, verbose=0)
        assert model.compile_stats["train"] == 1, model.compile_stats
        model.predict(x, verbose=0)
        model.save({str(tmp_path / "m.hornet")!r})
        hornet.saving.load_model({str(tmp_path / "m.hornet")!r}).predict(x, verbose=0)
        print(hornet.backend.backend(), "torch" in sys.modules)
    """))
    assert out.split() == ["tensorflow", "False"]
