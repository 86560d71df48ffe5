"""One article's part of every export, rendered where the article is extracted (in a worker, cached).

Most of the graph belongs to one article only: the article node, its
sentences and its mention nodes (dates, money, counts), all under IRIs that
contain the article's id. Those triples do not depend on any other article,
so a worker renders them once, in every RDF export format, into a pack on disk
(:class:`RenderStore`), and the export writers stream them from there into place.
The main process never holds them: at 10,000 articles they are about 1 GB of
N-Triples.

What is left for the main process is small and travels in an
:class:`ArticleDigest`: the story mentions (incidents, remedies, sanctions,
events, figures), which need every article to be resolved to nodes
(:mod:`kg.story`). The lines about shared nodes (organizations, persons) the
article states are a section of the render entry too, read when the graph is
assembled.

A render entry is the length of the pickled digest, the digest, then the raw sections (``SECTIONS``).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import struct
import zlib
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from kg.mapping.context import Triple

from kg.iris import Iris
from kg.mention import Mention
from kg.packs import pack_store
from kg.story_cache import read_at
from kg.vocab import PROV, RDF, SCHEMA, TIKG, prefixes

# kinds of resources that exist in one article only (their IRIs hold the article's id)
LOCAL_KINDS = ("article", "sentence", "mention")
# mention kinds that need the whole build to know which node they are (kg.story)
STORY_KINDS = frozenset({"incident", "remedy", "sanction", "event", "figure"})
# mention kinds whose nodes the views show as figures of the nodes they link (schema:amount, prov:wasDerivedFrom)
VIEW_FIGURE_KINDS = frozenset({"money", "quantity"})
# what the views read of a figure node (kg.views.GraphIndex.figure)
VIEW_FIGURE_PROPERTIES = tuple(p.value for p in (RDF.type, SCHEMA.value, SCHEMA.currency, SCHEMA.unitText,
                                                 TIKG.surfaceText, PROV.wasDerivedFrom))
# what a render entry holds after its digest, in this order: the article's own nodes in three RDF formats,
# then what the views read of them (N-Triples, see _view_lines), then the lines about shared nodes
# (organizations, persons) the article states (N-Triples, sorted; read once, when the graph is assembled)
SECTIONS = ("nt", "ttl", "jsonld", "view", "shared")
_PACKAGE = Path(__file__).resolve().parent
_RENDER_CODE = ("render.py", "iris.py", "vocab.py", "mapping/*.py", "export/jsonld.py")


@dataclass
class ArticleDigest:
    """What the main process keeps of one article (the rest is in its render entry).

    Pickled, its story mentions and sentences are pickled on their own, one piece a kind of mention, and
    unpickled when first read (:meth:`story_of_kind` reads one kind): the main process never reads them
    (the story is assembled in a child process), and a build that adds one article reads only the
    mentions of the groups it joins (kg.story_delta). At 10,000 articles the 285,000 story mentions took
    0.63 of the 0.83 s it took to unpickle the digests a build takes from the cache."""

    id: str
    path: str
    content_hash: str
    published_at: datetime
    title: str
    story_mentions: tuple[Mention, ...]  # incidents, remedies, sanctions, events, figures, in text order
    sentence_of: dict[int, int]  # a story mention's start -> the index of its sentence
    story_sentences: dict[int, tuple[str, int, int]]  # sentences only story mentions cite: index -> (text, start, end)
    local_triples: int = 0
    local_subjects: int = 0
    sizes: tuple[int, ...] = ()  # bytes of each of SECTIONS
    render_path: str = field(default="", compare=False)  # the pack holding its sections (kg.packs)
    data_offset: int = field(default=0, compare=False)
    stored: tuple = field(default=(), compare=False)  # (key, pack name, offset, size) of its render entry
    facts_stored: tuple = field(default=(), compare=False)  # the same of its facts entry (kg.cache)

    def story_of_kind(self, kind: str) -> tuple[Mention, ...]:
        """The story mentions of one kind, in text order."""
        if "story_mentions" in self.__dict__:
            return tuple(m for m in self.story_mentions if m.kind == kind)
        kinds = self.__dict__["_story_kinds"]
        found = kinds.get(kind, ())
        if isinstance(found, bytes):
            found = kinds[kind] = pickle.loads(found)
        return found

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "story_mentions" in state:
            mentions = state.pop("story_mentions")
            by_kind: dict[str, list[Mention]] = {}
            for m in mentions:
                by_kind.setdefault(m.kind, []).append(m)
            state["_story_kinds"] = {kind: pickle.dumps(tuple(ms), protocol=pickle.HIGHEST_PROTOCOL)
                                     for kind, ms in by_kind.items()}
            state["_story_order"] = tuple(m.kind for m in mentions)
        if "sentence_of" in state:
            state["_story_sentences"] = pickle.dumps((state.pop("sentence_of"), state.pop("story_sentences")),
                                                     protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __getattr__(self, name: str):
        """The story fields, unpickled when first read (see the class)."""
        state = self.__dict__
        if name == "story_mentions" and "_story_order" in state:
            queues = {kind: iter(self.story_of_kind(kind)) for kind in state["_story_kinds"]}
            state["story_mentions"] = tuple(next(queues[kind]) for kind in state.pop("_story_order"))
            del state["_story_kinds"]
            return state["story_mentions"]
        if name in ("sentence_of", "story_sentences") and "_story_sentences" in state:
            state["sentence_of"], state["story_sentences"] = pickle.loads(state.pop("_story_sentences"))
            return state[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def section(self, name: str) -> bytes:
        """One of SECTIONS, read from the render entry."""
        return read_section(*self.section_span(name))

    def section_span(self, name: str) -> tuple[str, int, int]:
        """Where one of SECTIONS is: (the pack holding the render entry, offset, size)."""
        i = SECTIONS.index(name)
        return self.render_path, self.data_offset + sum(self.sizes[:i]), self.sizes[i]


def read_section(path: str, offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset`` of the pack ``path`` (:meth:`ArticleDigest.section_span`).

    The pack stays open until :func:`close_packs`: each export reads a section of every article, and
    opening the pack for each took 2-7x the time of the reads (0.3-0.9 s a format at 10,000 articles)."""
    fd = _open_packs.get(path)
    if fd is None:
        if len(_open_packs) >= _OPEN_PACKS_AT_MOST:  # a process that builds again and again (tests, a server)
            close_packs()
        fd = _open_packs[path] = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        return read_at(fd, (offset, size))
    except OSError as err:
        if err.errno is not None:  # a failed read, not a pack that ends early
            raise
        raise OSError(f"{path}: render pack is truncated") from None


