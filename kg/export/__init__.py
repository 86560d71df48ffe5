"""Writers, one module per output format, each with one ``write_*`` entry point.

Every file is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous export intact.
"""
from __future__ import annotations

import multiprocessing
import os
import traceback
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

# format name -> writer; `kg build --formats` chooses among these keys
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

# formats drawn from the views (kg.views); the others are streamed from the RDF parts
VIEW_FORMATS = frozenset({"graphml", "gexf", "timeline_json", "html", "timeline_html", "png"})


class ExportError(RuntimeError):
    """A writer failed in the process that wrote the view formats."""


def write_all(kg: KnowledgeGraph, out_dir: Path, names: list[str], jobs: int = 1) -> list[Path]:
    """Write the formats ``names``; with ``jobs`` > 1, the view formats in a second process (forked, so it
    shares the built graph) while this one streams the RDF formats. Returns the files, in ``names`` order."""
    views = [n for n in names if n in VIEW_FORMATS]
    rdf = [n for n in names if n not in VIEW_FORMATS]
    if jobs < 2 or not views or not rdf or "fork" not in multiprocessing.get_all_start_methods():
        return [FORMATS[n](kg, Path(out_dir)) for n in names]
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_write_in_child, args=(kg, Path(out_dir), views, send), daemon=True)
    child.start()
    send.close()
    try:
        written = {n: FORMATS[n](kg, Path(out_dir)) for n in rdf}
        try:
            problem = receive.recv()
        except EOFError:  # it died without a word (killed, out of memory)
            problem = "the process writing the view formats stopped"
        child.join()
    except BaseException:
        child.terminate()
        child.join()
        raise
    if problem or child.exitcode != 0:
        raise ExportError(problem or f"the view writer exited with code {child.exitcode}")
    written.update({n: Path(out_dir) / FILES[n] for n in views})
    return [written[n] for n in names]


def _write_in_child(kg, out_dir: Path, names: list[str], send) -> None:
    try:
        for n in names:
            FORMATS[n](kg, out_dir)
        send.send("")
    except BaseException as err:  # reported by the parent, which exits non-zero
        frame = traceback.extract_tb(err.__traceback__)[-1]
        send.send(f"{type(err).__name__}: {err} ({os.path.basename(frame.filename)}:{frame.lineno})")
    finally:
        send.close()


# the file each format writes (for the files the second process wrote)
FILES = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld", "trig": "graph.trig",
         "graphml": "graph.graphml", "gexf": "graph.gexf", "timeline_json": "timeline.json",
         "html": "graph.html", "timeline_html": "timeline.html", "png": "timeline.png"}
