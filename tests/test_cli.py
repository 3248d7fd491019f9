"""The hornet command: inspect and compile saved graphs; bad arguments and files get clear errors."""
import numpy as np
import pytest

import hornet
from hornet import ops
from hornet.cli import main


@pytest.fixture
def graph_file(tmp_path):
    w = np.ones((3, 2), "float32")
    graph = hornet.trace(lambda x: ops.relu(ops.matmul(x, w)), hornet.TensorSpec((None, 3)))
    path = tmp_path / "tiny.graph.json"
    path.write_text(graph.to_json())
    return path


def test_inspect(graph_file, capsys):
    assert main(["inspect", str(graph_file)]) == 0
    out = capsys.readouterr().out
    assert "dot_general" in out and "float32[batch,2]" in out and "nodes" in out


def test_compile_writes_stablehlo_and_export(graph_file, tmp_path, capsys):
    out_dir = tmp_path / "out"
    assert main(["compile", str(graph_file), "-o", str(out_dir)]) == 0
    assert "stablehlo" in (out_dir / "tiny.mlir").read_text()
    from hornet.runtime import jax_export

    exported = jax_export.load((out_dir / "tiny.jax_export").read_bytes())
    (y,) = exported.call(np.ones((4, 3), "float32"))
    np.testing.assert_allclose(np.asarray(y), np.full((4, 2), 3.0))


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    ("not json", "not valid JSON"),
    ('{"format": "hornet.graph", "version": 99}', "unsupported version 99"),
    ('{"format": "something.else", "version": 1, "graph": {}}', "not a hornet graph"),
])
def test_bad_files(tmp_path, capsys, content, message):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    assert main(["inspect", str(path)]) == (2 if content is None else 1)
    assert message in capsys.readouterr().err


def test_bad_command(capsys):
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2
