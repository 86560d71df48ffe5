"""timeline.html: the timeline view as an offline page, time left to right, one lane per organization.

Same page machinery as graph.html (:mod:`kg.export.html`): inline vis-network,
escaped JSON data, plain-text tooltips. Items are placed here: x from the date
(a day is a point; a period, a month-only or a year-only date is a box over the
days it covers, dashed and light when it is only a month or a year), lanes
stacked top to bottom with items packed into rows so labels do not overlap.
The month (or year) axis and the lane names are drawn on the canvas under the
items. Clicking an item shows its evidence sentences and source articles.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from kg.export.html import node_info, tooltip, write_page
from kg.export.legend import legend, words
from kg.views.timeline import timeline
from kg.gc_pause import paused_gc
from kg.views import view_source

ROW, LANE_PAD, CHAR = 36, 14, 12   # pixels: row height, lane padding, width of a Korean character at 11-14px
LABEL_CHARS = 22


NEG_INF = float("-inf")
TICK_LABEL_PX = 60  # room a "2025-04" label needs on the axis


def _ticks(lo: date, hi: date, per_day: float) -> list[dict]:
    """Month ticks every 1, 2, 3 or 6 months (the first step whose labels do not overlap), or years."""
    yearly = (hi - lo).days > 3 * 365
    step = 12 if yearly else next((k for k in (1, 2, 3, 6) if k * 30.4 * per_day >= TICK_LABEL_PX), 12)
    ticks, y, m = [], lo.year, 1 if yearly else lo.month
    while True:
        d = date(y, m, 1)
        if d > hi:
            break
        if d >= lo and (m - 1) % step == 0:
            ticks.append({"x": round((d - lo).days * per_day), "label": str(y) if yearly else f"{y}-{m:02d}"})
        y, m = (y + 1, 1) if yearly or m == 12 else (y, m + 1)
    return ticks


class Rows:
    """A lane's rows of items: an item goes to the first row where it keeps 6 pixels clear of every
    item already there (both sides), else to a new row below.

    The answer is that of checking row after row, item after item, without doing so: while no item
    of the lane lies wholly to the right of the new one (always so when items come in time order),
    a row is clear exactly when its rightmost end is, and a tree of the rows' rightmost ends finds
    the first such row in log time. Otherwise rows are checked one by one.
    """

    def __init__(self):
        self.rows: list[list[tuple[float, float]]] = []
        self.ends: list[float] = []          # per row, the rightmost end of its items
        self.size = 64                       # leaves of the tree; rows beyond the last are empty (-inf)
        self.tree = [NEG_INF] * (2 * self.size)   # tree[i] = min(tree[2i], tree[2i+1]); leaves at size + row
        self.max_start = NEG_INF

    def place(self, box: tuple[float, float]) -> int:
        x0, x1 = box
        rows = self.rows
        if self.max_start <= x1 + 6:   # "x1 + 6 < b0" holds for no item b: only the ends matter
            if len(rows) >= self.size:
                self._grow()
            tree, i = self.tree, 1
            while i < self.size:
                i = 2 * i if tree[2 * i] + 6 < x0 else 2 * i + 1
            row = i - self.size
        else:
            row = next((i for i, r in enumerate(rows) if all(b[1] + 6 < x0 or x1 + 6 < b[0] for b in r)), len(rows))
        if row == len(rows):
            rows.append([])
            self.ends.append(NEG_INF)
            if len(rows) > self.size:
                self._grow()
        rows[row].append(box)
        if x0 > self.max_start:
            self.max_start = x0
        if x1 > self.ends[row]:
            self.ends[row] = x1
            self._set(row, x1)
        return row

    def _set(self, row: int, end: float) -> None:
        tree = self.tree
        i = self.size + row
        tree[i] = end
        i //= 2
        while i:
            left, right = tree[2 * i], tree[2 * i + 1]
            tree[i] = left if left < right else right
            i //= 2

    def _grow(self) -> None:
        self.size *= 2
        self.tree = [NEG_INF] * (2 * self.size)
        for row, end in enumerate(self.ends):
            self._set(row, end)


def timeline_payload(g) -> dict:
    """The page's data; "nodes" and "edges" are generators, made while the page is written (memory),
    so the dict serves one pass."""
    kinds, w = legend(), words()
    rows = [(n, d) for n, d in g.nodes(data=True)]
    if rows:
        lo = min(date.fromisoformat(d["first"]) for _, d in rows).replace(day=1)
        hi = max(date.fromisoformat(d["last"]) for _, d in rows)
    else:
        lo = hi = date(2000, 1, 1)
    days = (hi - lo).days + 1
    per_day = min(40.0, max(0.5, 1100.0 / days))
    lanes = [lane for lane, _ in g.graph["lanes"]]
    lane_label = {lane: (label or w["no_lane"]) for lane, label in g.graph["lanes"]}
    placed = {lane: Rows() for lane in lanes}   # lane -> its rows of occupied [x0, x1]
    items = []
    for n, d in rows:
        first, last = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
        x0 = (first - lo).days * per_day
        x1 = ((last - lo).days + 1) * per_day
        box = d["span"] or d["granularity"] != "day"
        label = d["label"]
        if box:
            width = max(8.0, x1 - x0)
            fits = max(0, int(width // CHAR) - 1)
            label = label if len(label) <= fits else (label[:fits - 1] + "…" if fits > 1 else "")
            cx, occupied = (x0 + x1) / 2, (x0, x0 + width)
        else:
            width = 0.0
            label = label[:LABEL_CHARS]
            cx = (x0 + x1) / 2
            half = max(10, CHAR * len(label)) / 2
            occupied = (cx - half, cx + half)
        row = placed[d["lane"]].place(occupied)
        items.append((n, d, cx, width, label, row))
    lane_y, y = {}, 0
    axis_lanes = []
    for lane in lanes:
        height = max(1, len(placed[lane].rows)) * ROW + 2 * LANE_PAD
        lane_y[lane] = y
        axis_lanes.append({"y0": y, "y1": y + height, "label": lane_label[lane]})
        y += height

    def nodes():
        for n, d, cx, width, label, row in items:
            node = {"id": n, "label": label, "kind": d["kind"] if d["kind"] in kinds else "other",
                    "x": round(cx), "y": lane_y[d["lane"]] + LANE_PAD + row * ROW + ROW // 2 - 6, "size": 8,
                    "font": 12, "tip": tooltip(d, d["date"]), "orgs": sorted({d["lane"], *d["orgs"]} - {""}),
                    "text": (d["label"] + " " + " ".join(d["types"]) + " " + d["date"]).lower(),
                    "info": node_info(d, d["date"])}
            if width:
                node.update(shape="box", width=round(width), light=not d["span"])
            yield node

    edges = ({"from": u, "to": v, "label": "", "title": "", "dashes": True, "color": "#c8c8c8"}
             for u, v in g.edges())
    present = {d["kind"] if d["kind"] in kinds else "other" for _, d in rows}
    return {"title": w["title_timeline"], "words": w, "legend": kinds, "kinds": [k for k in kinds if k in present],
            "orgs": [{"id": lane, "label": lane_label[lane]} for lane in lanes if lane],
            "nodes": nodes(), "edges": edges,
            "axis": {"x0": 0, "x1": round(days * per_day), "y0": 0, "y1": y, "lanes": axis_lanes,
                     "ticks": _ticks(lo, hi, per_day)}}


def write_timeline_html(kg, out_dir: Path) -> Path:
    view = timeline(view_source(kg))
    with paused_gc():
        return write_page(Path(out_dir) / "timeline.html", words()["title_timeline"], timeline_payload(view))
