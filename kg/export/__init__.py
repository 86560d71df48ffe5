"""Writers, one module per output format, each with one ``write_*`` entry point.

Every file is written to a temporary file beside its target and moved into
place, so an interrupted build leaves the previous export intact.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

from kg.graph import KnowledgeGraph, ViewGraph
from kg.render import close_packs
from kg.export.files import atomic_output, write_file  # noqa: F401 (the writers' shared file handling)
from kg.export.turtle import write_turtle
from kg.export.ntriples import write_ntriples
from kg.export.jsonld import write_jsonld
from kg.export.trig import write_trig
from kg.export.graphml import write_graphml
from kg.export.gexf import write_gexf, write_graphml_and_gexf
from kg.export.timeline_json import write_timeline_json
from kg.export.html import write_html
from kg.export.timeline_html import write_timeline_html
from kg.export.picture import write_picture
from kg.export.view_writer import TIMELINE_READY
from kg.views import remember_view
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


def writing_steps(names: list[str]) -> list[tuple[list[str], Callable[[KnowledgeGraph, Path], list[Path]]]]:
    """``names`` as the writers that write them, in order: graph.graphml and graph.gexf in one pass over the
    relations view's nodes when both are asked for (:func:`kg.export.gexf.write_graphml_and_gexf`, at the
    first one's place), every other format by its own writer. Each writer returns its files."""
    steps = [([n], lambda kg, out, write=FORMATS[n]: [write(kg, out)]) for n in names]
    if "graphml" in names and "gexf" in names:
        first = min(names.index("graphml"), names.index("gexf"))
        steps[first] = (["graphml", "gexf"], write_graphml_and_gexf)
        steps = [step for step in steps if step[0] not in (["graphml"], ["gexf"])]
    return steps


class ExportError(RuntimeError):
    """A writer failed in the process that wrote the view formats."""


def write_all(kg: KnowledgeGraph, out_dir: Path, names: list[str], jobs: int = 1,
              views: "ViewProcess | None" = None, meanwhile: Callable[[], object] | None = None) -> list[Path]:
    """Write the formats ``names``; with ``jobs`` > 1, the view formats in a second process while this one
    streams the RDF formats (then writes the timeline's, from the view that process hands over). Returns the
    files, in ``names`` order.

    ``views``: that second process, started before the graph was assembled (:func:`start_views`), if it
    was; one started for other articles, formats or folder is stopped and another started.
    ``meanwhile``: work of the caller's to do once this process has written its formats, while the second
    one may still write (the CLI's stamp): called once, whether or not there is a second process.

    The second process is a fresh interpreter (:mod:`kg.export.view_writer`) that reads only the view
    graph's N-Triples: the articles' from their render entries, the shared nodes' from a temporary file. A forked child would share this process's memory (the
    digests, the shared lines) and copy page after page of it as reference counts change: at 10,000
    articles 1 GB more and a third more time than the views alone. multiprocessing's spawn would
    import the caller's main script again, which breaks scripts without a ``__main__`` guard."""
    try:
        return _write_all(kg, Path(out_dir), names, jobs, views, meanwhile)
    finally:
        close_packs()


def _write_all(kg: KnowledgeGraph, out_dir: Path, names: list[str], jobs: int, views: "ViewProcess | None",
               meanwhile: Callable[[], object] | None) -> list[Path]:
    if views is not None and not views.serves(kg, out_dir, names):
        views.stop()
        views = None
    if views is None:
        views = start_views(kg.digests, kg.iris.base, out_dir, names, jobs)
    if views is None:
        written_here = {n: path for step, write in writing_steps(names) for n, path in zip(step, write(kg, out_dir))}
        if meanwhile is not None:
            meanwhile()
        return [written_here[n] for n in names]
    try:
        views.send_shared(kg)
        written = {n: FORMATS[n](kg, out_dir) for n in names if n not in VIEW_FORMATS}
        handed = views.handed_timeline()
        if handed is not None:
            holder = ViewGraph(None, kg.iris)
            remember_view(holder, timeline, handed)
            written.update({n: FORMATS[n](holder, out_dir) for n in views.timeline_names})
        if meanwhile is not None:
            meanwhile()
        views.wait()
        if views.timeline_names and handed is None:  # it ended well, yet without the timeline
            raise ExportError("the view writer ended without handing the timeline view over")
    finally:
        views.stop()
    written.update({n: out_dir / FILES[n] for n in names if n not in written})
    return [written[n] for n in names]


