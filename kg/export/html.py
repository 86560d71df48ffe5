"""graph.html: the relations view as an interactive page that works offline.

vis-network (the library pyvis drives; vendored from pyvis's package data in
``static/``) and the page's script are inlined, so the file opened from disk
makes no request at all (a Content-Security-Policy forbids any). Positions are
computed here with networkx and physics is off, so the graph is drawn settled
on first paint, also at thousands of nodes. Node colour and shape by kind
(``templates/legend.yaml``), a legend that filters by kind, a filter by
organization, a search box, plain-text tooltips, and a side panel with the
type, dates, figures, evidence sentences and links to the source articles.

Crawled text is untrusted: the data travels as JSON in a
``<script type="application/json">`` block with ``<``, ``>``, ``&`` and the
line separators escaped, and the page puts it into the document only through
``textContent``, canvas text or vis-network's plain-text tooltips.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import networkx as nx

from kg.export.legend import STATIC, TEMPLATES, legend, words
from kg.views.relations import relations
from kg.gc_pause import paused_gc
from kg.views import view_source
from kg.export.files import export_output

STORY = frozenset({"affects", "offeredBy", "imposedBy", "imposedOn", "respondsTo", "hasActor", "worksFor"})
SPRING_MAX = 400   # above this, the O(n^2) spring layout is replaced by the clustered one
SCALE = 9.0        # pixels per unit of the layouts


# what may not appear raw inside a <script> element, as UTF-8, and its JSON escape
_SCRIPT_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                   ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))
CHUNK = 1000   # array items put into JSON at a time


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def _escaped(text: str) -> bytes:
    """``text`` as UTF-8 with the script escapes; they are per character, so pieces escaped one by one
    join into the whole escaped. Applied to the bytes: on a string of Korean text each replace would
    copy twice as much."""
    data = text.encode("utf-8")
    for raw, escaped in _SCRIPT_ESCAPES:
        data = data.replace(raw, escaped)  # the same object back when there is none
    return data


def _array(items: Iterable) -> Iterator[bytes]:
    """A JSON array in pieces of CHUNK items (with these separators, a list's JSON is its items' joined
    by commas, and dumping a chunk as a list keeps json's fast C encoder)."""
    items, sep = iter(items), "["
    while chunk := list(islice(items, CHUNK)):
        yield _escaped(sep + _dumps(chunk)[1:-1])
        sep = ","
    yield b"[]" if sep == "[" else b"]"


def _is_array(value) -> bool:
    return isinstance(value, (list, tuple, Iterator))


def script_json_parts(data) -> Iterator[bytes]:
    """JSON (UTF-8) safe inside a <script> element, in pieces: no '</script>', no '<!--', no raw line separators.

    An array, or an array value of a dict, goes a chunk at a time and may be an iterator (a generator
    is written as an array): at 10,000 articles the page's data is 0.1 GB of UTF-8 and twice that as
    a Python string, and neither the whole nor its lists of dicts need to exist at once."""
    if isinstance(data, dict):
        sep = "{"
        for key, value in data.items():
            yield _escaped(sep + _dumps({key: 0})[1:-2])   # '"key":' as json writes it
            yield from _array(value) if _is_array(value) else (_escaped(_dumps(value)),)
            sep = ","
        yield b"{}" if sep == "{" else b"}"
    else:
        yield from _array(data) if _is_array(data) else (_escaped(_dumps(data)),)


def script_json(data) -> bytes:
    """The pieces of :func:`script_json_parts` joined."""
    return b"".join(script_json_parts(data))


def page_parts(title: str, data: dict) -> Iterator[bytes]:
    """The page as pieces of UTF-8 to be written one after another (no copy of the whole page is made).

    The vendored files are read as text: newlines are normalized as they always were."""
    page = (TEMPLATES / "page.html").read_text(encoding="utf-8")
    parts = {
        "@@TITLE@@": [title.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")],
        "@@VIS_CSS@@": [(STATIC / "vis-network.css").read_text(encoding="utf-8").encode("utf-8")],
        "@@DATA@@": script_json_parts(data),
        "@@VIS_JS@@": [(STATIC / "vis-network.min.js").read_text(encoding="utf-8").encode("utf-8")],
        "@@APP_JS@@": [(TEMPLATES / "app.js").read_text(encoding="utf-8").encode("utf-8")],
    }
    # each marker of the template replaced (only there, never inside an inserted part)
    found = sorted((page.find(marker), marker) for marker in parts if marker in page)
    at = 0
    for position, marker in found:
        yield page[at:position].encode("utf-8")
        yield from parts[marker]
        at = position + len(marker)
    yield page[at:].encode("utf-8")
    for marker in parts:
        if marker not in page:   # a missing marker's part goes at the end
            yield from parts[marker]


def write_page(target: Path, title: str, data: dict) -> Path:
    """Write the page of ``data`` to ``target`` whole or not at all."""
    with export_output(target) as handle:
        handle.writelines(page_parts(title, data))
    return target


def tooltip(d: dict, shown_date: str = "") -> str:
    """Plain text (vis-network shows a string tooltip with innerText)."""
    w, kinds = words(), legend()
    lines = [d["label"], f"{w['type']}: {kinds.get(d['kind'], kinds['other'])['label']}"
             + (f" ({', '.join(d['types'])})" if d["types"] else "")]
    if shown_date:
        lines.append(f"{w['date']}: {shown_date}")
    if d["figures"]:
        lines.append(f"{w['figures']}: {', '.join(d['figures'][:4])}")
    if d["evidence"]:
        lines.append(f"{w['evidence']}: {d['evidence'][0][:160]}")
    if d["sources"]:
        lines.append(f"{w['sources']}: {d['sources'][0]['title'][:80]}"
                     + (f" (+{len(d['sources']) - 1})" if len(d["sources"]) > 1 else ""))
    return "\n".join(lines)


def node_info(d: dict, shown_date: str) -> dict:
    return {"types": d["types"], "date": shown_date, "figures": d["figures"], "evidence": d["evidence"][:5],
            "sources": d["sources"][:10], "support": d["support"]}


def layout(g: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Deterministic positions in pixels: spring layout for small graphs, clusters around organizations beyond."""
    if g.number_of_nodes() == 0:
        return {}
    if g.number_of_nodes() > SPRING_MAX:
        return cluster_layout(g)
    simple = nx.Graph()
    simple.add_nodes_from(g)
    simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
    pos = nx.spring_layout(simple, seed=7, iterations=100, k=1.6 / math.sqrt(max(len(simple), 1)))
    scale = SCALE * 12 * math.sqrt(len(simple))
    return {n: (round(float(x) * scale), round(float(y) * scale)) for n, (x, y) in pos.items()}


def cluster_layout(g: nx.MultiDiGraph) -> dict[str, tuple[int, int]]:
    """Organizations on a grid, every other node on a sunflower spiral around its first organization."""
    anchor: dict[str, str] = {}
    for n in g:
        if g.nodes[n]["kind"] == "organization":
            anchor[n] = n
            continue
        orgs = [o for o in g.nodes[n]["orgs"] if o in g] or sorted(
            m for m in set(g.successors(n)) | set(g.predecessors(n)) if g.nodes[m]["kind"] == "organization")
        anchor[n] = orgs[0] if orgs else ""
    groups: dict[str, list[str]] = {}
    for n in g:
        groups.setdefault(anchor[n], []).append(n)
    order = sorted(groups, key=lambda a: (-len(groups[a]), a))
    radius = {a: 40 * math.sqrt(len(groups[a])) + 60 for a in order}
    cell = 2 * max(radius.values())
    columns = max(1, math.ceil(math.sqrt(len(order))))
    pos = {}
    golden = math.pi * (3 - math.sqrt(5))
    for i, a in enumerate(order):
        cx, cy = (i % columns) * cell, (i // columns) * cell
        members = [m for m in groups[a] if m != a]
        if a:
            pos[a] = (round(cx), round(cy))
        for j, m in enumerate(members, start=1):
            r, t = 40 * math.sqrt(j), j * golden
            pos[m] = (round(cx + r * math.cos(t)), round(cy + r * math.sin(t)))
    return pos


def graph_payload(g: nx.MultiDiGraph) -> dict:
    """The page's data; "nodes" and "edges" are generators, made while the page is written (memory:
    at 10,000 articles their dicts would take 0.1 GB at once), so the dict serves one pass."""
    kinds = legend()
    pos = layout(g)
    neighbours_org: dict[str, set] = {n: set() for n in g}
    kind = {n: d["kind"] for n, d in g.nodes(data=True)}
    for u, targets in g.succ.items():   # each linked pair once (parallel edges add nothing here)
        for v in targets:
            if kind[v] == "organization":
                neighbours_org[u].add(v)
            if kind[u] == "organization":
                neighbours_org[v].add(u)

    def nodes():
        for n, d in g.nodes(data=True):
            shown_date = ", ".join(d["dates"])
            orgs = sorted(neighbours_org[n] | ({n} if d["kind"] == "organization" else set()))
            size = 10 + min(20, 2 * int(d["support"])) if d["kind"] in ("organization", "incident") else 10
            yield {"id": n, "label": d["label"][:40], "kind": d["kind"] if d["kind"] in kinds else "other",
                   "x": pos[n][0], "y": pos[n][1], "size": size, "tip": tooltip(d, shown_date),
                   "orgs": orgs, "text": (d["label"] + " " + " ".join(d["types"])).lower(),
                   "info": node_info(d, shown_date)}

    # (source, target, key) is unique: sorting whole rows never compares the labels
    rows = sorted(g.edges(keys=True, data="label"))
    few = len(rows) <= 400
    edges = ({"from": u, "to": v, "label": label if few and key in STORY else "", "title": label,
              "dashes": key not in STORY}
             for u, v, key, label in rows)
    present = {k if k in kinds else "other" for k in kind.values()}
    orgs = sorted((n for n in g if g.nodes[n]["kind"] == "organization"), key=lambda n: (g.nodes[n]["label"], n))
    return {"title": words()["title_graph"], "words": words(), "legend": kinds,
            "kinds": [k for k in kinds if k in present],
            "orgs": [{"id": o, "label": g.nodes[o]["label"]} for o in orgs], "nodes": nodes(), "edges": edges}


def write_html(kg, out_dir: Path) -> Path:
    view = relations(view_source(kg))
    with paused_gc():
        return write_page(Path(out_dir) / "graph.html", words()["title_graph"], graph_payload(view))