# render pack path -> a descriptor open for reading (read_section); packs are only appended to, and a new
# one gets a new random name, so a descriptor stays good while its pack exists
_open_packs: dict[str, int] = {}
_OPEN_PACKS_AT_MOST = 64   # a build has one pack per worker process and build that rendered its articles


def close_packs() -> None:
    """Close the packs :func:`read_section` opened (a build closes them once its exports are written: the
    cache may delete a pack later, and an open descriptor would keep its space)."""
    while _open_packs:
        os.close(_open_packs.popitem()[1])


class ArticleStub:
    """Enough of an article for mapping its story mentions in the main process (see kg.mapping.context)."""

    def __init__(self, digest: ArticleDigest):
        self.id = digest.id
        self._sentence_of = digest.sentence_of
        self.sentences = {i: _Span(*s) for i, s in digest.story_sentences.items()}

    def sentence_at(self, offset: int) -> int:
        return self._sentence_of[offset]


@dataclass(frozen=True)
class _Span:
    text: str
    start: int
    end: int


# ---------------------------------------------------------------- rendering (in a worker)
def is_local(iri: str, iris: Iris) -> bool:
    """Whether ``iri`` names a node of one article only (article, sentence, mention)."""
    return iri.startswith(_local_namespaces(iris.base))


@lru_cache(maxsize=8)
def _local_namespaces(base: str) -> tuple[str, ...]:
    iris = Iris(base)
    return tuple(iris.namespace(k) for k in LOCAL_KINDS)


def nt_lines(triples: Iterable[Triple]) -> list[bytes]:
    """The triples as sorted, distinct N-Triples lines (each ending in ``\\n``): the order of every export."""
    return [line.encode("utf-8") for line in distinct_sorted(triples)]


def distinct_sorted(triples: Iterable[Triple]) -> list[str]:
    """The N-Triples line of each distinct triple, sorted (str order is UTF-8 byte order). The terms are
    formatted here rather than by ``str(triple)``: one method call less for each of ~600 triples an article."""
    return sorted({f"{s} {p} {o} .\n" for s, p, o in triples})


def turtle_fragment(nt: bytes, base: str) -> bytes:
    """Turtle statements (no @prefix lines) for N-Triples ``nt``, to be joined after one prefix header."""
    if not nt:
        return b""
    # lenient: the lines were written from terms Oxigraph checked when they were made, so checking
    # their IRIs again is skipped (a tenth of the time)
    body = ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES, lenient=True), format=ox.RdfFormat.TURTLE,
                        prefixes=prefixes(base))
    lines = body.split(b"\n")
    n = 0
    while n < len(lines) and (lines[n].startswith(b"@prefix") or not lines[n]):
        n += 1
    return b"\n".join(lines[n:])


