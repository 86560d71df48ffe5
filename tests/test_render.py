"""kg/render.py: each article's own part of the exports, rendered once where it is extracted.

The build keeps only digests and streams render files into the exports, so these tests check that
the pieces add up to exactly the graph the mapping says, in every format.
"""
from __future__ import annotations

import json
import pickle
import random
import signal
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.build import build
from kg.export import ExportError, write_all
from kg.export.files import prefix_header
from kg.extract import extract_article
from kg.graph import ArticleFacts, assemble
from kg.mapping import ArticleContext, triples_for_article
from kg.mapping.context import as_terms
from kg.mapping.context import Triple
from kg.render import SECTIONS, is_local, render_article
from kg.views import view_source
from kg.views.relations import relations
from kg.views.timeline import timeline
from kg.vocab import prefixes
from tests.conftest import ROOT, SEEDS, make_article

XSD = "http://www.w3.org/2001/XMLSchema#"


def parse(data: bytes, fmt=ox.RdfFormat.N_TRIPLES) -> set:
    return {q.triple for q in ox.parse(data, format=fmt)}


def test_str_of_a_mapping_triple_is_oxigraphs_n_triples_line():
    s, p = ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p")
    rng = random.Random(7)
    alphabet = [chr(i) for i in range(0x250)] + ['"', "\\", "\n", "\r", "\t", "\u2028", "\ufeff", "한", "\U0001F600"]
    for _ in range(2000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        for literal in (ox.Literal(value), ox.Literal(value, language="ko"),
                        ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))):
            expected = ox.serialize([ox.Triple(s, p, literal)], format=ox.RdfFormat.N_TRIPLES)
            assert f"{Triple(s, p, literal)} .\n".encode() == expected


@pytest.fixture(scope="module")
def rendered():
    facts = [build([SEEDS]).kg.articles[0]]
    return facts[0], assemble(facts)


def test_sections_hold_the_articles_own_nodes_and_the_lines_about_shared_nodes(rendered):
    facts, kg = rendered
    (digest,) = kg.digests
    whole = {ox.Triple(*as_terms(t)) for t in triples_for_article(ArticleContext(facts.article, kg.iris),
                                                           [m for m in facts.mentions if m.kind not in
                                                            {"incident", "remedy", "sanction", "event", "figure"}])}
    own = parse(digest.section("nt"))
    assert own and all(is_local(t.subject.value, kg.iris) for t in own)
    shared = parse(digest.section("shared"))
    assert shared and not any(is_local(t.subject.value, kg.iris) for t in shared)
    assert own | shared == whole
    header = prefix_header(prefixes(kg.iris.base))  # a fragment is statements under the file's one header
    assert parse(header + digest.section("ttl"), ox.RdfFormat.TURTLE) == own
    nodes = json.loads("[" + digest.section("jsonld").decode() + "]")
    assert sorted(n["@id"] for n in nodes) == sorted({kg_compact(t.subject.value) for t in own})
    assert digest.local_triples == len(own)
    assert digest.local_subjects == len({t.subject for t in own})


def kg_compact(iri: str) -> str:
    kind, local = iri.rsplit("/", 2)[-2:]
    return f"{kind}:{local}"


def test_a_render_is_the_same_in_any_process_and_any_time(rendered):
    facts, kg = rendered
    from kg.iris import Iris
    first, sections = render_article(facts, Iris())
    second, again = render_article(facts, Iris())
    assert first == second and sections == again
    assert [len(s) for s in sections] == list(first.sizes) and len(sections) == len(SECTIONS)


def test_a_pickled_digest_reads_its_story_when_asked_one_kind_at_a_time(seed_build):
    digest = max(seed_build.kg.digests, key=lambda d: len({m.kind for m in d.story_mentions}))
    kinds = [m.kind for m in digest.story_mentions]
    assert len(set(kinds)) >= 3 and kinds != sorted(kinds)  # kinds interleaved in text order
    back = pickle.loads(pickle.dumps(digest))
    assert not {"story_mentions", "sentence_of", "story_sentences"} & set(vars(back))
    assert back.story_of_kind("remedy") == tuple(m for m in digest.story_mentions if m.kind == "remedy")
    assert [k for k, v in vars(back)["_story_kinds"].items() if not isinstance(v, bytes)] == ["remedy"]
    again = pickle.loads(pickle.dumps(back))  # pickled again before it was read: still as pickled
    assert "story_mentions" not in vars(back)
    for one in (back, again):
        assert (one.story_mentions, one.sentence_of, one.story_sentences) == \
            (digest.story_mentions, digest.sentence_of, digest.story_sentences)
        assert one == digest and one.story_of_kind("figure") == digest.story_of_kind("figure")
    assert again.story_of_kind("no such kind") == ()
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        back.nothing


