"""timeline.json: the timeline view in TimelineJS's JSON format (https://timeline.knightlab.com/docs/json-format.html).

Journalists load it into TimelineJS (``new TL.Timeline(id, "timeline.json")``).
One slide per dated node: ``start_date``/``end_date`` with only the parts the
article gave (a month-only date has no ``day``), ``group`` = the organization
lane, and ``text`` holding the type, figures, evidence sentence and a link to
the source article. TimelineJS renders ``text`` as HTML, so every piece of
crawled text is HTML-escaped here.
"""
from __future__ import annotations

import html
import json
from json.encoder import encode_basestring as encode_string   # the C one when there is one
from pathlib import Path

from kg.export.legend import legend, words
from kg.views.timeline import timeline
from kg.gc_pause import paused_gc
from kg.views import view_source
from kg.export.files import write_file


def tl_date(value: str) -> dict:
    parts = value.split("-")
    out = {"year": parts[0]}
    if len(parts) > 1:
        out["month"] = str(int(parts[1]))
    if len(parts) > 2:
        out["day"] = str(int(parts[2]))
    return out


def slide_text(d: dict) -> str:
    w, e = words(), html.escape
    kinds = legend()
    rows = [f"<p><b>{e(w['type'])}</b>: {e(kinds.get(d['kind'], kinds['other'])['label'])}"
            + (f" ({e(', '.join(d['types']))})" if d["types"] else "") + "</p>",
            f"<p><b>{e(w['date'])}</b>: {e(d['date'])}</p>"]
    if d["figures"]:
        rows.append(f"<p><b>{e(w['figures'])}</b>: {e(', '.join(d['figures']))}</p>")
    for sentence in d["evidence"][:3]:
        rows.append(f"<blockquote>{e(sentence)}</blockquote>")
    for s in d["sources"]:
        title = e(s["title"])
        if s["url"].startswith(("https://", "http://")):
            rows.append(f'<p><a href="{e(s["url"])}" target="_blank" rel="noopener noreferrer">{title}</a>'
                        f" {e(s['published'])}</p>")
        else:
            rows.append(f"<p>{title} {e(s['published'])}</p>")
    return "".join(rows)


def timeline_document(kg) -> dict:
    g = timeline(view_source(kg))
    w = words()
    events = []
    for n, d in g.nodes(data=True):
        event = {"unique_id": f"n{d['order']}", "start_date": tl_date(d["start"] or d["end"]),
                 "display_date": d["date"],
                 "text": {"headline": html.escape(d["label"]), "text": slide_text(d)},
                 "group": html.escape(d["lane_label"] or w["no_lane"])}
        if d["start"] and d["end"] and d["span"]:
            event["end_date"] = tl_date(d["end"])
        events.append(event)
    return {"title": {"text": {"headline": html.escape(w["title_timeline"]),
                               "text": f"<p>{len(events)} {html.escape(w['nodes'])}</p>"}},
            "events": events}


def dumps(doc) -> str:
    """``json.dumps(doc, ensure_ascii=False, indent=1)``, the same text, without the pure-Python encoder
    ``indent`` makes json use: strings go through json's C string encoder, the layout is written here.
    Documents holding anything but dicts with string keys, lists, strings, ints, booleans and None are
    left to json."""
    out: list[str] = []
    try:
        _dump(doc, "\n", out)
    except _Unusual:
        return json.dumps(doc, ensure_ascii=False, indent=1)
    return "".join(out)


class _Unusual(Exception):
    pass


def _dump(value, newline: str, out: list) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_string(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + " "
        opening = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            out.append(opening + encode_string(key) + ": ")
            _dump(item, inner, out)
            opening = "," + inner
        out.append(newline + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = newline + " "
        opening = "[" + inner
        for item in value:
            out.append(opening)
            _dump(item, inner, out)
            opening = "," + inner
        out.append(newline + "]")
    elif kind is int:
        out.append(int.__repr__(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    else:
        raise _Unusual


def write_timeline_json(kg, out_dir: Path) -> Path:
    with paused_gc():
        text = dumps(timeline_document(kg))
    return write_file(Path(out_dir) / "timeline.json", text.encode("utf-8") + b"\n")
