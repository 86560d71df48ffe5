"""telecom-incident-kg: crawled Korean news about telecom security incidents -> a knowledge graph.

The one call for notebooks and programs::

    import kg
    result = kg.build_graph(["seeds/"])
    result.graph      # rdflib.Graph of the merged graph
    result.skipped    # files that could not be read, each with its reason
"""
from __future__ import annotations

__version__ = "0.1.0"


def build_graph(paths, base_iri: str | None = None):
    """Build the graph from article files or folders; see :func:`kg.build.build_graph`."""
    from kg.build import build_graph as _build_graph
    from kg.vocab import DEFAULT_BASE_IRI
    return _build_graph(paths, base_iri or DEFAULT_BASE_IRI)


__all__ = ["build_graph", "__version__"]