def start_views(digests: list, base_iri: str, out_dir: Path, names: list[str], jobs: int) -> "ViewProcess | None":
    """The process writing the view formats among ``names`` for the articles ``digests`` (a build's, sorted by
    id) under ``base_iri``, started now; None where :func:`write_all` writes every format in this process (one job, or no
    view format, or nothing but view formats)."""
    views = [n for n in names if n in VIEW_FORMATS]
    if jobs < 2 or not views or len(views) == len(names) or not digests:
        return None
    try:
        return ViewProcess(digests, base_iri, Path(out_dir), names)
    except OSError:  # a full temporary folder, no interpreter: write_all starts it again, and says why
        return None


class ViewProcess:
    """:mod:`kg.export.view_writer` at work on the view formats of a set of articles.

    It starts with the articles' own view lines, which their render entries hold once the articles are
    collected: it reads them there itself (given where they are) and indexes them while the build
    assembles the story (at 10,000 articles 2 of the 3.6 s the index takes, in time the assembly leaves a
    core idle), and gets the shared nodes' lines when the graph is assembled (:meth:`send_shared`). It
    makes the timeline view first and hands it over (:meth:`handed_timeline`): this process writes the
    timeline's formats once its RDF formats are written, while that one writes the relations view's, the
    longer part."""

    def __init__(self, digests: list, base_iri: str, out_dir: Path, names: list[str]):
        self.key = self._key(digests, base_iri, out_dir, names)
        self.timeline_names = [n for n in names if VIEW_OF.get(n) is timeline]
        self._files: list = []
        self._said = b""  # what the process said before it could hand the timeline over
        try:
            # where each article's view lines are, not the lines: copying them here took 0.6 s at 10,000
            # articles, between the extraction and the assembly, when nothing else runs
            articles = self._temporary()
            pickle.dump([d.section_span("view") for d in digests], articles, protocol=pickle.HIGHEST_PROTOCOL)
            articles.flush()
            self._timeline = self._temporary() if self.timeline_names else None
            # stderr to a file: with a pipe, a process writing much there (warnings) before it hands the
            # timeline over would wait for this one, which waits for that line on stdout
            self._errors = self._temporary()
            self.child = subprocess.Popen(
                [sys.executable, "-m", "kg.export.view_writer", articles.name, base_iri, str(out_dir),
                 ",".join(n for n in names if n in VIEW_FORMATS and n not in self.timeline_names)]
                + ([self._timeline.name] if self._timeline else []),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, env=_finding_this_package())
        except BaseException:
            self._remove_files()
            raise

    @staticmethod
    def _key(digests: list, base_iri: str, out_dir: Path, names: list[str]) -> tuple:
        return ([(d.id, d.render_path) for d in digests], base_iri, str(out_dir),
                [n for n in names if n in VIEW_FORMATS])

    def serves(self, kg: KnowledgeGraph, out_dir: Path, names: list[str]) -> bool:
        """Whether this process writes what :func:`write_all` is asked to write."""
        return self.key == self._key(kg.digests, kg.iris.base, out_dir, names)

    def _temporary(self):
        handle = tempfile.NamedTemporaryFile(prefix="kg-view-")
        self._files.append(handle)
        return handle

    def send_shared(self, kg: KnowledgeGraph) -> None:
        shared = self._temporary()
        shared.write(kg.shared_nt)
        shared.flush()
        try:
            self.child.stdin.write(os.fsencode(shared.name) + b"\n")
            self.child.stdin.flush()
        except BrokenPipeError:  # it failed already: wait() says why
            pass

    def handed_timeline(self):
        """The timeline view, once the process has made it; None if no timeline format is asked for, or if
        the process failed first (:meth:`wait` says why)."""
        if self._timeline is None:
            return None
        ready = TIMELINE_READY.encode()
        while (line := self.child.stdout.readline()) != ready:
            if not line:
                return None
            self._said += line  # not ours (a library's print): kept for an error message
        with open(self._timeline.name, "rb") as handle:
            return pickle.load(handle)

    def wait(self) -> None:
        """Wait until the view files are written; raises ExportError if they are not."""
        said, _ = self.child.communicate()
        if self.child.returncode != 0:
            with open(self._errors.name, "rb") as handle:
                errors = handle.read()
            problem = (self._said + said).decode("utf-8", "replace").strip() or _last_line(errors)
            raise ExportError(problem or f"the view writer exited with code {self.child.returncode}")

    def stop(self) -> None:
        """End the process if it still runs (it writes nothing more) and remove its temporary files."""
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        for stream in (self.child.stdin, self.child.stdout):  # stderr goes to a file (see __init__)
            if not stream.closed:
                stream.close()
        self._remove_files()

    def _remove_files(self) -> None:
        for handle in self._files:
            handle.close()
        self._files.clear()


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
