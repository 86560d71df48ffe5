"""Writing export files: atomically, and RDF with its @prefix lines in a stable order.

Every export is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous file intact.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path



@contextmanager
def atomic_output(target: Path, mode: str = "wb"):
    """Open a temporary file beside ``target``; it replaces ``target`` only if the block succeeds.

    An interrupted or killed build therefore never leaves a half-written export. There is no fsync:
    that would guard against power loss, not against interruption, and costs seconds per gigabyte.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": "\n"})) as handle:
            yield handle
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


def prefix_header(prefix_map: dict[str, str], header: str = "") -> bytes:
    """``header`` and the @prefix lines, sorted by name so the file does not depend on a hash order."""
    head = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(prefix_map.items()))
    return (header + head).encode("utf-8") + b"\n"


def graph_parts(graph):
    """``graph`` as the RDF writers read it: a :class:`kg.graph.KnowledgeGraph` as it is; anything else
    with ``.triples`` and ``.iris`` (a parsed file in tests) as a graph of shared lines and no articles."""
    if hasattr(graph, "digests"):
        return graph
    from kg.graph import KnowledgeGraph
    from kg.mapping import Resolver
    from kg.render import nt_lines
    return KnowledgeGraph(graph.iris, [], Resolver(), shared_nt=b"".join(nt_lines(graph.triples)))
