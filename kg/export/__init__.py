"""Writers, one module per output format, each with one ``write_*`` entry point.

Every file is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous export intact.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
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
from kg.views.relations import relations
from kg.views.timeline import timeline

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

# formats drawn from the views (kg.views) -> the view each draws; the others are streamed from the RDF parts
VIEW_OF = {"graphml": relations, "gexf": relations, "html": relations,
           "timeline_json": timeline, "timeline_html": timeline, "png": timeline}
VIEW_FORMATS = frozenset(VIEW_OF)


class ExportError(RuntimeError):
    """A writer failed in the process that wrote the view formats."""


def write_all(kg: KnowledgeGraph, out_dir: Path, names: list[str], jobs: int = 1) -> list[Path]:
    """Write the formats ``names``; with ``jobs`` > 1, the view formats in a second process while this one
    streams the RDF formats. Returns the files, in ``names`` order.

    The second process is a fresh interpreter (:mod:`kg.export.view_writer`) that reads only the view
    graph's N-Triples from a temporary file. A forked child would share this process's memory (the
    digests, the shared lines) and copy page after page of it as reference counts change: at 10,000
    articles 1 GB more and a third more time than the views alone. multiprocessing's spawn would
    import the caller's main script again, which breaks scripts without a ``__main__`` guard."""
    views = [n for n in names if n in VIEW_FORMATS]
    rdf = [n for n in names if n not in VIEW_FORMATS]
    if jobs < 2 or not views or not rdf:
        return [FORMATS[n](kg, Path(out_dir)) for n in names]
    with tempfile.NamedTemporaryFile(prefix="kg-view-", suffix=".nt") as text:
        text.writelines(kg.view_nt_chunks())
        text.flush()
        child = subprocess.Popen([sys.executable, "-m", "kg.export.view_writer", text.name, kg.iris.base,
                                  str(out_dir), ",".join(views)],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=_finding_this_package())
        try:
            written = {n: FORMATS[n](kg, Path(out_dir)) for n in rdf}
            said, errors = child.communicate()
        except BaseException:
            child.kill()
            child.wait()
            raise
    if child.returncode != 0:
        problem = said.decode("utf-8", "replace").strip() or _last_line(errors)
        raise ExportError(problem or f"the view writer exited with code {child.returncode}")
    written.update({n: Path(out_dir) / FILES[n] for n in views})
    return [written[n] for n in names]


def _finding_this_package() -> dict[str, str]:
    """The environment, with this package's folder first on ``PYTHONPATH`` (it may not be installed)."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parent.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join([here] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def _last_line(text: bytes) -> str:
    lines = text.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""


# the file each format writes (for the files the second process wrote)
FILES = {"ttl": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld", "trig": "graph.trig",
         "graphml": "graph.graphml", "gexf": "graph.gexf", "timeline_json": "timeline.json",
         "html": "graph.html", "timeline_html": "timeline.html", "png": "timeline.png"}
