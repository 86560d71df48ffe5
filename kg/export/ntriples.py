"""graph.nt: the merged graph as N-Triples, one sorted triple a line (diffs and ``grep`` friendly)."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from kg.export.files import atomic_output


def write_ntriples(kg, out_dir: Path) -> Path:
    target = Path(out_dir) / "graph.nt"
    lines = ox.serialize(kg.triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)
    with atomic_output(target) as handle:
        handle.write(b"".join(sorted(lines)))
    return target
