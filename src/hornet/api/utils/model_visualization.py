"""``plot_model`` and ``model_to_dot``: draw a model's layer graph with pydot and graphviz (both optional; a clear
ImportError says what to install when they are missing).

>>> hornet.utils.plot_model(model, to_file="model.png", show_shapes=True)        # doctest: +SKIP
"""
from __future__ import annotations

import html
import importlib
import os
import sys
from typing import Any

from hornet.api.utils.model_graph import GraphNode, ModelGraph, check_built, model_graph

_PYDOT_MODULES = ("pydot", "pydot_ng", "pydotplus")  # pydot and its older forks
_GRAPHVIZ_HELP = "graphviz (the `dot` program: https://graphviz.gitlab.io/download/)"


def _pydot() -> Any:
    for name in _PYDOT_MODULES:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


def check_pydot() -> bool:
    """Whether pydot (or one of its forks) can be imported.

    >>> isinstance(check_pydot(), bool)
    True
    """
    return _pydot() is not None


def check_graphviz() -> bool:
    """Whether pydot can run graphviz (tried on an empty graph).

    >>> isinstance(check_graphviz(), bool)
    True
    """
    pydot = _pydot()
    if pydot is None:
        return False
    try:
        pydot.Dot.create(pydot.Dot())
        return True
    except Exception:  # pydot raises OSError, or its own exception class, when `dot` is missing or broken
        return False


def _cell(text: str, colspan: int | None = None, bgcolor: str = "white", color: str | None = None,
          size: int = 14) -> str:
    span = f' colspan="{colspan}"' if colspan else ""
    font_color = f' color="{color}"' if color else ""
    return f'<td bgcolor="{bgcolor}"{span}><font point-size="{size}"{font_color}>{text}</font></td>'


def layer_label(node: GraphNode, show_shapes: bool = False, show_dtype: bool = False,
                show_layer_names: bool = True, show_layer_activations: bool = False,
                show_trainable: bool = False) -> str:
    """The graphviz HTML-like label of one box: a title row (name and class), an optional activation row, then
    one row of the requested cells (shapes, dtype, trainability).

    >>> node = GraphNode("1", "dense", "Dense", "(None, 3)", "(None, 2)", "float32", "relu", True)
    >>> "Output shape: <b>(None, 2)</b>" in layer_label(node, show_shapes=True)
    True
    """
    cells = []
    if show_shapes:
        if node.input_shape is not None:
            cells.append(_cell(f"Input shape: <b>{html.escape(node.input_shape)}</b>"))
        cells.append(_cell(f"Output shape: <b>{html.escape(node.output_shape)}</b>"))
    if show_dtype:
        cells.append(_cell(f"Output dtype: <b>{html.escape(node.dtype)}</b>"))
    if show_trainable and node.trainable is not None:
        text, bgcolor = ("Trainable", "forestgreen") if node.trainable else ("Non-trainable", "firebrick")
        cells.append(_cell(f"<b>{text}</b>", bgcolor=bgcolor, color="white"))
    width = max(1, len(cells))
    title = f"<b>{html.escape(node.name)}</b> ({node.class_name})" if show_layer_names else f"<b>{node.class_name}</b>"
    rows = [_cell(title, width, bgcolor="black", color="white", size=16)]
    if show_layer_activations and node.activation is not None:
        rows.append(_cell(f"Activation: <b>{html.escape(node.activation)}</b>", width))
    if cells:
        rows.append("".join(cells))
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return f'<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">{body}</table>>'


def _to_dot(pydot: Any, graph: ModelGraph, dot: Any, label_args: dict[str, bool]) -> Any:
    for node in graph.nodes:
        box = pydot.Node(node.key, label=layer_label(node, **label_args))
        for key, value in (("fontname", "Helvetica"), ("border", "0"), ("margin", "0")):
            box.set(key, value)
        dot.add_node(box)
    for sub in graph.subgraphs:
        cluster = pydot.Cluster(style="dashed", graph_name=sub.name)
        cluster.set("label", sub.name)
        cluster.set("labeljust", "l")
        dot.add_subgraph(_to_dot(pydot, sub, cluster, label_args))
    for source, destination in graph.edges:
        edge = pydot.Edge(source, destination)
        edge.set("penwidth", "2")
        dot.add_edge(edge)
    return dot


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
                 **kwargs: Any) -> Any:
    """The model's layer graph as a ``pydot.Dot`` (a ``pydot.Cluster`` with ``subgraph=True``).

    ``rankdir`` is "TB" (top to bottom) or "LR" (left to right); ``expand_nested`` draws nested Sequential and
    functional models as dashed clusters; ``splines`` is graphviz's edge style ("ortho", "curved", "polyline",
    "spline", "line").

    >>> dot = model_to_dot(model, show_shapes=True, rankdir="LR")                  # doctest: +SKIP
    >>> dot.write("model.svg", format="svg")                                          # doctest: +SKIP
    """
    check_built(model, "model_to_dot")
    pydot = _pydot()
    if pydot is None:
        raise ImportError("model_to_dot requires pydot: install it with `pip install pydot` (and "
                          f"{_GRAPHVIZ_HELP} to render images).")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("model_to_dot: argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"model_to_dot: unrecognized keyword arguments: {kwargs}")
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name)
        dot.set("label", model.name)
        dot.set("labeljust", "l")
    else:
        dot = pydot.Dot()
        for key, value in (("rankdir", rankdir), ("concentrate", True), ("dpi", dpi), ("splines", splines)):
            dot.set(key, value)
        dot.set_node_defaults(shape="record")
    label_args = {"show_shapes": show_shapes, "show_dtype": show_dtype, "show_layer_names": show_layer_names,
                  "show_layer_activations": show_layer_activations, "show_trainable": show_trainable}
    return _to_dot(pydot, model_graph(model, expand_nested=expand_nested), dot, label_args)


def _missing(message: str) -> None:
    if "IPython.core.magics.namespace" in sys.modules:  # in a notebook: say so without failing the cell
        print(message)
        return
    raise ImportError(message)


def plot_model(model: Any, to_file: str | os.PathLike = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = False, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 200, show_layer_activations: bool = False,
               show_trainable: bool = False, splines: str = "ortho", **kwargs: Any) -> Any:
    """Draw the model's layer graph into ``to_file`` (the format from its extension, "png" without one).

    Arguments as ``model_to_dot``. Returns an ``IPython.display.Image`` of the file when IPython is installed
    (and the file is not a PDF), else None. Needs pydot and graphviz; without them, an ImportError says what to
    install (in a notebook, the message is printed instead).

    >>> hornet.utils.plot_model(model, "model.png", show_shapes=True, show_layer_names=True)  # doctest: +SKIP
    """
    check_built(model, "plot_model")
    if not check_pydot():
        return _missing("plot_model requires pydot: install it with `pip install pydot`, and "
                        f"{_GRAPHVIZ_HELP}.")
    if not check_graphviz():
        return _missing(f"plot_model requires {_GRAPHVIZ_HELP}: pydot is installed but could not run `dot`.")
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("plot_model: argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"plot_model: unrecognized keyword arguments: {kwargs}")
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                       splines=splines)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    if extension == "pdf":
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    return display.Image(filename=to_file)


__all__ = ["check_graphviz", "check_pydot", "layer_label", "model_to_dot", "plot_model"]