def test_the_graph_is_the_shared_lines_and_the_render_files(seed_build):
    kg = seed_build.kg
    everything = set()
    for chunk in kg.nt_chunks():
        everything |= parse(chunk)
    assert everything == set(kg.triples)
    assert kg.triple_count == len(kg.triples)
    assert kg.node_count == len({t.subject for t in kg.triples})


def test_support_count_is_on_merged_nodes_only(seed_build):
    kg = seed_build.kg
    counted = {t.subject.value: int(t.object.value) for t in kg.triples
               if t.predicate.value.endswith("#supportCount")}
    derived = {}
    for t in kg.triples:
        if t.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom":
            derived.setdefault(t.subject.value, set()).add(t.object.value)
    assert counted == {s: len(a) for s, a in derived.items() if not is_local(s, kg.iris)}
    assert counted["https://w3id.org/tikg/id/org/kt"] == 6


def test_the_views_read_the_same_from_the_view_graph_as_from_every_triple(seed_build):
    kg = seed_build.kg
    full = type("Full", (), {"triples": kg.triples, "iris": kg.iris})()
    small, whole = relations(view_source(kg)), relations(full)
    assert len(list(view_source(kg).triples)) < len(kg.triples) / 2
    assert sorted(small.nodes(data=True)) == sorted(whole.nodes(data=True))
    assert sorted(small.edges(keys=True, data=True)) == sorted(whole.edges(keys=True, data=True))
    assert nx.utils.graphs_equal(timeline(view_source(kg)), timeline(full))


def test_story_mentions_seen_only_by_the_story_get_their_sentence():
    article = make_article("KT는 지난 9월 해킹 사고로 서버가 감염됐다고 밝혔다. 회사는 고객에게 사과했다.")
    kg = assemble([ArticleFacts(article, tuple(extract_article(article)))])
    cited = {t.object.value for t in kg.triples if t.predicate.value.endswith("#evidence")}
    sentences = {t.subject.value for t in kg.triples if t.object.value.endswith("#Sentence")}
    assert cited == sentences


def test_a_failing_view_writer_fails_the_export_and_leaves_other_files_whole(seed_build, tmp_path):
    # the view formats are written by a spawned process: make its GraphML fail where it lands
    (tmp_path / "graph.graphml").mkdir()
    (tmp_path / "graph.graphml" / "keep").write_text("x")
    with pytest.raises(ExportError, match="IsADirectoryError"):
        write_all(seed_build.kg, tmp_path, ["ttl", "graphml", "html"], jobs=2)
    assert (tmp_path / "graph.ttl").stat().st_size > 0
    assert not list(tmp_path.glob(".*.part")) and (tmp_path / "graph.graphml" / "keep").read_text() == "x"
    assert not (tmp_path / "graph.html").exists()  # written after GraphML, which failed


def test_writing_in_two_processes_gives_the_same_files(seed_build, tmp_path):
    names = ["ttl", "trig", "graphml", "timeline_json"]
    one = write_all(seed_build.kg, tmp_path / "one", names, jobs=1)
    two = write_all(seed_build.kg, tmp_path / "two", names, jobs=2)
    assert [p.name for p in one] == [p.name for p in two] == ["graph.ttl", "graph.trig", "graph.graphml",
                                                                "timeline.json"]
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_callers_work_is_done_once_between_this_processs_formats_and_the_end(seed_build, tmp_path, jobs):
    """write_all's ``meanwhile`` (the CLI makes its stamp then): after the RDF formats are in place, once."""
    seen = []
    write_all(seed_build.kg, tmp_path, ["ttl", "graphml"], jobs=jobs,
              meanwhile=lambda: seen.append((tmp_path / "graph.ttl").is_file()))
    assert seen == [True]


# sorted N-Triples where the lines' order is not the IRIs' order (<.../a2> sorts before <.../a>)
SHARED = b"".join(sorted({
    f"<http://x/{s}> <http://x/p{i}> \"{v}\"@ko .\n".encode() for s in ("a", "a2", "a-b", "b", "a/c")
    for i in range(3) for v in ("값", "a \\\"quoted\\\" value")} | {
    b"<http://x/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://x/T> .\n",
    b"<http://x/b> <http://x/knows> <http://x/a> .\n"}))


