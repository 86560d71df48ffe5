"""Incidents and figures on sentences we write ourselves: the affected organization by grammar."""
from __future__ import annotations

import pytest

from kg.extract import extract_article
from tests.conftest import make_article


def found(body: str, kind: str, published_at: str = "2025-12-30 00:00"):
    article = make_article(body, published_at)
    return [m for m in extract_article(article) if m.kind == kind and m.start >= article.sentences[1].start]


@pytest.mark.parametrize("body, expected", [
    # one sentence per type; the org the incident noun phrase belongs to
    ("SK텔레콤 해킹 사고로 고객 불안이 커졌다.", [("sk-telecom", "Hacking", False)]),
    ("KT 서버 94대가 악성코드 103종에 감염됐다.", [("kt", "MalwareInfection", False)]),
    ("LG유플러스의 개인정보 유출이 확인됐다.", [("lg-uplus", "DataLeak", False)]),
    ("KT의 무단 소액결제 피해가 늘었다.", [("kt", "UnauthorizedPayment", False)]),
    ("SK텔레콤 통신 장애로 결제가 멈췄다.", [("sk-telecom", "ServiceOutage", False)]),
    # suspected
    ("LG유플러스 내부 서버 해킹 정황이 드러났다.", [("lg-uplus", "Hacking", True)]),
    # not the organization in the dative, but the subject
    ("LG유플러스는 전날 KISA에 침해사고를 신고했다.", [("lg-uplus", "Hacking", False)]),
    # a relative clause: the incident belongs to the noun it modifies
    ("인증서 유출 의혹이 제기된 KT는 신고를 마쳤다.", [("kt", "DataLeak", True)]),
    # a magazine about hacking is no incident
    ("해킹 전문 매체가 보도했다.", []),
])
def test_incident_owner_and_type(body, expected):
    assert [(m.value, m.get("type"), m.get("suspected")) for m in found(body, "incident")] == expected


def test_two_incidents_of_one_company_keep_their_dates():
    ms = found("KT는 2023년 8월 통신 장애를 겪은 데 이어 올해 9월 무단 소액결제 사고가 났다.", "incident")
    assert [(m.get("type"), m.get("family"), m.get("when")) for m in ms] == [
        ("ServiceOutage", "outage", "2023-08"), ("UnauthorizedPayment", "breach", "2025-09")]


def test_figures_measure_the_incident():
    ms = found("KT의 무단 소액결제 피해자는 278명, 피해액은 1억7000만원이다.", "figure")
    assert [(m.value, m.get("number"), m.get("org"), m.get("superseded")) for m in ms] == [
        ("VictimCount", 278, "kt", False), ("DamageAmount", 170000000, "kt", False)]


def test_an_earlier_figure_the_text_corrects_is_superseded():
    ms = found("KT 무단 소액결제 피해자는 278명에서 362명으로 늘었다.", "figure")
    assert [(m.value, m.get("number"), m.get("superseded")) for m in ms] == [
        ("VictimCount", 278, True), ("VictimCount", 362, False)]
