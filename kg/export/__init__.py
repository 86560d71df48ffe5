"""Writers, one module per output format, each with one ``write_*`` entry point.

Every file is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous export intact.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from kg.graph import KnowledgeGraph
from kg.export.files import atomic_output, write_file  # noqa: F401 (the writers' shared file handling)
from kg.export.turtle import write_turtle
from kg.export.ntriples import write_ntriples
from kg.export.jsonld import write_jsonld
from kg.export.trig import write_trig
from kg.export.graphml import write_graphml
from kg.export.gexf import write_gexf
from kg.export.timeline_json import write_timeline_json
from kg.export.html import write_html
from kg.export.timeline_html import write_timeline_html
from kg.export.picture import write_picture

Writer = Callable[[KnowledgeGraph, Path], Path]

# format name -> (file it writes, writer); `kg build --formats` chooses among these keys
FORMATS: dict[str, Writer] = {
    "ttl": write_turtle,
    "nt": write_ntriples,
    "jsonld": write_jsonld,
    "trig": write_trig,
    "graphml": write_graphml,
    "gexf": write_gexf,
    "timeline_json": write_timeline_json,
    "html": write_html,
    "timeline_html": write_timeline_html,
    "png": write_picture,
}
