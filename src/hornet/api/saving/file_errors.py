"""The error every loader raises for a file it refuses: it names the file, the member inside it (a zip entry
such as ``config.json``) and the JSON path of the offending value.

>>> str(ModelFileError("must be an integer", file="m.hornet", member="config.json", path="$.model.config.units"))
'm.hornet: config.json: $.model.config.units: must be an integer'
"""
from __future__ import annotations

from hornet.ir.errors import LoadError


class ModelFileError(LoadError):
    """A model, weights or artifact file that can't be loaded (corrupt, hostile, foreign, or from a newer
    hornet). ``file``, ``member`` and ``path`` say where; any of them may be None."""

    def __init__(self, message: str, file: str | None = None, member: str | None = None, path: str | None = None):
        self.file, self.member, self.path, self.reason = file, member, path, message
        super().__init__(self._text())

    def _text(self) -> str:
        return ": ".join([p for p in (self.file, self.member, self.path) if p] + [self.reason])

    def located(self, file: str | None = None, member: str | None = None) -> "ModelFileError":
        """The same error with the file and member filled in where they were unknown when it was raised."""
        if (file is None or self.file is not None) and (member is None or self.member is not None):
            return self
        out = type(self).__new__(type(self))
        out.__dict__.update(self.__dict__)
        out.file, out.member = self.file or file, self.member or member
        out.args = (out._text(),)
        out.__cause__ = self.__cause__
        return out


def short(value: object, limit: int = 80) -> str:
    """A repr for error messages, cut so that hostile files cannot flood them."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


__all__ = ["ModelFileError", "short"]
