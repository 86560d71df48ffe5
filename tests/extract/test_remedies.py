"""Remedies on sentences we write ourselves: type, who offers it, and its period."""
from __future__ import annotations

import pytest

from kg.extract.remedies import derive_duration
from tests.extract.test_incidents import found


def remedies(body: str):
    return [(m.value, m.get("org"), m.get("start"), m.get("end"), m.get("duration")) for m in found(body, "remedy")]


@pytest.mark.parametrize("body, expected", [
    ("KT는 이달 31일부터 내년 1월 13일까지 위약금을 면제한다.",
     [("PenaltyWaiver", "kt", "2025-12-31", "2026-01-13", "P14D")]),
    ("SK텔레콤은 내년 1월 14일부터 31일까지 환급 신청을 받는다.",
     [("Refund", "sk-telecom", "2026-01-14", "2026-01-31", "P18D")]),
    ("KT는 6개월간 매달 데이터 100GB를 추가로 제공한다.", [("DataOffer", "kt", None, None, "P6M")]),
    ("LG유플러스는 로밍 관련 프로그램을 내년 8월까지 이어간다.", [("RoamingOffer", "lg-uplus", None, "2026-08", None)]),
    ("KT는 OTT 6개월 이용권을 제공한다.", [("ContentVoucher", "kt", None, None, "P6M")]),
    ("SK텔레콤은 8월 통신요금을 50% 깎아준다.", [("Discount", "sk-telecom", None, None, None)]),
    ("LG유플러스는 2년간 안심 보험을 제공한다.", [("Insurance", "lg-uplus", None, None, "P2Y")]),
    ("SK텔레콤은 내달 5일부터 유심을 무상으로 교체한다.", [("UsimReplacement", "sk-telecom", "2026-01-05", None, None)]),
    ("KT는 유심보호서비스 가입을 무료로 지원한다.", [("ProtectionService", "kt", None, None, None)]),
    ("KT는 피해 고객에게 결제 금액을 전액 보상한다.", [("Compensation", "kt", None, None, None)]),
    ("SK텔레콤은 5년간 정보보호 분야에 7000억원을 투자하기로 했다.",
     [("SecurityInvestment", "sk-telecom", None, None, "P5Y")]),
    ("KT는 정보보안 혁신 태스크포스(TF)를 띄웠다.", [("TaskForce", "kt", None, None, None)]),
    ("김영섭 KT 대표는 깊이 사과드린다고 말했다.", [("Apology", "kt", None, None, None)]),
    # 6개월 동안 for two offers of one clause; the end of a waiver after 끝난
    ("KT는 6개월 동안 데이터와 로밍 데이터를 추가 제공한다.",
     [("DataOffer", "kt", None, None, "P6M"), ("RoamingOffer", "kt", None, None, "P6M")]),
    ("SK텔레콤 위약금 면제가 끝난 7월 14일까지 가입자가 떠났다.",
     [("PenaltyWaiver", "sk-telecom", None, "2025-07-14", None)]),
    # grounds for a waiver and a lawmaker's demand are no remedy
    ("정부는 이번 사고가 위약금 면제 사유에 해당한다고 밝혔다.", []),
])
def test_remedy_type_org_and_period(body, expected):
    assert remedies(body) == expected


def test_retroactive_dates_are_eligibility_not_period():
    [m] = found("KT는 지난 9월 1일부터 이날까지 해지한 고객도 위약금 면제를 소급 적용한다.", "remedy")
    assert (m.get("start"), m.get("end"), m.get("eligibility")) == (None, None, "9월 1일부터 이날까지 해지한 고객도")


def test_planned_remedy():
    [m] = found("KT는 다음 주 위약금 면제를 발표할 예정이다.", "remedy")
    assert m.get("status") == "planned"


@pytest.mark.parametrize("start, end, expected", [
    ("2025-12-31", "2026-01-13", "P14D"), ("2025-08-01", "2025-12", "P5M"), ("2025-08", "2025-12", "P5M"),
    ("2025-12", "2025-01-03", None)])
def test_derive_duration(start, end, expected):
    assert derive_duration(start, end) == expected
