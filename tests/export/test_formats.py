"""Every format re-loads in its usual consumer with the Turtle's content; builds are byte-identical."""
import filecmp
import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.export import FORMATS
from kg.export.jsonld import write_jsonld
from kg.export.trig import write_trig
from kg.export.turtle import write_turtle

ROOT = Path(__file__).resolve().parents[2]
FILES = ["graph.ttl", "graph.nt", "graph.jsonld", "graph.trig", "graph.graphml", "graph.gexf", "timeline.json",
         "graph.html", "timeline.html", "timeline.png"]


def test_formats_registry_order():
    assert list(FORMATS) == ["ttl", "nt", "jsonld", "trig", "graphml", "gexf", "timeline_json", "html",
                             "timeline_html", "png"]


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    outs = []
    for name in ("a", "b"):
        out = tmp_path_factory.mktemp(name)
        subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "seeds"), "--out", str(out), "-q"],
                       check=True, cwd=ROOT)
        outs.append(out)
    return outs


def test_one_build_writes_every_file_and_two_builds_are_identical(two_builds):
    a, b = two_builds
    assert sorted(p.name for p in a.iterdir() if not p.name.startswith(".")) == sorted(FILES)
    for name in FILES:
        assert filecmp.cmp(a / name, b / name, shallow=False), name


def triples_of(path, fmt):
    return {q.triple for q in ox.parse(path=str(path), format=fmt)}


def test_nt_jsonld_trig_hold_the_turtles_triples(two_builds, seeds_kg):
    out = two_builds[0]
    ttl = triples_of(out / "graph.ttl", ox.RdfFormat.TURTLE)
    assert ttl == set(seeds_kg.triples)
    assert triples_of(out / "graph.nt", ox.RdfFormat.N_TRIPLES) == ttl
    assert triples_of(out / "graph.jsonld", ox.RdfFormat.JSON_LD) == ttl
    assert triples_of(out / "graph.trig", ox.RdfFormat.TRIG) == ttl


