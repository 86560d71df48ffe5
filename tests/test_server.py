"""kg serve and kg push against a real Oxigraph server process on 127.0.0.1 (started and stopped here)."""
from __future__ import annotations

import http.server
import json
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import query as q
from kg import server
from kg.cli import main

pytestmark = pytest.mark.server

GRAPH = Path(__file__).resolve().parent / "fixtures" / "query_graph.ttl"
GRAPH_IRI = "https://w3id.org/tikg/graph/test"
# the parameters each bundled query is asked with on the fixture graph
PARAMS = {"timeline": {"org": "SKT"}, "remedies-in-force": {"date": "2025-07-10"}, "money": {"org": "kt"},
          "sanctions-by-regulator": {"regulator": "개인정보위"}, "evidence": {"node": "sanction:pipc-fine"}}


@pytest.fixture(scope="module")
def oxigraph():
    with server.start(host="127.0.0.1") as running:
        yield running
    assert running.process.poll() is not None


def remote_rows(endpoint: str, query: q.Query, terms: dict, default_graph: str | None = None):
    doc = server.sparql_select(endpoint, q.with_values(query.text, terms), default_graph=default_graph)
    solutions = ox.parse_query_results(json.dumps(doc).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    return q.Table.of(solutions).plain()


def test_pushed_graph_answers_bundled_queries_like_the_embedded_engine(oxigraph, capsys):
    assert main(["push", str(GRAPH), "--endpoint", oxigraph.store_url, "--graph", GRAPH_IRI]) == 0
    assert capsys.readouterr().out.startswith(f"pushed {GRAPH} (")
    store = q.load_graph(GRAPH)
    for name, query in q.bundled().items():
        terms = q.bind_params(query, PARAMS.get(name, {}))
        local = q.Table.of(q.run(store, query, terms)).plain()
        assert local, name  # every bundled query has rows on the fixture
        assert remote_rows(oxigraph.query_url, query, terms, default_graph=GRAPH_IRI) == local, name


def test_push_replaces_the_named_graph(oxigraph, tmp_path):
    small = tmp_path / "small.ttl"
    small.write_text("<https://ex.org/a> <https://ex.org/p> \"1\" .\n", encoding="utf-8")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % GRAPH_IRI
    server.push(GRAPH, oxigraph.store_url, graph_iri=GRAPH_IRI)
    server.push(small, oxigraph.store_url, graph_iri=GRAPH_IRI)
    doc = server.sparql_select(oxigraph.query_url, count)
    assert doc["results"]["bindings"][0]["n"]["value"] == "1"
    status, url, size = server.push(small, oxigraph.store_url)  # the default graph
    assert url == oxigraph.store_url + "?default" and status in (200, 201, 204) and size == small.stat().st_size


def test_push_errors_are_one_line(oxigraph, capsys):
    with pytest.raises(server.ServerError, match=r"^HTTP 404 .* from http://127\.0\.0\.1:\d+/nowhere\?default"):
        server.push(GRAPH, oxigraph.base_url + "/nowhere")
    closed = server.free_port()
    assert main(["push", str(GRAPH), "--endpoint", f"http://127.0.0.1:{closed}/store"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kg push: cannot reach http://127.0.0.1:{closed}/store?default: ") and err.count("\n") == 1
    assert main(["push", "/nonexistent.ttl", "--endpoint", oxigraph.store_url]) == 1
    assert capsys.readouterr().err.startswith("kg push: graph not found: /nonexistent.ttl")


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Recorder.seen.append((self.path, self.headers.get("Authorization"), self.headers.get("Content-Type"), body))
        code = 401 if self.headers.get("Authorization") == "Bearer wrong" else 204
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_push_sends_authentication_and_turtle():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_port}/ds/data"
        server.push(GRAPH, url, graph_iri="https://ex.org/g?x=1", user="admin", password="pw")
        server.push(GRAPH, url, token="abc")
        with pytest.raises(server.ServerError, match="HTTP 401 .*check --user/--password or --token"):
            server.push(GRAPH, url, token="wrong")
    finally:
        httpd.shutdown()
        httpd.server_close()
    (p1, a1, c1, b1), (p2, a2, _, _), _ = _Recorder.seen
    assert p1 == "/ds/data?graph=https%3A%2F%2Fex.org%2Fg%3Fx%3D1" and a1 == "Basic YWRtaW46cHc="
    assert c1 == "text/turtle; charset=utf-8" and b1 == GRAPH.read_bytes()
    assert p2 == "/ds/data?default" and a2 == "Bearer abc"


def test_kg_serve_prints_the_endpoint_and_stops_on_ctrl_c():
    import tempfile
    before = set(Path(tempfile.gettempdir()).glob("kg-serve-*"))
    port = server.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", str(GRAPH), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("press Ctrl-C"):
                break
        out = "".join(lines)
        endpoint = re.search(r"SPARQL query endpoint:\s+(\S+)", out).group(1)
        assert endpoint == f"http://127.0.0.1:{port}/query"
        query = q.bundled()["persons"]
        local = q.Table.of(q.run(q.load_graph(GRAPH), query)).plain()
        assert remote_rows(endpoint, query, {}) == local
        assert set(Path(tempfile.gettempdir()).glob("kg-serve-*")) - before  # the temporary store
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        assert not set(Path(tempfile.gettempdir()).glob("kg-serve-*")) - before  # removed on exit
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kg_serve_missing_graph(capsys):
    assert main(["serve", "/nonexistent.ttl"]) == 1
    assert capsys.readouterr().err.startswith("kg serve: graph not found: /nonexistent.ttl")
