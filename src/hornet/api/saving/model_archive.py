"""The zip container of a ``.hornet`` model file: its members, their limits, and the integrity manifest.

``hornet.json`` (read first, at most 1 MiB) holds the format, the version, the saving hornet's version, and
from version 2 on a manifest ``{"members": {name: {"size": bytes, "sha256": hex}}}`` of every other member. A
version-2 file must hold exactly the members its manifest lists, each of the recorded size and hash, so a flipped
byte, a truncated member or a member swapped in from another file is refused before it is parsed. Version-1
files (no manifest) still load, with every other check.

>>> meta, entries = read_model_archive("m.hornet")          # doctest: +SKIP
>>> sorted(entries)[:2]
['config.json', 'forward.json']
"""
from __future__ import annotations

import json
import zipfile
from typing import Any

from hornet.api.saving import json_data
from hornet.api.saving.archive import Archive, sha256
from hornet.api.saving.atomic_write import write_atomically
from hornet.api.saving.file_errors import ModelFileError, short

FORMAT = "hornet.model"
VERSION = 2
_GiB = 1024 ** 3
MEMBER_LIMITS = {
    "hornet.json": 1 << 20,
    "config.json": 64 << 20,
    "forward.json": 4 * _GiB,
    "weights.safetensors": 256 * _GiB,
    "forward_state.safetensors": 256 * _GiB,
    "state.safetensors": 256 * _GiB,
    "optimizer.safetensors": 256 * _GiB,
}
REQUIRED = ("hornet.json", "config.json", "weights.safetensors", "forward.json")


def write_model_archive(filepath: str, meta: dict[str, Any], entries: dict[str, bytes]) -> None:
    """Write ``entries`` plus a ``hornet.json`` of ``meta`` and their manifest, atomically."""
    manifest = {name: {"size": len(data), "sha256": sha256(data)} for name, data in entries.items()}
    header = json.dumps({**meta, "format": FORMAT, "version": VERSION, "members": manifest}).encode()

    def write(f: Any) -> None:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as z:
            z.writestr("hornet.json", header)
            for name, data in entries.items():
                z.writestr(name, data)

    write_atomically(filepath, write)


def read_model_archive(filepath: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The parsed ``hornet.json`` and every member's bytes, bounded and verified against the manifest."""
    with Archive(filepath, MEMBER_LIMITS) as archive:
        for required in REQUIRED:
            if required not in archive.infos:
                raise ModelFileError(f"the model file has no '{required}'", file=filepath)
        meta = _meta(archive.read("hornet.json"), filepath)
        manifest = _manifest(meta, filepath) if meta["version"] >= 2 else None
        if manifest is not None:
            listed, present = set(manifest), set(archive.names) - {"hornet.json"}
            if listed != present:
                missing, extra = sorted(listed - present), sorted(present - listed)
                what = f"is missing {missing}" if missing else f"holds {extra}, which hornet.json does not list"
                raise ModelFileError(f"the file {what}", file=filepath, member="hornet.json",
                                     path="$.members")
            for name, (size, _) in manifest.items():
                if archive.size(name) != size:
                    raise ModelFileError(f"the entry holds {archive.size(name)} bytes but hornet.json records "
                                         f"{size}", file=filepath, member=name)
        entries = {}
        for name in archive.names:
            if name != "hornet.json":
                entries[name] = archive.read(name, sha256=manifest[name][1] if manifest is not None else None)
    return meta, entries


def _meta(data: bytes, filepath: str) -> dict[str, Any]:
    meta = json_data.loads(data, file=filepath, member="hornet.json")
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"not a hornet model file (format {short(meta.get('format') if isinstance(meta, dict) else meta)})",
                             file=filepath)
    version = meta.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"hornet.json has an invalid version {short(version)} (expected an integer)",
                             file=filepath, member="hornet.json", path="$.version")
    if version > VERSION:
        raise ModelFileError(f"model file version {version} is newer than this hornet supports ({VERSION}); "
                             "upgrade hornet", file=filepath)
    return meta


def _manifest(meta: dict[str, Any], filepath: str) -> dict[str, tuple[int, str]]:
    raw = meta.get("members")
    if not isinstance(raw, dict):
        raise ModelFileError("a version-2 model file must list its members with their sizes and sha256",
                             file=filepath, member="hornet.json", path="$.members")
    out = {}
    for name, info in raw.items():
        where = f"$.members.{short(name, 60)}"
        if name not in MEMBER_LIMITS or name == "hornet.json":
            raise ModelFileError(f"lists an unexpected member {short(name)}", file=filepath, member="hornet.json",
                                 path=where)
        if not isinstance(info, dict) or set(info) != {"size", "sha256"} or not isinstance(info["size"], int) \
                or isinstance(info["size"], bool) or not 0 <= info["size"] <= MEMBER_LIMITS[name] \
                or not isinstance(info["sha256"], str) or len(info["sha256"]) != 64:
            raise ModelFileError(f"a member must be recorded as {{'size': bytes, 'sha256': 64 hex digits}}, got "
                                 f"{short(info)}", file=filepath, member="hornet.json", path=where)
        out[name] = (info["size"], info["sha256"].lower())
    for required in REQUIRED[1:]:
        if required not in out:
            raise ModelFileError(f"does not list the required member '{required}'", file=filepath,
                                 member="hornet.json", path="$.members")
    return out


__all__ = ["FORMAT", "VERSION", "MEMBER_LIMITS", "write_model_archive", "read_model_archive"]
