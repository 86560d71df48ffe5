from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.views.timeline import timeline

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "views_graph.ttl"
ID = "https://w3id.org/tikg/id/"


@pytest.fixture(scope="module")
def g():
    return timeline(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TURTLE), include_expressions=True)


def test_date_expressions_are_left_out_by_default():
    default = timeline(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TURTLE))
    assert [d["label"] for _, d in default.nodes(data=True)] == [
        "SK텔레콤 개인정보·유심정보 유출, 해킹·침해사고", "해킹 신고", "SK텔레콤 유심 교체", "SK텔레콤 정보보호 투자",
        "SK텔레콤 위약금 면제", "과징금 의결", "SK텔레콤 과징금", "KT 피해 보상·배상"]
    assert not any(d["kind"] == "date" for _, d in default.nodes(data=True))


def test_every_dated_node_in_time_order(g):
    assert [(d["label"], d["date"]) for _, d in g.nodes(data=True)] == [
        ("SK텔레콤 개인정보·유심정보 유출, 해킹·침해사고", "2025-04-18"),
        ("해킹 신고", "2025-04-20"),
        ("28일", "2025-04-28"),
        ("SK텔레콤 유심 교체", "2025-04-28"),
        ("SK텔레콤 정보보호 투자", "2025-07"),
        ("SK텔레콤 위약금 면제", "2025-07-05 ~ 2025-07-14"),
        ("과징금 의결", "2025-08-27"),
        ("SK텔레콤 과징금", "2025-08-27"),
        ("KT 피해 보상·배상", "~ 2025-09"),
        ("10월", "2025-10"),
        ("내년", "2026"),
    ]
    assert [d["order"] for _, d in g.nodes(data=True)] == list(range(11))


def test_granularity_is_kept(g):
    month = g.nodes[ID + "remedy/skt-investment"]
    assert (month["start"], month["granularity"], month["first"], month["last"], month["span"]) == (
        "2025-07", "month", "2025-07-01", "2025-07-31", False)
    year = g.nodes[ID + "mention/A5.date.0-5"]
    assert (year["date"], year["granularity"], year["first"], year["last"]) == ("2026", "year", "2026-01-01", "2026-12-31")


def test_periods_are_spans(g):
    waiver = g.nodes[ID + "remedy/skt-waiver"]
    assert (waiver["start"], waiver["end"], waiver["span"]) == ("2025-07-05", "2025-07-14", True)


def test_lanes_per_organization(g):
    assert g.graph["lanes"] == [(ID + "org/sk-telecom", "SK텔레콤"), ("", ""), (ID + "org/pipc", "개인정보보호위원회"),
                                (ID + "org/kt", "KT")]
    assert g.nodes[ID + "sanction/pipc-fine"]["lane"] == ID + "org/sk-telecom"      # imposedOn before imposedBy
    assert g.nodes[ID + "mention/A5.date.0-5"]["lane"] == ID + "org/kt"             # via its evidence sentence
    assert g.nodes[ID + "mention/A1.date.20-23"]["lane"] == ""


def test_next_edges_join_neighbours_in_a_lane(g):
    kt = [(u.rsplit("/", 1)[1], v.rsplit("/", 1)[1]) for u, v, r in g.edges(data="relation")
          if r == "next" and g.nodes[u]["lane"] == ID + "org/kt"]
    assert kt == [("kt-compensation", "A5.date.0-5")]
    assert g.number_of_edges() == 7


def test_figures_and_evidence_on_nodes(g):
    fine = g.nodes[ID + "sanction/pipc-fine"]
    assert fine["figures"] == ["1347억9100만원 (134,791,000,000 KRW)"]
    assert fine["evidence"] == ["개인정보위는 SK텔레콤에 과징금 1347억9100만원을 부과했다."]
    assert fine["sources"][0]["url"] == "https://news.example.com/A3"


def test_bookkeeping_dates_are_not_on_the_timeline(g):
    assert not any(d["kind"] == "article" for _, d in g.nodes(data=True))


def test_seeds():
    from kg.build import build
    kg = build([Path(__file__).resolve().parents[2] / "seeds"]).kg
    g = timeline(kg)
    assert all(d["first"] <= d["last"] for _, d in g.nodes(data=True))
    assert [d["order"] for _, d in g.nodes(data=True)] == list(range(g.number_of_nodes()))
