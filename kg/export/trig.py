"""graph.trig: one named graph per article (what that article says), graph-level facts in the default graph.

The named graph of an article is called by the article's IRI and holds what
the article states: its own nodes (as Turtle), and the lines about the shared
nodes it names and its story mentions (as N-Triples lines, which are Turtle
statements too: it saves converting a million small pieces); the default graph holds what only the whole build knows
(``tikg:supportCount``). The union of all graphs is exactly the Turtle
export's triples, so provenance survives merging: a consumer can ask which
articles state a triple (``GRAPH ?article { ... }``).
"""
from __future__ import annotations

from pathlib import Path

from kg.export.files import export_output, graph_parts, prefix_header
from kg.export.turtle import HEADER
from kg.render import turtle_fragment
from kg.vocab import prefixes


def write_trig(kg, out_dir: Path) -> Path:
    kg = graph_parts(kg)
    base = kg.iris.base
    target = Path(out_dir) / "graph.trig"
    default = kg.support_nt if kg.digests else kg.shared_nt
    with export_output(target) as handle:
        handle.write(prefix_header(prefixes(base), HEADER))
        handle.write(turtle_fragment(default, base))
        for d in kg.digests:
            handle.write(b"\n<" + kg.iris.article(d.id).value.encode() + b"> {\n")
            handle.write(d.section("ttl"))
            handle.write(d.section("shared"))  # N-Triples lines are Turtle statements too
            handle.write(kg.story_nt(d))
            handle.write(b"}\n")
    return target