# cut bits, least, most -> pieces of SHARED's runs in line order and in IRI order (the subjects' CRC-32s'
# low bit: <http://x/a-b> 0, <http://x/a/c> 1, <http://x/a2> 0, <http://x/a> 1, <http://x/b> 0, and without
# the brackets, in IRI order: a 1, a-b 0, a/c 0, a2 0, b 1; the runs are 279-351 bytes)
@pytest.mark.parametrize("bits, least, most, count, by_iri", [
    (63, 0, 1 << 20, 1, 1), (1, 0, 1 << 20, 3, 4), (0, 0, 1 << 20, 5, 5), (0, 400, 1 << 20, 3, 3),
    (63, 0, 500, 3, 3)])
def test_the_shared_part_in_pieces_is_the_whole_in_every_format(monkeypatch, bits, least, most, count, by_iri):
    import kg.render
    from kg.export.jsonld import jsonld_node_runs, jsonld_nodes
    from kg.render import runs_in_pieces, subject_runs, turtle_fragment
    monkeypatch.setattr(kg.render, "PIECE_CUT_BITS", bits)
    pieces = list(runs_in_pieces(SHARED, subject_runs(SHARED), least, most))
    assert b"".join(pieces) == SHARED and len(pieces) == count
    subjects = [{line.split(b" ", 1)[0] for line in p.splitlines()} for p in pieces]
    assert sum(len(s) for s in subjects) == len(set().union(*subjects))  # a subject never spans two pieces
    assert [s for s, _, _ in subject_runs(SHARED)] == [b"<http://x/a-b>", b"<http://x/a/c>", b"<http://x/a2>",
                                                       b"<http://x/a>", b"<http://x/b>"]
    base = "http://x/"
    assert b"".join(turtle_fragment(p, base) for p in pieces) == turtle_fragment(SHARED, base)
    nodes = [jsonld_nodes(p, base) for p in runs_in_pieces(SHARED, jsonld_node_runs(SHARED), least, most)]
    assert ",\n".join(nodes) == jsonld_nodes(SHARED, base) and len(nodes) == by_iri


def test_the_view_process_started_before_assembly_writes_the_same_files(seed_build, tmp_path):
    from kg.export import start_views
    kg, names = seed_build.kg, ["ttl", "graphml", "html", "timeline_json", "png"]
    views = start_views(kg.digests, kg.iris.base, tmp_path / "two", names, jobs=2)
    temporary = [Path(f.name) for f in views._files]
    assert temporary and all(p.exists() for p in temporary)
    one = write_all(kg, tmp_path / "one", names, jobs=1)
    two = write_all(kg, tmp_path / "two", names, jobs=2, views=views)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    assert views.child.returncode == 0 and not any(p.exists() for p in temporary)


@pytest.mark.parametrize("other", ["articles", "folder", "formats", "base"])
def test_a_view_process_started_for_something_else_is_stopped_and_another_started(seed_build, tmp_path, other):
    from kg.export import start_views
    kg, names = seed_build.kg, ["ttl", "graphml", "timeline_json"]
    digests, base, folder, started_for = kg.digests, kg.iris.base, tmp_path / "two", names
    if other == "articles":
        digests = digests[:-1]
    elif other == "folder":
        folder = tmp_path / "elsewhere"
    elif other == "formats":
        started_for = ["ttl", "graphml"]
    else:
        base = "https://elsewhere.example/"
    views = start_views(digests, base, folder, started_for, jobs=2)
    one = write_all(kg, tmp_path / "one", names, jobs=1)
    two = write_all(kg, tmp_path / "two", names, jobs=2, views=views)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]
    assert views.child.returncode == -signal.SIGKILL and not views._files
    assert not (tmp_path / "elsewhere").exists()


def test_no_view_process_where_one_process_writes_everything(seed_build, tmp_path):
    from kg.export import start_views
    kg = seed_build.kg
    assert start_views(kg.digests, kg.iris.base, tmp_path, ["ttl", "graphml"], jobs=1) is None
    assert start_views(kg.digests, kg.iris.base, tmp_path, ["ttl", "nt"], jobs=2) is None
    assert start_views(kg.digests, kg.iris.base, tmp_path, ["graphml", "png"], jobs=2) is None
    assert start_views([], kg.iris.base, tmp_path, ["ttl", "graphml"], jobs=2) is None