def test_trig_has_one_named_graph_per_article(tmp_path, seeds_kg):
    quads = list(ox.parse(path=str(write_trig(seeds_kg, tmp_path)), format=ox.RdfFormat.TRIG))
    names = {q.graph_name.value for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert names == {seeds_kg.iris.article(f.article.id).value for f in seeds_kg.articles}
    default = {q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}
    assert default and {t.predicate.value for t in default} == {"https://w3id.org/tikg/ontology#supportCount"}
    first = seeds_kg.articles[0]
    graph = seeds_kg.iris.article(first.article.id)
    assert {q.triple for q in quads if q.graph_name == graph} == set(seeds_kg.article_triples(first))


def test_jsonld_context_has_short_keys(tmp_path, seeds_kg):
    doc = json.loads(write_jsonld(seeds_kg, tmp_path).read_text(encoding="utf-8"))
    ctx = doc["@context"]
    assert ctx["name"] == "schema:name"
    assert ctx["affects"] == {"@id": "tikg:affects", "@type": "@id"}
    assert ctx["org"] == "https://w3id.org/tikg/id/org/"
    kt = next(n for n in doc["@graph"] if n["@id"] == "org:kt")
    assert kt["name"] == "KT" and kt["@type"] == "Company"


def test_jsonld_keeps_every_literal_form(tmp_path, fixture_kg):
    from types import SimpleNamespace
    from kg.iris import Iris
    kg = SimpleNamespace(triples=fixture_kg.triples, iris=Iris())
    path = write_jsonld(kg, tmp_path)
    assert triples_of(path, ox.RdfFormat.JSON_LD) == set(fixture_kg.triples)
    doc = json.loads(path.read_text(encoding="utf-8"))
    investment = next(n for n in doc["@graph"] if n["@id"] == "remedy:skt-investment")
    assert investment["startDate"] == {"@value": "2025-07", "@type": "xsd:gYearMonth"}
    assert investment["offeredBy"] == "org:sk-telecom"


def test_jsonld_reads_escapes_language_tags_and_blank_nodes(tmp_path):
    """The JSON-LD writer works on N-Triples text: escaped quotes, backslashes, line breaks, characters
    str.splitlines would cut at, language tags and blank nodes come back as the same triples."""
    from types import SimpleNamespace
    from kg.iris import Iris
    nt = ('<https://w3id.org/tikg/id/x> <https://schema.org/name> "say \\"hi\\" \\\\ back\\nslash" .\n'
          '<https://w3id.org/tikg/id/x> <https://schema.org/text> "a\u2028b\x85c\x1cd" .\n'
          '<https://w3id.org/tikg/id/x> <https://schema.org/headline> "\ud1b5\uc2e0"@ko .\n'
          '<https://w3id.org/tikg/id/x> <https://schema.org/about> _:b1 .\n'
          '_:b1 <https://schema.org/value> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    triples = [q.triple for q in ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
    path = write_jsonld(SimpleNamespace(triples=triples, iris=Iris()), tmp_path)
    back = triples_of(path, ox.RdfFormat.JSON_LD)
    def named(ts):  # blank nodes get new labels on reading
        return {t for t in ts if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}
    assert named(back) == named(triples) and len(named(triples)) == 3
    assert len(back) == 5
    doc = json.loads(path.read_text(encoding="utf-8"))
    x = next(n for n in doc["@graph"] if n["@id"].endswith("x"))
    assert x["name"] == 'say "hi" \\ back\nslash' and x["headline"] == {"@value": "통신", "@language": "ko"}


def test_jsonld_nodes_are_the_same_whether_statements_are_remembered_or_forgotten(monkeypatch, seeds_kg):
    """A compactor remembers the JSON-LD of each predicate and object it has read (kg.export.jsonld,
    Compactor.statement): read again, or forgotten after every line, the node objects are the same."""
    from kg.export import jsonld
    from kg.iris import Iris
    lines = b"".join(seeds_kg.nt_chunks()).decode("utf-8").splitlines(keepends=True)
    ctx = jsonld.context(Iris().base)
    remembering = jsonld.Compactor(ctx)
    first = list(jsonld.node_texts(lines, remembering))
    assert 0 < len(remembering._said) < len(lines) / 2  # most predicates and objects recur
    assert list(jsonld.node_texts(lines, remembering)) == first
    monkeypatch.setattr(jsonld, "_REMEMBERED", 1)
    forgetting = jsonld.Compactor(ctx)
    assert list(jsonld.node_texts(lines, forgetting)) == first
    assert len(forgetting._said) == 1
    assert len(first) == len({line.split(" ", 1)[0] for line in lines})


def test_graphml_and_gexf_reload_in_networkx(two_builds, seeds_kg):
    from kg.views.relations import relations
    view = relations(seeds_kg)
    out = two_builds[0]
    for g in (nx.read_graphml(out / "graph.graphml"), nx.read_gexf(out / "graph.gexf")):
        assert (g.number_of_nodes(), g.number_of_edges()) == (view.number_of_nodes(), view.number_of_edges())
        for n, d in g.nodes(data=True):
            assert all(v is not None for v in d.values())
            assert d["kind"] == view.nodes[n]["kind"] and d["label"] == view.nodes[n]["label"]
    assert 'lastmodifieddate="2026-01-12"' in (out / "graph.gexf").read_text(encoding="utf-8")


def test_graphml_attributes_are_flat(tmp_path, fixture_kg):
    from kg.export.graphml import write_graphml
    g = nx.read_graphml(write_graphml(fixture_kg, tmp_path))
    fine = g.nodes["https://w3id.org/tikg/id/sanction/pipc-fine"]
    assert fine["figures"] == "1347억9100만원 (134,791,000,000 KRW)"
    assert fine["dates"] == "startDate 2025-08-27"
    assert fine["support"] == 1 and fine["source_urls"] == "https://news.example.com/A3"
    assert sorted(d["relation"] for _, _, d in g.edges("https://w3id.org/tikg/id/sanction/pipc-fine", data=True)) == [
        "imposedBy", "imposedOn", "respondsTo", "wasDerivedFrom"]


def test_timelinejs_keeps_granularity_and_escapes_html(tmp_path, fixture_kg):
    from kg.export.timeline_json import write_timeline_json
    doc = json.loads(write_timeline_json(fixture_kg, tmp_path).read_text(encoding="utf-8"))
    events = doc["events"]
    assert len(events) == 8
    investment = next(e for e in events if e["display_date"] == "2025-07")
    assert investment["start_date"] == {"year": "2025", "month": "7"} and "end_date" not in investment
    waiver = next(e for e in events if e["display_date"] == "2025-07-05 ~ 2025-07-14")
    assert waiver["end_date"] == {"year": "2025", "month": "7", "day": "14"}
    assert waiver["group"] == "SK텔레콤"
    probe = next(e for e in events if e["display_date"] == "~ 2025-09")
    assert "&lt;img src=x onerror=alert(1)&gt;" in probe["text"]["text"] and "<img" not in probe["text"]["text"]
    assert "&lt;/script&gt;" in probe["text"]["text"]


def test_png_is_deterministic_and_has_no_software_stamp(tmp_path, fixture_kg):
    from kg.export.picture import write_picture
    first = write_picture(fixture_kg, tmp_path / "a").read_bytes()
    second = write_picture(fixture_kg, tmp_path / "b").read_bytes()
    assert first == second and first[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"matplotlib" not in first.lower() and b"Software" not in first


def test_png_finds_korean_fonts_installed_after_matplotlib_cached_its_list():
    """On a fresh machine `make demo` can run before the Korean fonts are installed: matplotlib's cached font
    list then lacks them for good, and every Korean label would be drawn as empty boxes."""
    import copy
    import types
    from matplotlib import font_manager
    from kg.export.picture import FONTS, installed_fonts
    now = font_manager.fontManager
    if not {f.name for f in now.ttflist} & set(FONTS[:-1]):
        now = font_manager.FontManager()  # this process's list may be stale itself: the system's fonts now
    korean = {f.name for f in now.ttflist} & set(FONTS[:-1])
    if not korean:
        pytest.skip("no Korean font installed (`make browser` installs fonts-noto-cjk)")

    def cached_before_the_fonts(system_fonts):
        stale = copy.copy(now)
        files = {f.fname for f in now.ttflist if f.name in korean}  # a .ttc file holds other faces too
        stale.ttflist = [f for f in now.ttflist if f.fname not in files]
        return types.SimpleNamespace(fontManager=stale, findSystemFonts=system_fonts)

    assert korean <= installed_fonts(cached_before_the_fonts(font_manager.findSystemFonts))
    assert not installed_fonts(cached_before_the_fonts(lambda: [])) & korean


def test_graphml_and_gexf_are_one_step_at_the_first_ones_place():
    from kg.export import writing_steps
    assert [step for step, _ in writing_steps(["ttl", "gexf", "html", "graphml"])] == \
        [["ttl"], ["graphml", "gexf"], ["html"]]
    assert [step for step, _ in writing_steps(["graphml", "png"])] == [["graphml"], ["png"]]
