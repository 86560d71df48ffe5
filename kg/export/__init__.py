"""Writers, one module per output format, each with one ``write_*`` entry point.

Every file is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous export intact.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from kg.graph import KnowledgeGraph
from kg.export.turtle import write_turtle

Writer = Callable[[KnowledgeGraph, Path], Path]

# format name -> (file it writes, writer); `kg build --formats` chooses among these keys
FORMATS: dict[str, Writer] = {
    "ttl": write_turtle,
}


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
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
