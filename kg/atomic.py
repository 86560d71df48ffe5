"""Files written whole or not at all: exports, the cache's indexes, the story pack's index.

Each file is written to a temporary ``.*.part`` file beside its target and moved
into place (``os.replace``), so an interrupted or killed build leaves the previous
file or none, never half of one (the cache clears stale ``.part`` leftovers).
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(target: Path, mode: str = "wb"):
    """Open a temporary file beside ``target``; it replaces ``target`` only if the block succeeds.

    There is no fsync: that would guard against power loss, not against interruption, and costs
    seconds per gigabyte.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the files are for everyone to read
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_file(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; returns ``target``."""
    target = Path(target)
    with atomic_output(target) as handle:
        handle.write(data)
    return target