def test_the_view_writer_told_nothing_more_writes_nothing(seed_build, tmp_path):
    articles = tmp_path / "articles.spans"
    articles.write_bytes(pickle.dumps([d.section_span("view") for d in seed_build.kg.digests]))
    proc = subprocess.run([sys.executable, "-m", "kg.export.view_writer", str(articles), seed_build.kg.iris.base,
                           str(tmp_path / "out"), "graphml,timeline_json"], input=b"", capture_output=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0 and proc.stdout == b"" and not (tmp_path / "out").exists()


def test_a_build_stopped_before_its_exports_stops_the_view_process(tmp_path, monkeypatch):
    import kg.build
    import kg.export
    from kg.cli import main
    started = []
    real = kg.export.start_views
    monkeypatch.setattr(kg.export, "start_views", lambda *a, **k: started.append(real(*a, **k)) or started[-1])

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C while the story is assembled

    monkeypatch.setattr(kg.build, "assemble_or_skip", interrupted)
    assert main(["build", str(SEEDS), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "2", "-q"]) != 0
    assert len(started) == 1 and started[0].child.returncode == -signal.SIGKILL and not started[0]._files
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_strict_build_with_a_skipped_file_starts_no_view_process(tmp_path, monkeypatch):
    """``--strict`` with a file skipped writes nothing: the view formats' process is not even started."""
    import kg.export
    from kg.cli import main
    corpus = tmp_path / "in"
    corpus.mkdir()
    for path in sorted(SEEDS.iterdir()):
        (corpus / path.name).write_bytes(path.read_bytes())
    (corpus / "broken.txt").write_bytes(b"no front matter here\n")
    started = []
    real = kg.export.start_views
    monkeypatch.setattr(kg.export, "start_views", lambda *a, **k: started.append(real(*a, **k)) or started[-1])
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "2", "--strict",
                 "-q"]) == 1
    assert started == []
    assert main(["build", str(corpus), "--out", str(tmp_path / "out2"), "--no-cache", "--jobs", "2", "-q"]) == 3
    assert len(started) == 1 and started[0].child.returncode == 0  # without --strict: started, and it wrote
    assert (tmp_path / "out2" / "graph.graphml").exists()


def test_a_view_process_that_cannot_start_leaves_nothing_and_the_export_says_why(seed_build, tmp_path, monkeypatch):
    import subprocess
    import tempfile
    from kg.export import start_views
    kg = seed_build.kg
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()

    def no_process(*args, **kwargs):
        raise OSError("no such interpreter")

    with monkeypatch.context() as m:
        m.setattr(subprocess, "Popen", no_process)
        assert start_views(kg.digests, kg.iris.base, tmp_path / "out", ["ttl", "graphml"], jobs=2) is None
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_render_file_gone_fails_the_view_formats_with_its_name_and_leaves_no_temporary_file(seed_build, tmp_path,
                                                                                              monkeypatch):
    import dataclasses
    import tempfile
    from kg.export import ExportError, start_views
    kg = seed_build.kg
    gone = [dataclasses.replace(kg.digests[0], render_path=str(tmp_path / "gone.render"))] + kg.digests[1:]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    broken = dataclasses.replace(kg, digests=gone)
    views = start_views(gone, kg.iris.base, tmp_path / "out", ["ttl", "graphml"], jobs=2)
    try:  # the view process reads the articles' view lines where they are, and says which file is gone
        views.send_shared(broken)
        with pytest.raises(ExportError, match="gone.render"):
            views.wait()
    finally:
        views.stop()
    with pytest.raises(OSError, match="gone.render"):  # in write_all, this process's Turtle writer says it first
        write_all(broken, tmp_path / "out", ["ttl", "graphml"], jobs=2)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_timeline_formats_are_written_here_from_the_view_the_view_process_hands_over(seed_build, tmp_path,
                                                                                         monkeypatch):
    import kg.export
    written_here = []
    for name in ("timeline_json", "png"):
        real = kg.export.FORMATS[name]
        monkeypatch.setitem(kg.export.FORMATS, name,
                            lambda graph, out, real=real, name=name: written_here.append((name, graph)) or real(graph, out))
    names = ["ttl", "graphml", "timeline_json", "png"]
    two = write_all(seed_build.kg, tmp_path / "two", names, jobs=2)
    assert [n for n, _ in written_here] == ["timeline_json", "png"]
    handed = written_here[0][1]
    assert handed.nt is None and handed is written_here[1][1]  # no text: only the view handed over
    assert nx.utils.graphs_equal(timeline(handed), timeline(view_source(seed_build.kg)))
    monkeypatch.undo()
    one = write_all(seed_build.kg, tmp_path / "one", names, jobs=1)
    assert [p.read_bytes() for p in one] == [p.read_bytes() for p in two]


