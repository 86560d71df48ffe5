"""Articles written for this test, phrased unlike the samples: the rules must generalise beyond seeds/.

990: a regulator's fine and penalty in one clause, a remedy period across a month, an investment.
991: a service outage, "요금 10일분 감면" (so many days' worth, not the 10th), an apology.
"""
from __future__ import annotations

import pytest

from tests.conftest import FIXTURES

Q = """PREFIX schema: <https://schema.org/> PREFIX tikg: <https://w3id.org/tikg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#> """


@pytest.fixture(scope="module")
def store():
    from kg.build import build
    return build([FIXTURES / "holdout"]).kg.store()


def rows(store, query: str, article: str) -> set[tuple]:
    result = store.query(Q + query.replace("ARTICLE", f"<https://w3id.org/tikg/id/article/{article}>"))
    return {tuple(v.value.rsplit("#", 1)[-1] if v is not None else None for v in r) for r in result}


def test_regulator_fine_and_penalty_each_with_its_amount(store):
    assert rows(store, """SELECT ?type ?on ?by ?amount WHERE { ?s a tikg:Sanction ; prov:wasDerivedFrom ARTICLE ;
        tikg:sanctionType ?type ; tikg:imposedOn/schema:name ?on ; tikg:imposedBy/schema:name ?by ;
        schema:amount/schema:value ?amount }""", "990_0000000001") == {
        ("Fine", "LG유플러스", "개인정보보호위원회", "6430000000"),
        ("Fine", "LG유플러스", "개인정보보호위원회", "6400000000"),  # the headline's rounded 64억원
        ("AdministrativePenalty", "LG유플러스", "개인정보보호위원회", "12000000")}
    assert ("CorrectiveOrder",) in rows(store, """SELECT ?type WHERE { ?s a tikg:Sanction ;
        prov:wasDerivedFrom ARTICLE ; tikg:sanctionType ?type }""", "990_0000000001")


def test_remedies_with_periods(store):
    assert rows(store, """SELECT ?type ?start ?end ?duration WHERE { ?r a tikg:Remedy ; prov:wasDerivedFrom ARTICLE ;
        tikg:remedyType ?type ; tikg:offeredBy/schema:name "LG유플러스" .
        OPTIONAL { ?r schema:startDate ?start } OPTIONAL { ?r schema:endDate ?end }
        OPTIONAL { ?r schema:duration ?duration } }""", "990_0000000001") == {
        ("DataOffer", "2026-04-01", "2026-06-30", "P91D"),
        ("SecurityInvestment", None, None, "P3Y"),
        ("Compensation", None, None, None),
        ("Apology", None, None, None)}


def test_dates_resolved_against_publication(store):
    assert rows(store, "SELECT ?d WHERE { ?x prov:wasDerivedFrom ARTICLE ; tikg:dateValue ?d }", "990_0000000001") == {
        ("2025-10-23",), ("2026-01",), ("2026-03-04",), ("2026-03-05",), ("2026-04-01",), ("2026-06-30",)}
    assert rows(store, "SELECT ?d WHERE { ?x prov:wasDerivedFrom ARTICLE ; tikg:dateValue ?d }", "991_0000000002") == {
        ("2021-10",), ("2025-11-25",), ("2025-11-27",), ("2025-12",), ("2026",)}


def test_outage_incident_discount_and_apology(store):
    assert rows(store, """SELECT ?org ?type WHERE { ?i a tikg:Incident ; prov:wasDerivedFrom ARTICLE ;
        tikg:affects/schema:name ?org ; tikg:incidentType ?type }""", "991_0000000002") == {
        ("SK브로드밴드", "ServiceOutage")}
    assert rows(store, """SELECT ?type WHERE { ?r a tikg:Remedy ; prov:wasDerivedFrom ARTICLE ; tikg:remedyType ?type ;
        tikg:offeredBy/schema:name "SK브로드밴드" }""", "991_0000000002") == {("Discount",), ("Apology",)}
    assert ("P10D", "10일분") in rows(store, """SELECT ?d ?s WHERE { ?x prov:wasDerivedFrom ARTICLE ;
        schema:duration ?d ; tikg:surfaceText ?s }""", "991_0000000002")


def test_persons_and_figures(store):
    assert rows(store, """SELECT ?name ?title ?org WHERE { ?p a schema:Person ; prov:wasDerivedFrom ARTICLE ;
        schema:name ?name ; schema:jobTitle ?title ; schema:worksFor/schema:name ?org }""", "991_0000000002") == {
        ("문수아", "기자", "미리내뉴스"), ("박진효", "사장", "SK브로드밴드")}
    assert rows(store, """SELECT ?v ?u WHERE { ?q a schema:QuantitativeValue ; prov:wasDerivedFrom ARTICLE ;
        schema:value ?v ; schema:unitText ?u }""", "990_0000000001") == {("297117", "건"), ("3000", "대"), ("20", "GB")}
