"""Writing export files: atomically (:mod:`kg.atomic`), and RDF with its @prefix lines in a stable order.

Every export is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous file intact.
"""
from __future__ import annotations

from kg.atomic import atomic_output, write_file  # noqa: F401 (the writers' shared file handling)


def export_output(target):
    """:func:`kg.atomic.atomic_output` for a large export: its bytes go to the disk around the page cache
    where the file system allows it (:class:`kg.atomic.DirectWriter`)."""
    return atomic_output(target, direct=True)


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
