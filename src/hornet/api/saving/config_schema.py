"""The schema of a model file's ``config.json``, checked before anything is built.

::

    {"model": Entry, "compile": Compile | null, "inputs": Signature}
    Entry     = {"class_name": str, "module"?: str | null, "config": {str: Value}, "name"?: str,
                 "registered_name"?: str | null, "build_config"?: ..., "compile_config"?: ...}
    Compile   = {"optimizer": Object, "loss", "loss_weights", "metrics", "weighted_metrics": Value,
                 "steps_per_execution": int in [1, 2**20]}
    Signature = see ``specs.parse_specs``
    Value     = JSON data with finite numbers, integers within int64; every object holding "class_name" is an
                Object {"class_name": str, "module"?: str | null, "config"?: ..., "registered_name"?: ...}

Layer-specific arguments are checked by each class's constructor (errors carry the entry's JSON path); the
memory a config may make hornet allocate is bounded by the file's weights (``allocation_budget``).

>>> validate_config({"model": {"class_name": "Sequential", "config": {"layers": []}}, "compile": None,
...                  "inputs": {"tree": "leaf", "leaves": [{"shape": [None, 3], "dtype": "float32"}]}})
"""
from __future__ import annotations

import math
from typing import Any

from hornet.api.saving.file_errors import ModelFileError, short
from hornet.api.saving.specs import parse_specs

_TOP = {"model", "compile", "inputs"}
_COMPILE = {"optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "steps_per_execution"}
_ENTRY = {"class_name", "module", "config", "name", "registered_name", "build_config", "compile_config",
          "inbound_nodes"}
_INT64 = 2**63
MAX_NAME = 256


def _fail(message: str, path: str) -> ModelFileError:
    return ModelFileError(message, path=path)


def validate_config(config: Any) -> None:
    """Raise a ModelFileError naming the JSON path of the first value that breaks the schema."""
    if not isinstance(config, dict):
        raise _fail(f"config.json must be an object, got {short(config)}", "$")
    extra = set(config) - _TOP
    if extra:
        raise _fail(f"unexpected key {short(sorted(extra)[0])} (expected {', '.join(sorted(_TOP))})", "$")
    if not isinstance(config.get("model"), dict):
        raise _fail(f"'model' must be a layer entry object, got {short(config.get('model'))}", "$.model")
    _check_entry(config["model"], "$.model")
    compile_config = config.get("compile")
    if compile_config is not None:
        _check_compile(compile_config, "$.compile")
    if config.get("inputs") is not None:
        parse_specs(config["inputs"], "$.inputs")
    _check_values(config, "$")


def _check_entry(entry: dict[str, Any], path: str) -> None:
    extra = set(entry) - _ENTRY
    if extra:
        raise _fail(f"unexpected key {short(sorted(extra)[0])} in a layer entry", path)
    _name(entry.get("class_name"), f"{path}.class_name", required=True)
    _optional_str(entry.get("module"), f"{path}.module")
    _optional_str(entry.get("registered_name"), f"{path}.registered_name")
    if "name" in entry:
        _name(entry["name"], f"{path}.name", required=True)
    config = entry.get("config", {})
    if not isinstance(config, dict):
        raise _fail(f"'config' must be an object, got {short(config)}", f"{path}.config")
    if "name" in config and config["name"] is not None:
        _name(config["name"], f"{path}.config.name", required=True)
    if "trainable" in config and not isinstance(config["trainable"], bool):
        raise _fail(f"'trainable' must be true or false, got {short(config['trainable'])}",
                    f"{path}.config.trainable")
    for key in ("layers", "cells"):
        if key in config:
            items = config[key]
            if not isinstance(items, list):
                raise _fail(f"'{key}' must be a list of layer entries, got {short(items)}", f"{path}.config.{key}")
            for i, item in enumerate(items):
                if not isinstance(item, dict):
                    raise _fail(f"a layer entry must be an object, got {short(item)}", f"{path}.config.{key}[{i}]")
                _check_entry(item, f"{path}.config.{key}[{i}]")
    for key in ("layer", "cell", "backward_layer"):
        item = config.get(key)
        if isinstance(item, dict) and "class_name" in item:
            _check_entry(item, f"{path}.config.{key}")
    if "nodes" in config and not isinstance(config["nodes"], list):
        raise _fail(f"'nodes' must be a list, got {short(config['nodes'])}", f"{path}.config.nodes")


def _check_compile(config: Any, path: str) -> None:
    if not isinstance(config, dict):
        raise _fail(f"'compile' must be an object or null, got {short(config)}", path)
    extra = set(config) - _COMPILE
    if extra:
        raise _fail(f"unexpected key {short(sorted(extra)[0])} (expected {', '.join(sorted(_COMPILE))})", path)
    optimizer = config.get("optimizer")
    if not isinstance(optimizer, (dict, str)):
        raise _fail(f"'optimizer' must be an optimizer object or name, got {short(optimizer)}", f"{path}.optimizer")
    steps = config.get("steps_per_execution", 1)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= 2**20:
        raise _fail(f"'steps_per_execution' must be an integer in [1, {2**20}], got {short(steps)}",
                    f"{path}.steps_per_execution")


def _name(value: Any, path: str, required: bool) -> None:
    if not isinstance(value, str) or (required and not value) or len(value) > MAX_NAME:
        raise _fail(f"must be a non-empty string of at most {MAX_NAME} characters, got {short(value)}", path)


def _optional_str(value: Any, path: str) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > 1024):
        raise _fail(f"must be a string or null, got {short(value)}", path)


def _check_values(root: Any, path: str) -> None:
    """Numbers are finite and within int64; objects with a 'class_name' are well-formed object entries."""
    stack = [(root, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, bool) or value is None or isinstance(value, str):
            continue
        if isinstance(value, int):
            if not -_INT64 <= value < _INT64:
                raise _fail(f"the integer {short(value)} is outside the int64 range", where)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise _fail(f"the number {value} is not finite", where)
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(value))
        elif isinstance(value, dict):
            if "class_name" in value:
                _name(value["class_name"], f"{where}.class_name", required=True)
                _optional_str(value.get("module"), f"{where}.module")
                _optional_str(value.get("registered_name"), f"{where}.registered_name")
                if "config" in value and not isinstance(value["config"], (dict, str, type(None))):
                    raise _fail(f"'config' must be an object, got {short(value['config'])}", f"{where}.config")
            stack.extend((v, f"{where}.{k}") for k, v in value.items())


__all__ = ["validate_config"]
