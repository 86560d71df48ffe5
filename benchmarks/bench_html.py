"""How long a 5,000-node graph.html takes to open and settle in headless Chromium (target: < 10 s).

    python benchmarks/bench_html.py [--nodes 5000] [--runs 3]

Generates a relations-shaped graph (organizations, incidents, remedies, sanctions,
events, persons, articles with typed edges), writes the page with kg.export.html,
opens it offline in Chromium and waits for the first complete draw (physics is
off, positions are precomputed, so the first draw is the settled graph).
Writes the figures to benchmarks/html.md. Not a test.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from kg.export.html import graph_payload, write_page  # noqa: E402

KINDS = ["incident", "remedy", "sanction", "event", "person", "article"]
ID = "https://w3id.org/tikg/id/"


def synthetic(n: int, seed: int = 7) -> nx.MultiDiGraph:
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    orgs = [f"{ID}org/o{i}" for i in range(max(3, n // 50))]
    articles = [f"{ID}article/a{i}" for i in range(max(3, n // 5))]

    def node(iri, kind, label, orgs_=()):
        g.add_node(iri, iri=iri, kind=kind, label=label, types=[], figures=[f"{rnd.randint(1, 999)}억원"],
                   evidence=[f"{label} 관련 근거 문장입니다."], sources=[{"iri": articles[0], "title": "기사 제목",
                   "url": "https://news.example.com/a", "published": "2025-05-01"}], orgs=list(orgs_),
                   support=rnd.randint(1, 9), dates=["startDate 2025-05-01"], first="2025-05-01", last="2025-05-01")
    for i, o in enumerate(orgs):
        node(o, "organization", f"조직{i}")
    for i, a in enumerate(articles):
        node(a, "article", f"기사 {i}")
        g.add_edge(a, rnd.choice(orgs), key="publisher", label="publisher")
    i = 0
    while g.number_of_nodes() < n:
        kind = rnd.choice(KINDS[:-1])
        iri, org = f"{ID}{kind}/x{i}", rnd.choice(orgs)
        node(iri, kind, f"{kind} {i}", [org])
        g.add_edge(iri, org, key="offeredBy" if kind == "remedy" else "affects", label="관계")
        g.add_edge(iri, rnd.choice(articles), key="wasDerivedFrom", label="출처")
        i += 1
    return g


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from chromium import CHROMIUM, Browser
    if CHROMIUM is None:
        print("chromium is not installed (make browser)")
        return 1
    g = synthetic(args.nodes)
    out = Path(tempfile.mkdtemp()) / "graph.html"
    started = time.monotonic()
    write_page(out, "bench", graph_payload(g))
    build_s = time.monotonic() - started
    page_size = out.stat().st_size
    times, drawn = [], None
    browser = Browser()
    try:
        for _ in range(args.runs):
            page = browser.page()
            times.append(page.open(out, timeout=120))
            status = page.eval("window.kgStatus")
            drawn = status["drawn"]
            assert page.blocked == [], page.blocked
            page.screenshot(ROOT / "tests" / "artifacts" / f"bench_graph_{args.nodes}.png")
            page.close()
    finally:
        browser.close()
    lines = [
        "# graph.html at scale (benchmarks/bench_html.py)",
        "",
        f"Generated relations graph: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges; "
        f"page {page_size / 1e6:.1f} MB; built (layout + JSON, written) in {build_s:.1f} s.",
        "Headless Chromium (Debian package, software rendering), network blocked; time from navigation",
        "to the first complete draw (physics off, positions precomputed: the first draw is the settled graph).",
        "",
        "| run | open + settle (s) |",
        "|---|---|",
        *[f"| {i + 1} | {t:.2f} |" for i, t in enumerate(times)],
        "",
        f"median {statistics.median(times):.2f} s (target < 10 s); nodes drawn: {drawn:,}",
        "",
    ]
    (ROOT / "benchmarks" / "html.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