# where runs_in_pieces cuts: 528 pieces of the shared part's 53,000 subjects at 10,000 articles
PIECE_CUT_BITS = 63
PIECE_LEAST = 1 << 16
PIECE_MOST = 1 << 22

# a run of sorted N-Triples lines about one subject (sorting keeps them together: the subject term is
# followed by a space, which sorts before any character of a term)
_SUBJECT_RUN = re.compile(rb"^([^ \n]+) [^\n]*\n(?:\1 [^\n]*\n)*", re.M)


def subject_runs(nt: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(subject term, start, end) of each run of lines about one subject in sorted N-Triples ``nt``."""
    for m in _SUBJECT_RUN.finditer(nt):
        yield m.group(1), m.start(), m.end()


def runs_in_pieces(nt: bytes, runs: Iterable[tuple[bytes, int, int]], least: int | None = None,
                   most: int | None = None) -> Iterator[bytes]:
    """The ``(key, start, end)`` runs of ``nt``, in their order, joined into pieces for writers that would
    otherwise hold the whole shared part and its rendering at once: cut after a run whose key's CRC-32 has
    its low ``PIECE_CUT_BITS`` bits zero, once the piece holds ``least`` bytes (or at ``most``).

    The cuts depend on the keys, not on where the runs lie, so lines added to one run leave the other
    pieces as they were (content-defined chunking, as rsync and backup tools cut files), and a build
    re-uses the rendering of those (:mod:`kg.export.pieces`). ``least`` and ``most`` default to
    ``PIECE_LEAST`` and ``PIECE_MOST``."""
    least = PIECE_LEAST if least is None else least
    most = PIECE_MOST if most is None else most
    piece: list[bytes] = []
    held = 0
    for key, start, end in runs:
        piece.append(nt[start:end])
        held += end - start
        if held >= most or (held >= least and not zlib.crc32(key) & PIECE_CUT_BITS):
            yield b"".join(piece)
            piece, held = [], 0
    if piece:
        yield b"".join(piece)


def render_article(facts, iris: Iris) -> tuple[ArticleDigest, list[bytes]]:
    """The digest and the SECTIONS of one article (``facts``: a kg.graph.ArticleFacts)."""
    from kg.export.jsonld import jsonld_lines
    from kg.mapping import ArticleContext, local_triples

    article = facts.article
    ctx = ArticleContext(article, iris)
    subject_ns = sorted("<" + ns for ns in _local_namespaces(iris.base))
    lines = distinct_sorted(local_triples(ctx, [m for m in facts.mentions if m.kind not in STORY_KINDS]))
    own, others = split_by_prefix(lines, subject_ns)  # the article's own nodes' triples; about shared nodes
    locally_cited = set(ctx.cited)
    nt_local = "".join(own).encode("utf-8")
    story = tuple(m for m in facts.mentions if m.kind in STORY_KINDS)
    sentence_of = {m.start: article.sentence_at(m.start) for m in story}
    story_sentences = {}
    for index in sorted(set(sentence_of.values()) - locally_cited):
        span = article.sentences[index]
        story_sentences[index] = (span.text, span.start, span.end)
    digest = ArticleDigest(
        id=article.id, path=article.path, content_hash=article.content_hash, published_at=article.published_at,
        title=article.title, story_mentions=story, sentence_of=sentence_of, story_sentences=story_sentences,
        local_triples=len(own), local_subjects=len({line[:line.index(" ")] for line in own}))
    sections = [nt_local, turtle_fragment(nt_local, iris.base), jsonld_lines(own, iris.base).encode("utf-8"),
                _view_lines(article, iris, own, others, sentence_of.values(), facts.mentions).encode("utf-8"),
                "".join(others).encode("utf-8")]
    digest.sizes = tuple(len(s) for s in sections)
    return digest, sections


def split_by_prefix(lines: list[str], prefixes: list[str]) -> tuple[list[str], list[str]]:
    """The sorted ``lines`` that start with one of the sorted ``prefixes`` (none a prefix of another), and the
    others, both in order: each prefix's lines are one run of sorted lines, found by bisection rather
    than by asking every line."""
    inside: list[str] = []
    outside: list[str] = []
    at = 0
    for prefix in prefixes:
        start = bisect_left(lines, prefix, at)
        end = bisect_left(lines, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)
        outside += lines[at:start]
        inside += lines[start:end]
        at = end
    outside += lines[at:]
    return inside, outside


def _view_lines(article, iris: Iris, local: list[str], shared: list[str], story_sentences: Iterable[int],
                mentions) -> str:
    """The article node, what the views read of its money and count nodes, and the text of the sentences
    shared and story nodes cite (of the N-Triples lines ``local`` and ``shared``)."""
    article_subject = "<" + iris.article(article.id).value + ">"
    wanted = {"<" + iris.mention(article.id, m.kind, m.start, m.end).value + ">"
              for m in mentions if m.kind in VIEW_FIGURE_KINDS}
    evidence = "<" + TIKG.evidence.value + ">"
    cited = {parts[2][:-3] for parts in (line.split(" ", 2) for line in shared) if parts[1] == evidence}
    cited.update("<" + iris.sentence(article.id, i).value + ">" for i in story_sentences)
    text = "<" + SCHEMA.text.value + ">"
    figure_properties = {"<" + p + ">" for p in VIEW_FIGURE_PROPERTIES}
    out = []
    for line in local:
        subject, predicate, _ = line.split(" ", 2)
        if subject == article_subject or (subject in wanted and predicate in figure_properties) \
                or (subject in cited and predicate == text):
            out.append(line)
    return "".join(out)


# ---------------------------------------------------------------- where render entries live
@lru_cache(maxsize=None)
def render_code_fingerprint() -> str:
    """A hash of the mapping's and the fragment writers' source and of pyoxigraph's version."""
    digest = hashlib.sha256(f"pyoxigraph {ox.__version__}\0".encode())
    for pattern in _RENDER_CODE:
        for path in sorted(_PACKAGE.glob(pattern)):
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


_LENGTH = struct.Struct("<I")  # a render entry starts with the length of its pickled digest
_HEAD_GUESS = 1 << 15  # bytes read to find a digest: most are 2-10 KB


class RenderStore:
    """Rendered articles in packs (:class:`kg.packs.PackStore`), by ``<sha256 of the file>.<hash of base IRI
    and file name>``; an entry is the pickled digest followed by its sections.

    The file name enters the key because the article node records it (``tikg:sourceFile``).
    A digest says where its entry is (``stored``), so that the build can record what it used (:meth:`save`).
    """

    def __init__(self, folder: str | os.PathLike, base_iri: str):
        self.folder = Path(folder)
        self.base_iri = base_iri
        self.packs = pack_store(self.folder)

    def __reduce__(self):
        return (RenderStore, (str(self.folder), self.base_iri))

    def key_for(self, content_hash: str, path: str) -> str:
        name = os.path.basename(str(path).replace("\\", "/"))
        return content_hash + "." + hashlib.sha256(f"{self.base_iri}\0{name}".encode()).hexdigest()[:12]

    def get(self, content_hash: str, path: str) -> ArticleDigest | None:
        """The digest of the rendered article, pointing at its sections; None if there is none (or it is
        damaged, or from another version). Reads the digest only (a few KB of an entry's ~140)."""
        key = self.key_for(content_hash, path)
        location = self.packs.locate(key)
        if location is None:
            return None
        data = self.packs.read(location, _HEAD_GUESS)
        if data is None or len(data) < _LENGTH.size:
            return None
        (head,) = _LENGTH.unpack_from(data)
        if _LENGTH.size + head > len(data):
            data = self.packs.read(location, _LENGTH.size + head) or b""
        try:
            digest = pickle.loads(data[_LENGTH.size:_LENGTH.size + head])
        except Exception:
            return None
        if not isinstance(digest, ArticleDigest) or digest.content_hash != content_hash \
                or location[2] != _LENGTH.size + head + sum(digest.sizes):
            return None
        digest.path = str(path)
        return self._located(digest, key, location, _LENGTH.size + head)

    def put(self, digest: ArticleDigest, sections: list[bytes]) -> ArticleDigest:
        """Append the entry to this process's pack; returns the digest pointing at it. Raises OSError."""
        key = self.key_for(digest.content_hash, digest.path)
        head = pickle.dumps(digest, protocol=pickle.HIGHEST_PROTOCOL)
        location = self.packs.append([_LENGTH.pack(len(head)), head, *sections])
        return self._located(digest, key, location, _LENGTH.size + len(head))

    def _located(self, digest: ArticleDigest, key: str, location, head: int) -> ArticleDigest:
        digest.render_path, digest.data_offset = self.packs.path_of(location), location[1] + head
        digest.stored = (key, *location)
        return digest

    def save(self, digests: Iterable[ArticleDigest], tidy: bool = True) -> None:
        """Record in the index that this build used the entries of ``digests`` (:meth:`PackStore.save`)."""
        self.packs.save({d.stored[0]: d.stored[1:] for d in digests if d.stored}, tidy)