def test_a_view_process_failing_before_it_hands_the_timeline_over_says_why(seed_build, tmp_path):
    import dataclasses
    broken = dataclasses.replace(seed_build.kg, shared_nt=b"this is not N-Triples\n")
    with pytest.raises(ExportError, match="SyntaxError"):
        write_all(broken, tmp_path, ["nt", "graphml", "timeline_json"], jobs=2)
    assert not (tmp_path / "timeline.json").exists() and not (tmp_path / "graph.graphml").exists()


def test_the_hand_over_skips_other_lines_and_ends_with_the_process(tmp_path):
    import io
    import pickle
    from types import SimpleNamespace
    from kg.export import ViewProcess
    from kg.export.view_writer import TIMELINE_READY
    made = tmp_path / "timeline.pickle"
    made.write_bytes(pickle.dumps(nx.DiGraph([("a", "b")])))
    views = ViewProcess.__new__(ViewProcess)
    views._timeline, views._said = SimpleNamespace(name=str(made)), b""
    views.child = SimpleNamespace(stdout=io.BytesIO(b"a library's print\n" + TIMELINE_READY.encode() + b"more\n"))
    assert list(views.handed_timeline().edges) == [("a", "b")] and views._said == b"a library's print\n"
    views._said, views.child = b"", SimpleNamespace(stdout=io.BytesIO(b"SyntaxError: bad (x.py:1)\n"))
    assert views.handed_timeline() is None and views._said == b"SyntaxError: bad (x.py:1)\n"


def test_a_view_process_ending_well_without_the_timeline_fails_the_export(seed_build, tmp_path, monkeypatch):
    import kg.export
    monkeypatch.setattr(kg.export.ViewProcess, "handed_timeline", lambda self: None)
    with pytest.raises(ExportError, match="without handing the timeline view over"):
        write_all(seed_build.kg, tmp_path, ["ttl", "graphml", "timeline_json"], jobs=2)


def test_the_view_writer_reads_the_articles_view_lines_where_the_render_files_hold_them(seed_build, tmp_path):
    from kg.export.view_writer import _SectionsReader
    digests = seed_build.kg.digests
    spans = [d.section_span("view") for d in digests] + [(digests[0].render_path, 0, 0)]  # an empty one too
    (tmp_path / "spans").write_bytes(pickle.dumps(spans))
    reader = _SectionsReader(str(tmp_path / "spans"))
    pieces = iter(lambda: reader.read(997), b"")  # reads that end inside a section and across two
    assert b"".join(pieces) == b"".join(d.section("view") for d in digests)
    assert reader.read(10) == b""


@given(st.lists(st.text(alphabet="<ab/0.c~\u00e9", max_size=8)))
def test_split_by_prefix_is_filtering_by_startswith(words):
    from kg.render import split_by_prefix
    prefixes = ["<a/", "<b/", "<c/"]
    lines = sorted(set(words) | {"<a/", "<a0", "<b/x", "<a/b/", "<a/~", "<a/\u00e9", "<a/\U0010ffff", "<c0"})
    inside = [line for line in lines if line.startswith(tuple(prefixes))]
    assert split_by_prefix(lines, prefixes) == (inside, [line for line in lines if line not in inside])


def test_sections_are_read_through_one_open_pack_until_the_exports_are_written(tmp_path, monkeypatch):
    import kg.render
    pack = tmp_path / "p.pack"
    pack.write_bytes(b"0123456789")
    opened = []
    real_open = kg.render.os.open
    monkeypatch.setattr(kg.render.os, "open", lambda *a: opened.append(a[0]) or real_open(*a))
    kg.render.close_packs()
    assert [kg.render.read_section(str(pack), at, 3) for at in (0, 4, 7)] == [b"012", b"456", b"789"]
    assert opened == [str(pack)]
    with pytest.raises(OSError, match="p.pack: render pack is truncated"):
        kg.render.read_section(str(pack), 8, 3)
    kg.render.close_packs()
    assert kg.render._open_packs == {}
    pack.write_bytes(b"abcdefghij")   # a pack of that name again, after close_packs: read anew
    assert kg.render.read_section(str(pack), 0, 3) == b"abc"
    monkeypatch.setattr(kg.render, "_OPEN_PACKS_AT_MOST", 2)
    for i in range(5):
        other = tmp_path / f"{i}.pack"
        other.write_bytes(b"xyz")
        assert kg.render.read_section(str(other), 1, 2) == b"yz"
        assert len(kg.render._open_packs) <= 2
    kg.render.close_packs()


def test_a_build_leaves_no_pack_open(tmp_path):
    import kg.render
    from kg.cache import FactsCache
    result = build([SEEDS], cache=FactsCache(tmp_path / "cache"))
    write_all(result.kg, tmp_path / "out", ["ttl", "nt"])
    assert kg.render._open_packs == {}
