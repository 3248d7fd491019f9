"""Bounded reading of zip archives (model files): nothing is read before its size is known to be plausible.

Checked from the central directory, before any member is read: every name is an expected member and appears
once (so no path can escape, and nothing is ever extracted), no member is encrypted, each member is within its
size limit, a compressed member expands at most ``MAX_RATIO`` times (zip bombs), and the members' compressed
bytes add up to no more than the file holds (overlapping members, another bomb). A member is then read in chunks
and refused as soon as it outgrows its declared size, and its sha256 is checked where the caller knows it.

>>> with Archive("m.hornet", {"config.json": 1 << 20}) as archive:        # doctest: +SKIP
...     data = archive.read("config.json")
"""
from __future__ import annotations

import hashlib
import os
import zipfile
from typing import Mapping

from hornet.api.saving.file_errors import ModelFileError, short

MAX_RATIO = 200
_RATIO_FREE = 1 << 16  # small members (JSON) may compress further
_CHUNK = 1 << 20


class Archive:
    """A zip file whose members are ``limits``' keys, each at most ``limits[name]`` bytes."""

    def __init__(self, filepath: str, limits: Mapping[str, int], kind: str = "hornet model file"):
        self.filepath = filepath
        self.limits = limits
        if not os.path.isfile(filepath):
            raise ModelFileError("No such file" if not os.path.exists(filepath) else "not a regular file",
                                 file=filepath)
        try:
            size = os.path.getsize(filepath)
            self._zip = zipfile.ZipFile(filepath)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
            raise ModelFileError(f"not a {kind} ({e})", file=filepath) from None
        try:
            self.infos = self._check_directory(size)
        except BaseException:
            self._zip.close()
            raise

    def _fail(self, message: str, member: str | None = None) -> ModelFileError:
        return ModelFileError(message, file=self.filepath, member=member)

    def _check_directory(self, file_size: int) -> dict[str, zipfile.ZipInfo]:
        infos: dict[str, zipfile.ZipInfo] = {}
        entries = self._zip.infolist()
        if len(entries) > len(self.limits):
            raise self._fail(f"the archive has {len(entries)} members; a model file has at most {len(self.limits)}")
        stored = 0
        for info in entries:
            name = info.filename
            if name not in self.limits:
                raise self._fail(f"unexpected entry {short(name)} in the model file (expected only "
                                 f"{', '.join(sorted(self.limits))})")
            if name in infos:
                raise self._fail(f"the entry '{name}' appears twice; the file is ambiguous")
            if info.flag_bits & 0x1:
                raise self._fail("the entry is encrypted", name)
            if info.file_size > self.limits[name]:
                raise self._fail(f"the entry is implausibly large ({info.file_size} bytes; the limit is "
                                 f"{self.limits[name]})", name)
            if info.compress_type != zipfile.ZIP_STORED \
                    and info.file_size > max(_RATIO_FREE, info.compress_size * MAX_RATIO):
                raise self._fail(f"the entry expands from {info.compress_size} to {info.file_size} bytes, more than "
                                 f"{MAX_RATIO}x: refused as a zip bomb", name)
            stored += info.compress_size
            infos[name] = info
        if stored > file_size:
            raise self._fail(f"the members' data ({stored} bytes) exceeds the file's size ({file_size} bytes): the "
                             "members overlap")
        return infos

    @property
    def names(self) -> list[str]:
        return list(self.infos)

    def size(self, name: str) -> int:
        return self.infos[name].file_size

    def read(self, name: str, sha256: str | None = None) -> bytes:
        """The member's bytes, read in bounded chunks; its size (and sha256, when given) must match."""
        info = self.infos[name]
        want = info.file_size
        chunks, got = [], 0
        digest = hashlib.sha256()
        try:
            with self._zip.open(info) as f:
                while True:
                    chunk = f.read(min(_CHUNK, want - got + 1))
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > want:
                        raise self._fail(f"the entry holds more than the {want} bytes it declares", name)
                    digest.update(chunk)
                    chunks.append(chunk)
        except ModelFileError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as e:
            raise self._fail(f"the entry is corrupt ({e})", name) from None
        if got != want:
            raise self._fail(f"the entry holds {got} bytes but declares {want}", name)
        if sha256 is not None and digest.hexdigest() != sha256:
            raise self._fail("the entry's sha256 does not match the one recorded in hornet.json: the file is "
                             "corrupt or was altered", name)
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["Archive", "sha256", "MAX_RATIO"]
