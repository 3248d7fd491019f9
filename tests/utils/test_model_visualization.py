"""plot_model / model_to_dot: the framework-free graph description (boxes, shapes, edges, nested models), the
same boxes and edges as Keras 3's ``model_to_dot`` (both run on a recording stand-in for pydot, which is not a
dependency), writing a file, and the errors when pydot or graphviz is missing."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import re  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402

import keras  # noqa: E402
import pytest  # noqa: E402

import hornet  # noqa: E402
import hornet.utils as utils  # noqa: E402
from hornet import layers  # noqa: E402
from hornet.api.utils.model_graph import model_graph  # noqa: E402


def _nested(m):
    """A functional model holding a nested functional model, a nested Sequential, a skip branch and a merge."""
    x = m.Input((3,), name="x")
    inner_in = m.Input((4,), name="inner_x")
    inner = m.Model(inner_in, m.layers.Dense(2, name="inner_dense")(inner_in), name="inner")
    seq = m.Sequential([m.Input((2,)), m.layers.Dense(5, name="s1"), m.layers.Dense(3, name="s2")], name="seq")
    h = m.layers.Dense(4, name="h", activation="relu")(x)
    frozen = m.layers.Dense(3, name="skip")
    frozen.trainable = False
    out = m.layers.Add(name="add")([seq(inner(h)), frozen(x)])
    return m.Model(x, out, name="outer")


@pytest.fixture(scope="module")
def models():
    return _nested(hornet), _nested(keras)


class _Recorder:
    """Just enough of pydot's API for both hornet's and Keras's model_to_dot: remembers nodes, edges, clusters."""

    def __init__(self, **attrs):
        self.attrs, self.nodes, self.edges, self.subgraphs = dict(attrs), [], [], []

    def set(self, key, value):
        self.attrs[key] = value

    def set_node_defaults(self, **attrs):
        self.attrs["node_defaults"] = attrs

    def add_node(self, node):
        self.nodes.append(node)

    def add_edge(self, edge):
        self.edges.append(edge)

    def add_subgraph(self, sub):
        self.subgraphs.append(sub)

    def get_edge(self, src, dst):
        return [e for e in self.edges if e.attrs["ends"] == (src, dst)]

    def write(self, path, format="png"):
        with open(path, "w") as f:
            f.write(f"{format}:{len(self.nodes)}")

    @staticmethod
    def create(dot):
        return b""


def _fake_pydot():
    module = types.ModuleType("pydot")
    module.Dot = _Recorder
    module.Cluster = lambda style=None, graph_name=None: _Recorder(style=style, graph_name=graph_name)
    module.Node = lambda key, label=None: _Recorder(key=key, label=label)
    module.Edge = lambda src, dst: _Recorder(ends=(src, dst))
    module.PydotException = RuntimeError
    return module


def _text(label):
    return re.sub(r"<[^>]+>", "|", label).replace("||", "|").strip("|")


def _summary(dot):
    """(box texts by key, edges as box-text pairs), clusters flattened, so two drawings can be compared."""
    boxes, edges, stack = {}, [], [dot]
    while stack:
        d = stack.pop()
        boxes.update((n.attrs["key"], _text(n.attrs["label"])) for n in d.nodes)
        edges += [e.attrs["ends"] for e in d.edges]
        stack += d.subgraphs
    title = {k: v.split("|")[0] for k, v in boxes.items()}
    return sorted(boxes.values()), sorted((title[a], title[b]) for a, b in edges)


@pytest.fixture()
def fake_pydot(monkeypatch):
    module = _fake_pydot()
    monkeypatch.setitem(sys.modules, "pydot", module)
    from keras.src.utils import model_visualization as keras_visualization

    monkeypatch.setattr(keras_visualization, "pydot", module)
    return module


def test_graph_description(models):
    graph = model_graph(models[0])
    nodes = {n.name: n for n in graph.all_nodes()}
    assert sorted(nodes) == ["add", "h", "inner", "seq", "skip", "x"] and graph.subgraphs == []
    assert (nodes["x"].input_shape, nodes["x"].output_shape, nodes["x"].trainable) == (None, "(None, 3)", None)
    assert (nodes["h"].class_name, nodes["h"].input_shape, nodes["h"].output_shape) == ("Dense", "(None, 3)",
                                                                                        "(None, 4)")
    assert (nodes["h"].activation, nodes["h"].dtype, nodes["h"].trainable) == ("relu", "float32", True)
    assert nodes["skip"].trainable is False and nodes["add"].activation is None
    assert nodes["add"].input_shape == "[(None, 3), (None, 3)]"
    assert (nodes["seq"].class_name, nodes["seq"].output_shape) == ("Sequential", "(None, 3)")
    assert sorted(graph.edge_names()) == [("h", "inner"), ("inner", "seq"), ("seq", "add"), ("skip", "add"),
                                          ("x", "h"), ("x", "skip")]


