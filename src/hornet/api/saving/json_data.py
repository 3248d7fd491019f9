"""Strict, bounded JSON parsing of a model file's members (``hornet.ir.strict_json``), with every failure a
:class:`ModelFileError` naming the file and the member.

>>> loads(b'{"a": [1, 2]}', file="m.hornet", member="config.json")
{'a': [1, 2]}
"""
from __future__ import annotations

from typing import Any

from hornet.api.saving.file_errors import ModelFileError
from hornet.ir.strict_json import StrictJSONError, parse


def loads(data: bytes | str, file: str | None = None, member: str | None = None) -> Any:
    try:
        return parse(data)
    except StrictJSONError as e:
        raise ModelFileError(e.reason, file=file, member=member, path=e.path) from None


__all__ = ["loads"]
