"""timeline.png: the timeline view as a picture for reports (matplotlib, deterministic bytes).

Time runs left to right, one lane per organization. A day is a dot, a month-only
or year-only date a light bar over the month or year it names (not a fake first
day), a period a solid bar from start to end. Fixed size and DPI; no software
or date metadata, so two builds give the same bytes.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from kg.export.legend import legend, words
from kg.views.timeline import timeline
from kg.export.files import atomic_output

WIDTH, HEIGHT_MIN, DPI = 12.0, 3.0, 100
FONTS = ["Noto Sans CJK KR", "Noto Sans CJK JP", "NanumGothic", "DejaVu Sans"]
MAX_LABELS = 40  # beyond this, labels would overlap into noise; points are still drawn


def draw(g, fmt: str = "png") -> bytes:
    import io
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in FONTS if f in installed] or ["DejaVu Sans"]

    lanes = [lane for lane, _ in g.graph["lanes"]]
    labels = {lane: label or words()["no_lane"] for lane, label in g.graph["lanes"]}
    styles = legend()
    height = max(HEIGHT_MIN, 1.0 + 0.55 * max(len(lanes), 1))
    with plt.rc_context({"font.family": fonts, "svg.hashsalt": "tikg", "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(WIDTH, height), dpi=DPI)
        y_of = {lane: len(lanes) - 1 - i for i, lane in enumerate(lanes)}
        for n, d in g.nodes(data=True):
            y = y_of[d["lane"]]
            color = styles.get(d["kind"], styles["other"])["color"]
            first, last = date.fromisoformat(d["first"]), date.fromisoformat(d["last"])
            x0, x1 = mdates.date2num(first), mdates.date2num(last) + 1
            if d["span"]:
                ax.barh(y, x1 - x0, left=x0, height=0.3, color=color, alpha=0.8)
            elif d["granularity"] != "day":
                ax.barh(y, x1 - x0, left=x0, height=0.3, color=color, alpha=0.3, hatch="//", edgecolor=color)
            else:
                ax.plot([x0 + 0.5], [y], "o", color=color, markersize=7)
            if g.number_of_nodes() <= MAX_LABELS:
                ax.annotate(d["label"][:24], (x0, y), xytext=(0, 9 + 9 * (d["order"] % 3)),
                            textcoords="offset points", fontsize=7, rotation=0)
        ax.set_yticks(range(len(lanes)), [labels[l] for l in reversed(lanes)])
        ax.set_ylim(-0.7, max(len(lanes), 1) - 0.2)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(words()["title_timeline"])
        kinds = sorted({d["kind"] for _, d in g.nodes(data=True)}, key=list(styles).index)
        for kind in kinds:
            ax.plot([], [], "o", color=styles[kind]["color"], label=styles[kind]["label"])
        if kinds:
            ax.legend(loc="upper left", fontsize=7, ncol=len(kinds), frameon=False, bbox_to_anchor=(0, -0.12))
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=DPI,
                    metadata={"Software": None} if fmt == "png" else {"Date": None, "Creator": None})
        plt.close(fig)
    return buffer.getvalue()


def write_picture(kg, out_dir: Path) -> Path:
    target = Path(out_dir) / "timeline.png"
    data = draw(timeline(kg))
    with atomic_output(target) as handle:
        handle.write(data)
    return target
