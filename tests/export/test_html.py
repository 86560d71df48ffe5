"""graph.html and timeline.html in real headless Chromium, with every non-file request blocked."""
import json
import re
from pathlib import Path

import pytest

from kg.export import html
from kg.export.html import graph_payload, script_json, write_html
from kg.export.timeline_html import timeline_payload, write_timeline_html
from kg.views.relations import relations
from kg.views.timeline import timeline

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PROBE = "<img src=x onerror=alert(1)>"


def test_script_json_cannot_close_the_script():
    text = script_json({"t": "</script><script>alert(1)</script> <!-- & \u2028"}).decode("utf-8")
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script> <!-- & \u2028"}


def one_shot(data) -> bytes:
    """The page data as it was written before it was streamed: one json.dumps, escaped whole."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw.encode("utf-8"), escaped.encode("ascii"))
    return text


@pytest.mark.parametrize("count", [0, 1, 3, 4, 7, 10])
def test_streamed_script_json_is_the_one_shot_bytes(monkeypatch, count):
    monkeypatch.setattr(html, "CHUNK", 3)

    def item(i):
        return {"id": f"n{i}", "t": f"</script><!-- & \u2028\u2029 개인정보 {i}", "n": {"deep": [i, None, 1.5, True]},
                1: "int key", "e": []}
    data = {"title": "<제목> & \u2028", "words": {"a": "가"}, "empty": {}, "n": 3, "t": (1, 2),
            "nodes": [item(i) for i in range(count)], "edges": [[i, "</"] for i in range(count)], 7: "last"}
    expected = one_shot(data)
    lazy = dict(data, nodes=(item(i) for i in range(count)), edges=iter(data["edges"]))
    pieces = list(html.script_json_parts(lazy))
    assert b"".join(pieces) == expected and script_json(data) == expected
    assert max(piece.count(b'"id":') for piece in pieces) == min(count, 3)   # in chunks, not whole
    for top in ([item(i) for i in range(count)], "</script>", 5, {}):
        assert script_json(top) == one_shot(top)


def test_pages_are_the_one_shot_bytes(monkeypatch, tmp_path, fixture_kg):
    monkeypatch.setattr(html, "CHUNK", 2)
    for payload, view in ((graph_payload, relations), (timeline_payload, timeline)):
        data = payload(view(fixture_kg))
        whole = dict(data, nodes=list(data["nodes"]), edges=list(data["edges"]))
        page = b"".join(html.page_parts("<t>", whole))
        assert page.count(one_shot(whole)) == 1 and len(whole["nodes"]) > 0
        html.write_page(tmp_path / "p.html", "<t>", payload(view(fixture_kg)))
        assert (tmp_path / "p.html").read_bytes() == page


def test_page_references_nothing_outside(tmp_path, fixture_kg):
    page = write_html(fixture_kg, tmp_path).read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img|iframe)[^>]*(src|href)=""", page)
    assert "default-src 'none'" in page
    assert PROBE not in page and "</script><script>window.__xss" not in page


def test_graph_payload_styles_and_filters(fixture_kg):
    data = graph_payload(relations(fixture_kg))
    nodes = list(data["nodes"])
    assert len(nodes) == 23
    assert data["kinds"] == ["organization", "incident", "remedy", "sanction", "event", "person", "article"]
    fine = next(n for n in nodes if n["id"].endswith("sanction/pipc-fine"))
    assert fine["orgs"] == ["https://w3id.org/tikg/id/org/pipc", "https://w3id.org/tikg/id/org/sk-telecom"]
    assert fine["tip"].splitlines()[:3] == ["SK텔레콤 과징금", "유형: 제재 (과징금)", "날짜: startDate 2025-08-27"]


def test_timeline_payload_lanes_and_boxes(fixture_kg):
    data = timeline_payload(timeline(fixture_kg))
    assert [lane["label"] for lane in data["axis"]["lanes"]] == ["SK텔레콤", "개인정보보호위원회", "KT"]
    nodes = list(data["nodes"])
    month = next(n for n in nodes if n["id"].endswith("remedy/skt-investment"))
    waiver = next(n for n in nodes if n["id"].endswith("remedy/skt-waiver"))
    assert month["shape"] == "box" and month["light"] is True
    assert waiver["shape"] == "box" and waiver["light"] is False
    assert data["axis"]["ticks"][0]["label"] == "2025-04"


def open_page(browser, path: Path, shot: str):
    page = browser.page()
    try:
        seconds = page.open(path)
        page.pump(0.3)
        page.screenshot(ARTIFACTS / shot)
        status = page.eval("window.kgStatus")
        xss = page.eval("[window.__xss, document.querySelectorAll('img').length]")
        return page, seconds, status, xss
    except BaseException:
        page.close()
        raise


@pytest.mark.browser
@pytest.mark.parametrize("name", ["fixture", "xss"])
def test_graph_html_offline_in_chromium(browser, tmp_path, fixture_kg, xss_kg, name):
    kg = fixture_kg if name == "fixture" else xss_kg
    path = write_html(kg, tmp_path)
    page, seconds, status, xss = open_page(browser, path, f"graph_{name}.png")
    try:
        assert status["drawn"] == status["nodes"] == relations(kg).number_of_nodes()
        assert page.requests == [path.resolve().as_uri()] and page.blocked == []
        assert page.dialogs == [] and page.errors == [] and xss == [None, 0]
        # the probe is shown as text in the side panel, and filtering works
        probe_node = next(n for n, d in relations(kg).nodes(data=True) if PROBE in d["label"]
                          or any(PROBE in s for s in d["evidence"]))
        page.eval(f"window.kgShow({json.dumps(probe_node)})")
        assert PROBE in page.eval("document.getElementById('panel').textContent")
        assert page.eval("document.querySelectorAll('#panel img, #panel script').length") == 0
        page.pump(0.2)
        assert page.dialogs == []
        orgs = page.eval("window.kgFilter('https://w3id.org/tikg/id/org/kt', '')")
        assert 0 < orgs < status["nodes"]
    finally:
        page.close()


@pytest.mark.browser
def test_timeline_html_offline_in_chromium(browser, tmp_path, fixture_kg):
    path = write_timeline_html(fixture_kg, tmp_path)
    page, seconds, status, xss = open_page(browser, path, "timeline_fixture.png")
    try:
        assert status["drawn"] == status["nodes"] == timeline(fixture_kg).number_of_nodes() == 8
        assert page.requests == [path.resolve().as_uri()] and page.blocked == []
        assert page.dialogs == [] and page.errors == [] and xss == [None, 0]
        page.eval("window.kgShow('https://w3id.org/tikg/id/remedy/kt-compensation')")
        panel = page.eval("document.getElementById('panel').textContent")
        assert PROBE in panel and "https://w3id.org/tikg/id/remedy/kt-compensation" in panel
        assert page.eval("document.querySelector('#panel a').href") == "https://news.example.com/A4"
        assert page.eval("window.kgFilter('https://w3id.org/tikg/id/org/kt', '')") == 1
    finally:
        page.close()


@pytest.mark.browser
def test_seed_pages_in_chromium(browser, seeds_kg, tmp_path):
    for writer, count, shot in ((write_html, relations(seeds_kg).number_of_nodes(), "graph_seeds.png"),
                                (write_timeline_html, timeline(seeds_kg).number_of_nodes(), "timeline_seeds.png")):
        page, seconds, status, _ = open_page(browser, writer(seeds_kg, tmp_path), shot)
        try:
            assert status["drawn"] == count and page.blocked == [] and page.errors == []
        finally:
            page.close()
