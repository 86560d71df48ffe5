"""The view formats, written by a process of their own:
``python -m kg.export.view_writer SPANS BASE OUT NAMES [TIMELINE]``.

:class:`kg.export.ViewProcess` starts it with where the articles' own view lines are in their render entries
(``SPANS``: a pickled list of :meth:`kg.render.ArticleDigest.section_span`; they are known once the articles
are collected), the base IRI, the output folder and the comma-separated
formats to write. It indexes those lines while the build assembles the story, then reads from stdin one
line: the path of a file with the shared nodes' view lines (an empty line or none: stop without
writing). Given ``TIMELINE``, a file path, it pickles the timeline view there first and says
``TIMELINE_READY`` on stdout (the build writes the timeline's formats). It exits 0 once every file is in
place; else 1, with what went wrong on one line of stdout. It ends without freeing what it made
(``LEFT_FOR_EXIT``).
"""
from __future__ import annotations

import io
import os
import signal
import sys
import traceback
from pathlib import Path

TIMELINE_READY = "timeline view handed over\n"
# what the process made, dropped by os._exit rather than freed object by object: at 10,000 articles,
# freeing the index and the last view took 0.5 s, and this process is the last of a build to end
LEFT_FOR_EXIT: list = []


def write_views(spans_path: str, base_iri: str, out_dir: Path, names: list[str], timeline_path: str | None = None) -> None:
    """Write the formats ``names``: those of the relations view first, then forget that view before the
    timeline's are made (at 10,000 articles the process peaks 0.2 GB lower).

    With ``timeline_path``, the timeline view is made first and handed over instead (:func:`hand_over`)."""
    from kg.export import VIEW_OF, writing_steps
    from kg.graph import ViewGraph
    from kg.iris import Iris
    from kg.views import GraphIndex, index_part, release_view, remember_index
    from kg.views.relations import relations
    from kg.views.timeline import timeline
    # while the story is assembled, when the build peaks in memory: small rather than fast
    articles = index_part(_triples_in(_SectionsReader(spans_path)), share_links=True)
    shared_path = sys.stdin.buffer.readline().rstrip(b"\n")
    if not shared_path:
        return
    # the shared lines come first in the view graph, then each article's
    shared = index_part(_triples_in(os.fsdecode(shared_path)))
    view = ViewGraph(None, Iris(base_iri))
    remember_index(view, GraphIndex(parts=[shared, articles]))
    del articles, shared
    if timeline_path is not None:
        hand_over(timeline(view), timeline_path)
        release_view(view, timeline)
    steps = writing_steps(sorted(names, key=lambda n: VIEW_OF[n] is not relations))
    for i, (step, write) in enumerate(steps):
        write(view, out_dir)
        later = [other for more, _ in steps[i + 1:] for other in more]
        if later and all(VIEW_OF[other] is not VIEW_OF[step[0]] for other in later):
            release_view(view, VIEW_OF[step[0]])
    LEFT_FOR_EXIT.append(view)


def hand_over(view, path: str) -> None:
    """Pickle ``view`` to ``path`` and say so on stdout (``TIMELINE_READY``): the build writes its formats
    once its RDF formats are written, while this process writes the relations view's. At 10,000 articles
    that shortens this process, the last to end, by ~2 s (pickling 0.24 s, loading 0.14 s)."""
    import pickle
    with open(path, "wb") as handle:
        pickle.dump(view, handle, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.write(TIMELINE_READY)
    sys.stdout.flush()


def _triples_in(source):
    """The triples of an N-Triples file (a path or a binary file object), parsed as it is read (held whole,
    the articles' text was 0.15 GB more at 10,000 articles); lenient as :class:`kg.graph.ViewGraph`, for the
    same reason."""
    import pyoxigraph as ox
    if isinstance(source, str):
        return ox.parse(path=source, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return ox.parse(source, format=ox.RdfFormat.N_TRIPLES, lenient=True)


class _SectionsReader(io.RawIOBase):
    """The render entries' sections listed in the pickled file ``spans_path``, read one after the other as
    one binary stream."""

    def __init__(self, spans_path: str):
        import pickle
        from kg.render import read_section
        with open(spans_path, "rb") as handle:
            self._spans = iter(pickle.load(handle))
        self._read_section = read_section
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._left:
            span = next(self._spans, None)
            if span is None:
                return 0
            self._left = memoryview(self._read_section(*span))
        n = min(len(buffer), len(self._left))
        buffer[:n] = self._left[:n]
        self._left = self._left[n:]
        return n


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops this process
    spans_path, base_iri, out_dir, names, *timeline_path = argv
    from kg.gc_pause import paused_gc
    try:
        with paused_gc():  # the index and the views live until this process ends: see kg.gc_pause
            write_views(spans_path, base_iri, Path(out_dir), [n for n in names.split(",") if n], *timeline_path)
    except BaseException as err:  # one line for the parent, which exits non-zero
        frame = traceback.extract_tb(err.__traceback__)[-1]
        print(f"{type(err).__name__}: {err} ({os.path.basename(frame.filename)}:{frame.lineno})", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # every file is closed and in place; see LEFT_FOR_EXIT
