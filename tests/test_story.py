"""One story across articles (kg/story.py), and every example in the story resource files."""
from __future__ import annotations

import pytest

from kg.extract import extract_article
from kg.graph import ArticleFacts, assemble
from kg.resources import read_yaml
from tests.conftest import make_article

TIKG = "https://w3id.org/tikg/ontology#"


def article(body: str, published_at: str, aid: str):
    a = make_article(body, published_at)
    object.__setattr__(a, "id", aid) if hasattr(a, "__dataclass_fields__") else None
    return a


def graph(*articles):
    return assemble([ArticleFacts(a, tuple(extract_article(a))) for a in articles])


def query(kg, q: str):
    store = kg.store()
    return [tuple(None if v is None else v.value for v in r) for r in store.query(
        f"PREFIX tikg: <{TIKG}> PREFIX schema: <https://schema.org/> PREFIX prov: <http://www.w3.org/ns/prov#> " + q)]


def two_articles():
    a = article("KT의 무단 소액결제 피해자는 278명이다. KT는 피해 고객의 위약금을 면제한다.", "2025-09-11 10:00", "t_1")
    b = article("KT 무단 소액결제 피해자는 278명에서 362명으로 늘었다. KT는 다음 달 30일까지 위약금을 면제한다.",
                "2025-10-18 10:00", "t_2")
    return a, b


def test_one_incident_across_articles():
    kg = graph(*two_articles())
    rows = query(kg, "SELECT ?i (COUNT(DISTINCT ?a) AS ?n) WHERE { ?i a tikg:Incident ; prov:wasDerivedFrom ?a } GROUP BY ?i")
    assert [n for _, n in rows] == ["2"]


def test_conflicting_figure_keeps_every_value_and_marks_the_latest():
    kg = graph(*two_articles())
    rows = query(kg, """SELECT ?v ?latest WHERE { ?f a tikg:Figure ; tikg:measure tikg:VictimCount ;
                        schema:value ?v ; tikg:isLatest ?latest } ORDER BY ?v""")
    assert rows == [("278", "false"), ("362", "true")]
    disagreements = query(kg, """SELECT ?i ?m (COUNT(DISTINCT ?v) AS ?n) WHERE {
        ?f a tikg:Figure ; tikg:figureOf ?i ; tikg:measure ?m ; schema:value ?v } GROUP BY ?i ?m HAVING (COUNT(DISTINCT ?v) > 1)""")
    assert [(m.rsplit("#", 1)[1], n) for _, m, n in disagreements] == [("VictimCount", "2")]


def test_two_incidents_of_one_company_in_one_article_stay_apart():
    a = article("KT는 2023년 8월 통신 장애를 겪었다. 올해 9월에는 KT의 무단 소액결제 사고가 났다.", "2025-10-01 10:00", "t_3")
    rows = query(graph(a), "SELECT ?i ?t WHERE { ?i a tikg:Incident ; tikg:incidentType ?t } ORDER BY ?t")
    assert len({i for i, _ in rows}) == 2
    assert sorted(t.rsplit("#", 1)[1] for _, t in rows) == ["ServiceOutage", "UnauthorizedPayment"]


def test_remedy_responds_to_the_incident_and_decided_vs_planned_sanction():
    a = article("KT의 무단 소액결제 피해가 커졌다. KT는 위약금을 면제한다. 과기정통부는 KT에 과태료를 부과할 방침이다.",
                "2025-10-01 10:00", "t_4")
    kg = graph(a)
    assert len(query(kg, "SELECT ?r WHERE { ?r a tikg:Remedy ; tikg:respondsTo ?i . ?i a tikg:Incident }")) == 1
    assert query(kg, "SELECT ?s WHERE { ?s a tikg:Sanction ; tikg:status ?s2 FILTER(?s2 = 'planned') }") != []


def _examples(name, key="rules"):
    for rule in read_yaml(name)[key]:
        for ex in rule.get("examples", []):
            yield pytest.param(rule, ex, id=f"{name}:{rule['id']}:{ex['text']}")


def _found(text, kind):
    a = make_article(text)
    return [m for m in extract_article(a) if m.kind == kind and m.start >= a.sentences[1].start]


def _key(surface):
    from kg.extract.organizations import lexicon
    return lexicon().by_surface[surface]


@pytest.mark.parametrize("rule, ex", list(_examples("incidents", "types")))
def test_incident_examples(rule, ex):
    ms = _found(ex["text"], "incident")
    assert {(m.value, m.get("type")) for m in ms} == {(_key(ex["org"]), t) for t in ex["types"]}


@pytest.mark.parametrize("rule, ex", list(_examples("incidents", "figures")))
def test_figure_examples(rule, ex):
    assert [(m.value, m.get("number")) for m in _found(ex["text"], "figure")] == [(rule["measure"], ex["value"])]


@pytest.mark.parametrize("rule, ex", list(_examples("remedies")))
def test_remedy_examples(rule, ex):
    assert (ex["type"], _key(ex["org"])) in {(m.value, m.get("org")) for m in _found(ex["text"], "remedy")}


@pytest.mark.parametrize("rule, ex", list(_examples("sanctions")))
def test_sanction_examples(rule, ex):
    assert [(m.value, m.get("on"), m.get("by"), m.get("status")) for m in _found(ex["text"], "sanction")] == [
        (ex["type"], _key(ex["org"]), _key(ex["by"]), ex["status"])]


@pytest.mark.parametrize("rule, ex", list(_examples("events")))
def test_event_examples(rule, ex):
    assert ex["type"] in {m.value for m in _found(ex["text"], "event")}


def test_figures_are_one_node_per_value_as_written():
    """A figure node is named by its value's text: 1 and 1.0 are equal numbers, yet two nodes; the same
    value told by two articles is one node."""
    from datetime import datetime, timedelta, timezone
    from types import SimpleNamespace
    from kg.iris import Iris
    from kg.mention import Mention, make_attrs
    from kg.story import StoryResolver

    def told(aid, day, *mentions):
        published = datetime(2025, 5, day, tzinfo=timezone(timedelta(hours=9)))
        return SimpleNamespace(article=SimpleNamespace(id=aid, published_at=published), mentions=mentions)

    def figure(start, number):
        return Mention("figure", start, start + 2, "x", "affected", "r", make_attrs(org="sk-telecom", number=number))

    incident = Mention("incident", 0, 2, "유출", "sk-telecom", "r", make_attrs(type="breach", when="2025-04-18"))
    one, one_again, one_point_zero = figure(10, 1), figure(10, 1), figure(20, 1.0)
    resolver = StoryResolver([told("a", 1, incident, one, one_point_zero), told("b", 2, incident, one_again)], Iris())
    a_one, b_one, a_float = (resolver.node_for(aid, m) for aid, m in
                             (("a", one), ("b", one_again), ("a", one_point_zero)))
    assert a_one == b_one != a_float
    assert a_one.value.split("/")[-1].startswith("affected-1-") and "affected-1.0-" in a_float.value
    assert resolver.attrs_for("a", one)["incident"] == resolver.node_for("a", incident)
    assert resolver.attrs_for("a", one)["latest"] and resolver.attrs_for("a", one_point_zero)["latest"]
    assert resolver.answers_text("a", [one]) != resolver.answers_text("a", [one_point_zero])
