"""graph.graphml, graph.gexf, timeline.png and the timeline page's row packing against the slow,
obvious ways of doing the same (networkx's writers, one matplotlib call per item, row-by-row checks,
json.dumps with an indent)."""
import io
import random
import re
import xml.etree.ElementTree as ET
from datetime import date

import networkx as nx
import pytest

from kg.export.gexf import write_gexf, write_graphml_and_gexf
from kg.export.graphml import FlatNodes, flat_graph, flat_rows, shared_rows, write_graphml
from kg.export.legend import legend
from kg.export.picture import MAX_LABELS, draw, framed
from kg.export.timeline_html import Rows
from kg.views.relations import relations
from kg.views.timeline import timeline
from kg.views import view_source


# -- references: networkx's own writers (what the files were made with before)
def networkx_graphml(view) -> bytes:
    return "\n".join(nx.generate_graphml(flat_graph(view), encoding="utf-8", prettyprint=True)).encode("utf-8")


def networkx_gexf(view) -> bytes:
    g = flat_graph(view)
    styles = legend()
    for n, d in g.nodes(data=True):
        r, gr, b = (int(styles.get(d["kind"], styles["other"])["color"][i:i + 2], 16) for i in (1, 3, 5))
        d["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}}
    return "\n".join(nx.generate_gexf(g, encoding="utf-8", prettyprint=True, version="1.2draft")).encode("utf-8")


def same_graph(a, b):
    assert type(a) is type(b) and a.graph == b.graph
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    keys = {"keys": True} if a.is_multigraph() else {}
    assert list(a.edges(data=True, **keys)) == list(b.edges(data=True, **keys))


def canonical(data: bytes) -> str:
    text = ET.canonicalize(data.decode("utf-8"), strip_text=True)
    text = re.sub(r"<creator>[^<]*</creator>", "<creator/>", text)
    return re.sub(r'lastmodifieddate="[^"]*"', 'lastmodifieddate=""', text)


@pytest.fixture(scope="module", params=["fixture", "seeds"])
def graph(request, fixture_kg, seeds_kg):
    return fixture_kg if request.param == "fixture" else seeds_kg


def test_graphml_is_the_graph_networkx_wrote(tmp_path, graph):
    view = relations(view_source(graph))
    ours = write_graphml(graph, tmp_path).read_bytes()
    reference = networkx_graphml(view)
    same_graph(nx.read_graphml(io.BytesIO(ours)), nx.read_graphml(io.BytesIO(reference)))
    mine = nx.read_graphml(io.BytesIO(ours), force_multigraph=True)
    assert sorted(k for _, _, k in mine.edges(keys=True)) == sorted(f"e{i}" for i in range(view.number_of_edges()))
    assert canonical(ours) == canonical(reference)   # same elements, attributes, key ids and types, in order
    assert ours.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n") and ours.endswith(b"</graphml>\n")
    assert write_graphml(graph, tmp_path / "again").read_bytes() == ours


def test_gexf_is_the_graph_networkx_wrote(tmp_path, graph):
    view = relations(view_source(graph))
    ours = write_gexf(graph, tmp_path).read_bytes()
    reference = networkx_gexf(view)
    same_graph(nx.read_gexf(io.BytesIO(ours)), nx.read_gexf(io.BytesIO(reference)))
    assert canonical(ours) == canonical(reference)
    latest = max((d["first"] for _, d in view.nodes(data=True) if d["kind"] == "article" and d["first"]),
                 default="1970-01-01")
    assert f'lastmodifieddate="{latest}"'.encode() in ours
    assert write_gexf(graph, tmp_path / "again").read_bytes() == ours


def hostile_view():
    """A relations view whose text has every character XML escapes, and some XML cannot hold at all."""
    nasty = 'a<b>&c"d\'e\tf\ng \x01\x0b\x1f\ud800\ufffe\uffff h \U0001F600 한국어'
    g = nx.MultiDiGraph()
    for i, n in enumerate(["http://x/a&b", 'http://x/"q"<>']):
        g.add_node(n, iri=n, kind="incident" if i else "strange-kind", label=nasty, types=[nasty, "b"],
                   figures=[], evidence=[nasty], sources=[{"title": nasty, "url": "", "published": ""}],
                   orgs=[], support=3, dates=[], first="", last="")
    g.add_edge("http://x/a&b", 'http://x/"q"<>', key="affects", relation="affects", label=nasty)
    return g, nasty


def test_escaping_and_characters_xml_cannot_hold(tmp_path, monkeypatch):
    view, nasty = hostile_view()
    monkeypatch.setattr("kg.export.gexf.relations", lambda graph: view)  # both files are written there
    clean = re.sub("[\x01\x0b\x1f\ud800\ufffe\uffff]", "", nasty)
    g = nx.read_graphml(write_graphml(object(), tmp_path))
    assert set(g) == set(view)
    for n, d in g.nodes(data=True):
        assert d["label"] == clean and d["types"] == clean + " | b" and d["support"] == 3
    assert [d["label"] for _, _, d in g.edges(data=True)] == [clean]
    g = nx.read_gexf(write_gexf(object(), tmp_path))
    assert set(g) == set(view)
    for n, d in g.nodes(data=True):
        assert d["label"] == clean and d["evidence"] == clean and d["support"] == 3
    assert [d["label"] for _, _, d in g.edges(data=True)] == [clean]


def test_empty_graph_files(tmp_path, monkeypatch):
    empty = nx.MultiDiGraph()
    monkeypatch.setattr("kg.export.gexf.relations", lambda graph: empty)  # both files are written there
    assert canonical(write_graphml(object(), tmp_path).read_bytes()) == canonical(networkx_graphml(empty))
    assert canonical(write_gexf(object(), tmp_path).read_bytes()) == canonical(networkx_gexf(empty))
    assert nx.read_gexf(tmp_path / "graph.gexf").number_of_nodes() == 0


@pytest.mark.parametrize("chunk", [1 << 20, 64])
def test_graphml_and_gexf_in_one_pass_are_the_files_written_apart(tmp_path, graph, chunk, monkeypatch):
    monkeypatch.setattr("kg.export.graphml.CHUNK_CHARS", chunk)   # 64: many batches of each, interleaved
    apart = [write_graphml(graph, tmp_path / "apart"), write_gexf(graph, tmp_path / "apart")]
    together = write_graphml_and_gexf(graph, tmp_path / "together")
    assert [p.name for p in together] == ["graph.graphml", "graph.gexf"]
    assert [p.read_bytes() for p in together] == [p.read_bytes() for p in apart]
    assert sorted(p.name for p in (tmp_path / "together").iterdir()) == ["graph.gexf", "graph.graphml"]


@pytest.mark.parametrize("view", [nx.MultiDiGraph(), hostile_view()[0]], ids=["empty", "hostile"])
def test_graphml_and_gexf_in_one_pass_of_odd_views(tmp_path, monkeypatch, view):
    monkeypatch.setattr("kg.export.gexf.relations", lambda graph: view)  # both files are written there
    apart = [write_graphml(object(), tmp_path / "apart"), write_gexf(object(), tmp_path / "apart")]
    assert [p.read_bytes() for p in write_graphml_and_gexf(object(), tmp_path / "together")] \
        == [p.read_bytes() for p in apart]


def test_shared_rows_make_each_row_once(monkeypatch, seeds_kg):
    view = relations(view_source(seeds_kg))
    made = []
    real = FlatNodes.__iter__

    def counted(self):
        for row in real(self):
            made.append(row[0])
            yield row
    monkeypatch.setattr(FlatNodes, "__iter__", counted)
    nodes, _ = flat_rows(view)
    a, b = shared_rows(nodes, 2)
    assert len(a) == len(b) == view.number_of_nodes() and list(a.xml_types()) == list(nodes.xml_types())
    assert [r[0] for r in a] == [r[0] for r in b] == sorted(view)
    assert made == sorted(view)


# -- the picture: one matplotlib call per item, as it was drawn before (in the same frame)
def per_item_draw(g) -> bytes:
    return framed(g, per_item_items)


def per_item_items(fig, ax, g, y_of, styles, fmt):
    import matplotlib.dates as mdates
    for n, d in g.nodes(data=True):
        y = y_of[d["lane"]]
        color = styles.get(d["kind"], styles["other"])["color"]
        first, last = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
        x0, x1 = mdates.date2num(first), mdates.date2num(last) + 1
        if d["span"]:
            ax.barh(y, x1 - x0, left=x0, height=0.3, color=color, alpha=0.8)
        elif d["granularity"] != "day":
            ax.barh(y, x1 - x0, left=x0, height=0.3, color=color, alpha=0.3, hatch="//", edgecolor=color)
        else:
            ax.plot([x0 + 0.5], [y], "o", color=color, markersize=7)
        if g.number_of_nodes() <= MAX_LABELS:
            ax.annotate(d["label"][:24], (x0, y), xytext=(0, 9 + 9 * (d["order"] % 3)),
                        textcoords="offset points", fontsize=7, rotation=0)


def made_up_timeline(items):
    g = nx.DiGraph()
    lanes = []
    for i, (kind, first, last, span, granularity, lane) in enumerate(items):
        if lane not in lanes:
            lanes.append(lane)
        g.add_node(f"n{i}", kind=kind, first=first, last=last, span=span, granularity=granularity, lane=lane,
                   label=f"항목 {i}", order=i)
    g.graph["lanes"] = [(lane, lane.upper()) for lane in lanes]
    return g


DAY, MONTH, SPAN = (False, "day"), (False, "month"), (True, "day")
PICTURES = {
    "dots only": [("incident", "2025-01-03", "2025-01-03", *DAY, "a"), ("remedy", "2025-03-09", "2025-03-09", *DAY, "b"),
                  ("event", "2025-02-01", "2025-02-01", *DAY, "a")],
    "dots at both ends": [("incident", "2024-11-03", "2024-11-03", *DAY, "a"),
                          ("remedy", "2025-01-01", "2025-01-31", *MONTH, "b"),
                          ("sanction", "2025-01-10", "2025-02-20", *SPAN, "a"),
                          ("event", "2025-06-01", "2025-06-01", *DAY, ""), ("person", "2025-06-01", "2025-06-01", *DAY, "")],
    "bars only, alternating": [("remedy", "2025-01-01", "2025-01-31", *MONTH, "b"),
                               ("sanction", "2025-01-10", "2025-02-20", *SPAN, "a"),
                               ("remedy", "2025-01-15", "2025-12-31", *MONTH, "a"),
                               ("remedy", "2025-02-01", "2025-03-20", *SPAN, "a")],
    "nothing": [],
    "many, no labels": [("incident" if i % 3 else "remedy", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                         f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", *(SPAN if i % 7 == 0 else MONTH if i % 5 == 0 else DAY),
                         "abc"[i % 3]) for i in range(90)],
}


@pytest.mark.parametrize("name", PICTURES)
def test_picture_is_the_per_item_picture(name):
    g = made_up_timeline(PICTURES[name])
    assert draw(g) == per_item_draw(g)


def test_fixture_picture_is_the_per_item_picture(fixture_kg):
    g = timeline(fixture_kg)
    assert draw(g) == per_item_draw(g)


# -- the timeline page's rows: first fit, checked row by row and box by box
def naive_rows(boxes):
    rows, out = [], []
    for occupied in boxes:
        row = next((i for i, r in enumerate(rows) if all(b[1] + 6 < occupied[0] or occupied[1] + 6 < b[0] for b in r)),
                   len(rows))
        if row == len(rows):
            rows.append([])
        rows[row].append(occupied)
        out.append(row)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_rows_are_first_fit(seed):
    rng = random.Random(seed)
    boxes = []
    x = 0.0
    for _ in range(3000):
        if seed % 2:    # in time order, as the page places them
            x += rng.choice([0.0, 0.0, 0.5, 1.5, 12.0])
            start = x - rng.choice([0.0, 5.0, 60.0, 132.0])
        else:           # anywhere, so boxes also land left of earlier ones
            start = rng.uniform(0, 1200)
        boxes.append((start, start + rng.choice([8.0, 10.0, 24.0, 120.0, 264.0, 400.0])))
    rows = Rows()
    assert [rows.place(b) for b in boxes] == naive_rows(boxes)


# -- timeline.json: json.dumps(indent=1)'s text, written without its pure-Python encoder
def random_document(rng, depth=0):
    roll = rng.random()
    if depth > 4 or roll < 0.3:
        return rng.choice(['a"b\\c\n\u2028 한국어 \x01 </script>', "", "x", 5, -3, 0, True, False, None])
    if roll < 0.6:
        return {rng.choice(["k", 'key "q"', "한", ""]) + str(i): random_document(rng, depth + 1)
                for i in range(rng.randint(0, 4))}
    return [random_document(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def test_timeline_json_text_is_json_dumps(fixture_kg, seeds_kg):
    import json
    from kg.export.timeline_json import dumps, timeline_document
    rng = random.Random(7)
    documents = [random_document(rng) for _ in range(2000)]
    documents += [timeline_document(fixture_kg), timeline_document(seeds_kg),
                  {"a": 1.5}, {1: "x"}, [1.0, float("nan")], {"t": (1, 2)}]   # the last ones are left to json
    for doc in documents:
        assert dumps(doc) == json.dumps(doc, ensure_ascii=False, indent=1)
