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
from kg.views import view_source
from kg.export.files import atomic_output

WIDTH, HEIGHT_MIN, DPI = 12.0, 3.0, 100
FONTS = ["Noto Sans CJK KR", "Noto Sans CJK JP", "NanumGothic", "DejaVu Sans"]
BAR = 0.3         # bar height, in lanes
MAX_LABELS = 40  # beyond this, labels would overlap into noise; points are still drawn


def draw(g, fmt: str = "png") -> bytes:
    """The timeline ``g`` as a picture in ``fmt`` (png, svg, pdf)."""
    return framed(g, draw_items, fmt)


def installed_fonts(font_manager) -> set[str]:
    """The font families matplotlib can use, counting fonts installed after it cached its font list.

    matplotlib lists the system's fonts once, into a cache under ~/.cache/matplotlib, and reads that list
    ever after. On a fresh machine ``make demo`` runs before ``make test`` installs the Korean fonts, and
    every label was drawn as empty boxes from then on. So when no family of ``FONTS`` but the last is
    listed, the font files added since are added to this process's list."""
    manager = font_manager.fontManager
    names = {f.name for f in manager.ttflist}
    if not names.isdisjoint(FONTS[:-1]):
        return names
    known = {f.fname for f in manager.ttflist}
    for path in sorted(set(font_manager.findSystemFonts()) - known):
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # a file FreeType cannot read: matplotlib skips it too
            continue
    return {f.name for f in manager.ttflist}


def framed(g, items, fmt: str = "png") -> bytes:
    """The picture's frame (one lane per organization, dates, title, legend) around what
    ``items(fig, ax, g, y_of, styles, fmt)`` draws; ``y_of`` gives each lane's height."""
    import io
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    installed = installed_fonts(font_manager)
    fonts = [f for f in FONTS if f in installed] or ["DejaVu Sans"]

    lanes = [lane for lane, _ in g.graph["lanes"]]
    labels = {lane: label or words()["no_lane"] for lane, label in g.graph["lanes"]}
    styles = legend()
    height = max(HEIGHT_MIN, 1.0 + 0.55 * max(len(lanes), 1))
    with plt.rc_context({"font.family": fonts, "svg.hashsalt": "tikg", "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(WIDTH, height), dpi=DPI)
        y_of = {lane: len(lanes) - 1 - i for i, lane in enumerate(lanes)}
        items(fig, ax, g, y_of, styles, fmt)
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


def draw_items(fig, ax, g, y_of: dict, styles: dict, fmt: str) -> None:
    """Every dated item, in few artists instead of one per item: every dot in one collection, bars in
    one collection per run of same-style bars (a collection has one hatch). Items are drawn in time order
    (a later one over an earlier one); the alpha is folded into each item's colours."""
    import matplotlib
    import matplotlib.dates as mdates
    import numpy as np
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgba

    bars: list[tuple[bool, list, list, list, list]] = []   # runs of (light, verts, faces, edges, lefts)
    dot_x, dot_y, dot_color = [], [], []
    labelled = g.number_of_nodes() <= MAX_LABELS
    epoch = date(1970, 1, 1)
    offset, epoch = mdates.date2num(epoch), epoch.toordinal()   # day numbers as date2num gives them
    rgba: dict[str, tuple] = {}
    for n, d in g.nodes(data=True):
        y = y_of[d["lane"]]
        color = styles.get(d["kind"], styles["other"])["color"]
        if color not in rgba:
            rgba[color] = to_rgba(color)[:3]
        r, gr, b = rgba[color]
        x0 = offset + (date.fromisoformat(d["first"]).toordinal() - epoch)
        x1 = offset + (date.fromisoformat(d["last"]).toordinal() - epoch) + 1
        if d["span"] or d["granularity"] != "day":
            light = not d["span"]
            if not bars or bars[-1][0] != light:
                bars.append((light, [], [], [], []))
            _, verts, faces, edges, lefts = bars[-1]
            lo, hi = y - BAR / 2, y + BAR / 2
            verts.append(((x0, lo), (x1, lo), (x1, hi), (x0, hi)))
            faces.append((r, gr, b, 0.3 if light else 0.8))
            edges.append((r, gr, b, 0.3 if light else 0.0))
            lefts.append(x0)
        else:
            dot_x.append(x0 + 0.5)
            dot_y.append(y)
            dot_color.append((r, gr, b, 1.0))
        if labelled:
            ax.annotate(d["label"][:24], (x0, y), xytext=(0, 9 + 9 * (d["order"] % 3)),
                        textcoords="offset points", fontsize=7, rotation=0)
    for light, verts, faces, edges, lefts in bars:
        # as a Rectangle patch: mitred corners, and no outline at all (width 0) when it is transparent
        bar = PolyCollection(verts, closed=True, facecolors=faces, edgecolors=edges,
                             linewidths=matplotlib.rcParams["patch.linewidth"] if light else 0.0,
                             joinstyle="miter", capstyle="butt", hatch="//" if light else None)
        bar.sticky_edges.x.extend(lefts)   # as ax.barh's bars: no margin left of where a bar starts
        ax.add_collection(bar, autolim=True)
    if dot_x:   # as ax.plot(x, y, "o", markersize=7) drew them: 7 pt across, a 1 pt edge of the same colour,
        # above the bars; in a PNG each centred on its pixel's centre as Agg places a line's markers
        extra = {}
        xy = np.column_stack([np.asarray(dot_x, dtype=float), np.asarray(dot_y, dtype=float)])
        if fmt == "png":
            extra["offset_transform"] = ax.transData + _pixel_centres(fig)
            ax.update_datalim(xy)   # that transform hides the points from autoscaling
        ax.scatter(xy[:, 0], xy[:, 1], s=7 ** 2, c=np.asarray(dot_color), marker="o", edgecolors="face",
                   linewidths=matplotlib.rcParams["lines.markeredgewidth"], zorder=2, **extra)
        ax.autoscale(True)


def _pixel_centres(fig):
    """A display-space transform moving each point to the centre of its pixel, counted from the top as
    Agg does when it stamps a marker (floor(v + 0.5) + 0.5 in Agg's top-down pixels)."""
    import numpy as np
    from matplotlib.transforms import Transform

    class PixelCentres(Transform):
        input_dims = output_dims = 2

        def transform_non_affine(self, values):
            xy = np.asarray(values, dtype=float)
            height = fig.bbox.height
            x = np.floor(xy[:, 0] + 0.5) + 0.5
            y = height - (np.floor(height - xy[:, 1] + 0.5) + 0.5)
            return np.column_stack([x, y])

    return PixelCentres()


def write_picture(kg, out_dir: Path) -> Path:
    target = Path(out_dir) / "timeline.png"
    data = draw(timeline(view_source(kg)))
    with atomic_output(target) as handle:
        handle.write(data)
    return target
