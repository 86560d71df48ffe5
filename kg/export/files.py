"""Writing export files: atomically, and RDF with its @prefix lines in a stable order.

Every export is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous file intact.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox


@contextmanager
def atomic_output(target: Path, mode: str = "wb"):
    """Open a temporary file beside ``target``; it replaces ``target`` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; an export is for everyone to read
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_file(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; returns ``target``."""
    target = Path(target)
    with atomic_output(target) as handle:
        handle.write(data)
    return target


def rdf_bytes(items, rdf_format: ox.RdfFormat, prefix_map: dict[str, str], header: str = "") -> bytes:
    """Turtle or TriG by Oxigraph, with the @prefix lines sorted by name so the file does not depend
    on a hash order."""
    body = ox.serialize(items, format=rdf_format, prefixes=prefix_map)
    lines = body.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix"):
        n += 1
    head = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(prefix_map.items()))
    return (header + head).encode("utf-8") + b"\n" + b"\n".join(lines[n:])