def test_graph_description_expanded(models):
    graph = model_graph(models[0], expand_nested=True)
    assert [s.name for s in graph.subgraphs] == ["inner", "seq"]
    assert [n.name for n in graph.subgraphs[1].nodes] == ["s1", "s2"]  # a Sequential draws no input box
    assert sorted(graph.edge_names()) == [("h", "inner_x"), ("inner_dense", "s1"), ("inner_x", "inner_dense"),
                                          ("s1", "s2"), ("s2", "add"), ("skip", "add"), ("x", "h"), ("x", "skip")]


def test_sequential_and_subclassed_models():
    seq = hornet.Sequential([hornet.Input((2,)), layers.Dense(3, name="a"), layers.Dense(1, name="b")])
    assert model_graph(seq).edge_names() == [("a", "b")]
    assert [n.input_shape for n in model_graph(seq).nodes] == ["(None, 2)", "(None, 3)"]

    class Net(hornet.Model):
        def __init__(self):
            super().__init__(name="net")
            self.d = layers.Dense(2)

        def call(self, x):
            return self.d(x)

    net = Net()
    net(hornet.ops.ones((1, 3)))
    (box,) = model_graph(net).nodes
    assert (box.name, box.class_name, box.output_shape) == ("net", "Net", "?")


@pytest.mark.parametrize("expand_nested", [False, True])
def test_model_to_dot_matches_keras(models, fake_pydot, expand_nested):
    from keras.src.utils.model_visualization import model_to_dot as keras_model_to_dot

    options = dict(show_shapes=True, show_dtype=True, show_layer_activations=True, show_trainable=True,
                   expand_nested=expand_nested, rankdir="LR", dpi=96)
    ours, theirs = utils.model_to_dot(models[0], **options), keras_model_to_dot(models[1], **options)
    assert _summary(ours) == _summary(theirs)
    assert ours.attrs == theirs.attrs
    assert [s.attrs for s in ours.subgraphs] == [s.attrs for s in theirs.subgraphs]
    plain = utils.model_to_dot(models[0], show_layer_names=False)
    assert _summary(plain) == _summary(keras_model_to_dot(models[1], show_layer_names=False))


def test_plot_model_writes_the_file(models, fake_pydot, tmp_path):
    assert utils.plot_model(models[0], to_file=tmp_path / "m.svg", show_shapes=True) is None  # no IPython here
    assert (tmp_path / "m.svg").read_text() == "svg:6"
    utils.plot_model(models[0], to_file=str(tmp_path / "noext"), expand_nested=True)
    assert (tmp_path / "noext").read_text() == "png:4"
    with pytest.raises(ValueError, match="layer_range.*no longer supported"):
        utils.plot_model(models[0], to_file=tmp_path / "x.png", layer_range=["x", "h"])
    with pytest.raises(ValueError, match="plot_model: unrecognized keyword arguments: \\{'colour': 1\\}"):
        utils.plot_model(models[0], colour=1)


def test_missing_graphviz(models, fake_pydot, tmp_path, monkeypatch):
    from hornet.api.utils.model_visualization import check_graphviz, check_pydot

    def broken(dot):
        raise OSError("dot not found")

    assert check_pydot() and check_graphviz()
    monkeypatch.setattr(fake_pydot.Dot, "create", staticmethod(broken))
    assert not check_graphviz()
    with pytest.raises(ImportError, match="plot_model requires graphviz.*could not run `dot`"):
        utils.plot_model(models[0], to_file=tmp_path / "m.png")
    assert not (tmp_path / "m.png").exists()


def test_missing_pydot(models, monkeypatch):
    for name in ("pydot", "pydot_ng", "pydotplus"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it now fails, whether installed or not
    with pytest.raises(ImportError, match="plot_model requires pydot: install it with `pip install pydot`"):
        utils.plot_model(models[0])
    with pytest.raises(ImportError, match="model_to_dot requires pydot: install it with `pip install pydot`"):
        utils.model_to_dot(models[0])


def test_unbuilt_model():
    model = hornet.Sequential([layers.Dense(2)], name="lazy")
    with pytest.raises(ValueError, match="plot_model: model 'lazy' has not yet been built"):
        utils.plot_model(model)
    with pytest.raises(ValueError, match="model_to_dot: model 'lazy' has not yet been built"):
        utils.model_to_dot(model)
