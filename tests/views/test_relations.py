from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.views.relations import relations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "views_graph.ttl"
ID = "https://w3id.org/tikg/id/"


@pytest.fixture(scope="module")
def triples():
    return [q.triple for q in ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TURTLE)]


def short(nodes):
    return sorted(n[len(ID):] for n in nodes)


def test_nodes_and_typed_edges(triples):
    g = relations(triples)
    assert g.number_of_nodes() == 23 and g.number_of_edges() == 50
    assert sorted(k for u, v, k in g.edges(ID + "sanction/pipc-fine", keys=True)) == [
        "imposedBy", "imposedOn", "respondsTo", "wasDerivedFrom"]
    assert g.nodes[ID + "sanction/pipc-fine"]["label"] == "SK텔레콤 과징금"
    assert {d["kind"] for _, d in g.nodes(data=True)} == {
        "organization", "incident", "remedy", "sanction", "event", "person", "article"}


def test_filter_by_organization_name_or_alias(triples):
    expected = ["article/A4", "incident/kt-payment", "org/kt", "person/kt_김영섭", "remedy/kt-compensation"]
    assert short(relations(triples, org="KT")) == expected
    assert short(relations(triples, org=ID + "org/kt")) == expected
    assert "org/sk-telecom" in short(relations(triples, org="SKT"))
    with pytest.raises(KeyError):
        relations(triples, org="없는회사")


def test_filter_by_incident(triples):
    assert short(relations(triples, incident=ID + "incident/kt-payment")) == [
        "article/A3", "article/A4", "incident/kt-payment", "org/kt", "remedy/kt-compensation"]


def test_filter_by_dates(triples):
    g = relations(triples, start="2025-08", end="2025-08")
    dated = sorted(n[len(ID):] for n, d in g.nodes(data=True) if d["first"])
    assert dated == ["article/A3", "event/pipc-decision", "sanction/pipc-fine"]
    assert "remedy/skt-waiver" not in short(g)   # July
    with pytest.raises(ValueError):
        relations(triples, start="last week")


def test_views_of_one_graph_share_no_lists(triples):
    """Both views describe a node from one index (made once): each gets lists of its own."""
    from types import SimpleNamespace
    from kg.views import index_of
    from kg.views.timeline import timeline
    graph = SimpleNamespace(triples=triples)
    fine = ID + "sanction/pipc-fine"
    r, t = relations(graph), timeline(graph)
    assert r.nodes[fine]["evidence"] == t.nodes[fine]["evidence"]
    r.nodes[fine]["evidence"].append("changed")
    r.nodes[fine]["sources"][0]["title"] = "changed"
    assert "changed" not in t.nodes[fine]["evidence"] and t.nodes[fine]["sources"][0]["title"] != "changed"
    index = index_of(graph)
    assert index.describe(fine) == index.describe(fine) and index.describe(fine) is not index.describe(fine)
    assert "changed" not in index.describe(fine)["evidence"]


def test_index_incoming_links(triples):
    from kg.views import GraphIndex
    index = GraphIndex(triples)
    assert ID + "sanction/pipc-fine" in index.inc[ID + "org/sk-telecom"]["https://w3id.org/tikg/ontology#imposedOn"]
    assert index.figures(ID + "sanction/pipc-fine") == ["1347억9100만원 (134,791,000,000 KRW)"]


def test_a_released_view_is_emptied_and_made_again_on_the_next_call(triples):
    from types import SimpleNamespace
    import networkx as nx
    from kg.views import release_view
    from kg.views.timeline import timeline
    graph = SimpleNamespace(triples=triples)
    first, narrowed, kept = relations(graph), relations(graph, org="KT"), timeline(graph)
    assert relations(graph) is first and first.number_of_nodes() == 23
    release_view(graph, relations)
    assert first.number_of_nodes() == narrowed.number_of_nodes() == 0  # every variant, emptied
    again = relations(graph)
    assert again is not first and nx.utils.graphs_equal(again, relations(triples))
    assert timeline(graph) is kept and kept.number_of_nodes() > 0  # the other view stays


def _as_made(index):
    """What an index is made of, with its orders: subjects, each one's properties, their values."""
    return ([(s, list(props.items())) for s, props in index.out.items()], index._dated, list(index.kinds.items()))


@pytest.mark.parametrize("split", ["by subject", "through subjects"])
def test_an_index_made_of_parts_is_the_index_of_the_whole(triples, split):
    from kg.views import GraphIndex, index_part
    subjects = sorted({t.subject.value for t in triples})
    if split == "by subject":  # as a build's parts: the shared nodes' lines, then the articles'
        first = [t for t in triples if subjects.index(t.subject.value) % 2]
        later = [t for t in triples if not subjects.index(t.subject.value) % 2]
    else:  # a subject in both parts, with values of one property in each
        first, later = triples[::2], triples[1::2]
        assert {t.subject for t in first} & {t.subject for t in later}
    whole = GraphIndex(first + later)
    parts = GraphIndex(parts=[index_part(first), index_part(later)])
    assert _as_made(parts) == _as_made(whole)
    assert [n for n in whole.out] != sorted(whole.out)  # the order of the subjects is tested, not sorted
    assert nx_equal(relations(parts), relations(whole))


def nx_equal(a, b) -> bool:
    import networkx as nx
    return nx.utils.graphs_equal(a, b) and list(a.nodes) == list(b.nodes)


def test_an_index_part_keeps_one_object_per_property_and_with_share_links_per_linked_iri(triples):
    from pyoxigraph import NamedNode
    from kg.views import GraphIndex, index_part
    for share_links in (False, True):
        out, dated, kinds = index_part(triples, share_links=share_links)
        properties: dict = {}
        assert all(properties.setdefault(p, p) is p for props in out.values() for p in props)
        linked = [o for props in out.values() for values in props.values() for o in values if type(o) is NamedNode]
        first: dict = {}
        shared = [first.setdefault(o.value, o) is o for o in linked]
        assert all(shared) if share_links else not all(shared)
        assert _as_made(GraphIndex(parts=[(out, dated, kinds)])) == _as_made(GraphIndex(triples))
