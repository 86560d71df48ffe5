"""Sanctions on sentences we write ourselves: type, regulator, target, amount, decided vs planned."""
from __future__ import annotations

import pytest

from tests.extract.test_incidents import found


@pytest.mark.parametrize("body, expected", [
    ("개인정보위는 지난 8월 27일 LG유플러스에 과징금 10억원을 부과했다.",
     [("Fine", "lg-uplus", "pipc", 1000000000, "2025-08-27", "decided")]),
    ("방통위는 KT에 과태료 960만원을 부과했다.", [("AdministrativePenalty", "kt", "kcc", 9600000, None, "decided")]),
    ("과기정통부는 SK텔레콤에 이행계획을 이달 말까지 제출하라고 요구했다.",
     [("CorrectiveOrder", "sk-telecom", "msit", None, None, "decided")]),
    ("개인정보위는 KT에 시정명령을 내렸다.", [("CorrectiveOrder", "kt", "pipc", None, None, "decided")]),
    # planned: 방침, 예정, 할 수 있다
    ("과기정통부는 KT에 과태료를 부과할 방침이다.", [("AdministrativePenalty", "kt", "msit", None, None, "planned")]),
    ("개인정보위는 KT에 과징금 부과 여부를 결정할 예정이다.", [("Fine", "kt", "pipc", None, None, "planned")]),
    # the regulator it comes from, the company that receives it
    ("SK텔레콤은 개인정보위로부터 과징금 1347억9100만원을 부과받았다.",
     [("Fine", "sk-telecom", "pipc", 134791000000, None, "decided")]),
    # two sanctions in one clause: each takes the amount written after it
    ("개인정보위는 LG유플러스에 과징금 64억3000만원과 과태료 1200만원을 부과했다.",
     [("Fine", "lg-uplus", "pipc", 6430000000, None, "decided"),
      ("AdministrativePenalty", "lg-uplus", "pipc", 12000000, None, "decided")]),
    # the amount before the cue when none follows it
    ("방통위는 KT에 3억원의 과징금을 부과했다.", [("Fine", "kt", "kcc", 300000000, None, "decided")]),
])
def test_sanctions(body, expected):
    assert [(m.value, m.get("on"), m.get("by"), m.get("amount"), m.get("date"), m.get("status"))
            for m in found(body, "sanction")] == expected
