"""graph.gexf: the relations view for Gephi, with node colours by kind.

Same flat attributes as graph.graphml. networkx stamps ``lastmodifieddate`` with
today; it is set to the newest article's publication day instead, so the file is
the same whenever it is built.
"""
from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from kg.export.graphml import flat_graph
from kg.export.legend import legend
from kg.views.relations import relations
from kg.export.files import atomic_output


def write_gexf(kg, out_dir: Path) -> Path:
    target = Path(out_dir) / "graph.gexf"
    view = relations(kg)
    g = flat_graph(view)
    styles = legend()
    for n, d in g.nodes(data=True):
        r, gr, b = (int(styles.get(d["kind"], styles["other"])["color"][i:i + 2], 16) for i in (1, 3, 5))
        d["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}}
    latest = max((d["first"] for _, d in view.nodes(data=True) if d["kind"] == "article" and d["first"]),
                 default="1970-01-01")
    text = "\n".join(nx.generate_gexf(g, encoding="utf-8", prettyprint=True, version="1.2draft"))
    text = re.sub(r'lastmodifieddate="[^"]*"', f'lastmodifieddate="{latest}"', text, count=1)
    with atomic_output(target) as handle:
        handle.write(text.encode("utf-8") + b"\n")
    return target
