"""graph.nt: the merged graph as N-Triples, one triple a line (diffs and ``grep`` friendly).

Lines are sorted within each part: the shared nodes first, then each article's own nodes, articles by id.
"""
from __future__ import annotations

from pathlib import Path

from kg.export.files import export_output, graph_parts


def write_ntriples(kg, out_dir: Path) -> Path:
    target = Path(out_dir) / "graph.nt"
    with export_output(target) as handle:
        for chunk in graph_parts(kg).nt_chunks():
            handle.write(chunk)
    return target
