"""graph.gexf: the relations view for Gephi (GEXF 1.2draft), with node colours by kind.

Same flat attributes as graph.graphml, written line by line in the layout
networkx's GEXF writer gives (``nx.read_gexf`` reads the same graph back): the
node ``label`` is the node's label, the edge ``label`` the relation's Korean
label, ``networkx_key`` the edge id of graph.graphml (``e0``, ``e1`` ...).
``lastmodifieddate`` is the newest article's publication day, not today, so the
file is the same whenever it is built.
"""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Iterator

from kg.export.graphml import (NODE_FIELDS, XML_DECLARATION, AttributeKeys, Escaped, escape_attr, flat_rows,
                               graphml_lines, shared_rows, write_in_step, xml_type)
from kg.export.legend import legend
from kg.views.relations import relations
from kg.gc_pause import paused_gc
from kg.views import view_source
from kg.export.files import export_output

CREATOR = "telecom-incident-kg"
GEXF_OPEN = ('<gexf xmlns:viz="http://www.gexf.net/1.2draft/viz" xmlns="http://www.gexf.net/1.2draft" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n')
ATTVALUE_FIELDS = NODE_FIELDS[1:]   # the label is the node's own label attribute
EDGE_FIELDS = ("relation", "networkx_key")


def rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def gexf_lines(nodes, edges, latest: str) -> Iterator[str]:
    styles = legend()
    keys = AttributeKeys()   # one numbering for nodes and edges, ids "0", "1" ...
    node_keys = keys.columns("node", ATTVALUE_FIELDS, (types[1:] for types in nodes.xml_types()))
    edge_keys = keys.columns("edge", EDGE_FIELDS, ((xml_type(relation), "string") for _, _, relation, _ in edges))
    yield XML_DECLARATION
    yield GEXF_OPEN
    yield f'  <meta lastmodifieddate="{escape_attr(latest)}">\n    <creator>{CREATOR}</creator>\n  </meta>\n'
    yield '  <graph defaultedgetype="directed" mode="static" name="">\n'
    for scope in ("edge", "node"):   # networkx puts each new <attributes> first: the edges' come first
        declared = [(name, kind, key_id) for (s, name, kind), key_id in keys.ids.items() if s == scope]
        if declared:
            yield f'    <attributes mode="static" class="{scope}">\n'
            for name, kind, key_id in declared:
                yield f'      <attribute id="{key_id}" title="{escape_attr(name)}" type="{kind}" />\n'
            yield "    </attributes>\n"
    ids = Escaped(escape_attr)
    if nodes:
        yield "    <nodes>\n"
        colors = {kind: '        <viz:color r="%d" g="%d" b="%d" a="1.0" />\n        <attvalues>\n' % rgb(style["color"])
                  for kind, style in styles.items()}
        attvalue = Escaped(lambda k: f'          <attvalue for="{k}" value="')   # key id -> start of its line
        for (n, values), row_keys in zip(nodes, node_keys):
            parts = [f'      <node id="{ids[n]}" label="{escape_attr(str(values[0]))}">\n',
                     colors.get(values[1], colors["other"])]
            for k, value in zip(row_keys, values[1:]):
                parts.append(f'{attvalue[k]}{escape_attr(value) if type(value) is str else value}" />\n')
            parts.append("        </attvalues>\n      </node>\n")
            yield "".join(parts)
        yield "    </nodes>\n"
    else:
        yield "    <nodes />\n"
    if edges:
        yield "    <edges>\n"
        texts = Escaped(lambda value: escape_attr(str(value)))
        for i, ((u, v, relation, label), (k1, k2)) in enumerate(zip(edges, edge_keys)):
            yield (f'      <edge source="{ids[u]}" target="{ids[v]}" id="{i}" label="{texts[label]}">\n'
                   f'        <attvalues>\n          <attvalue for="{k1}" value="{texts[relation]}" />\n'
                   f'          <attvalue for="{k2}" value="e{i}" />\n        </attvalues>\n      </edge>\n')
        yield "    </edges>\n"
    else:
        yield "    <edges />\n"
    yield "  </graph>\n</gexf>\n"


def latest_day(view) -> str:
    """The newest article's day in the relations view (the file's ``lastmodifieddate``)."""
    return max((d["first"] for _, d in view.nodes(data=True) if d["kind"] == "article" and d["first"]),
               default="1970-01-01")


def write_gexf(kg, out_dir: Path) -> Path:
    return write_relations_files(kg, out_dir, ["gexf"])[0]


def write_graphml_and_gexf(kg, out_dir: Path) -> list[Path]:
    """:func:`kg.export.graphml.write_graphml` and :func:`write_gexf` in one pass over the view's nodes:
    the same files, each node's attributes flattened once for both."""
    return write_relations_files(kg, out_dir, ["graphml", "gexf"])


FILES = {"graphml": "graph.graphml", "gexf": "graph.gexf"}


def write_relations_files(kg, out_dir: Path, names: list[str]) -> list[Path]:
    """The files of the formats ``names`` (``graphml``, ``gexf``) from one relations view, written in one
    pass over its nodes (:func:`kg.export.graphml.shared_rows` when there are two)."""
    targets = [Path(out_dir) / FILES[n] for n in names]
    view = relations(view_source(kg))
    with paused_gc():
        nodes, edges = flat_rows(view)
        rows = shared_rows(nodes, len(names)) if len(names) > 1 else [nodes]
        lines = {"graphml": lambda r: graphml_lines(r, edges), "gexf": lambda r: gexf_lines(r, edges, latest_day(view))}
        with ExitStack() as files:
            write_in_step([(files.enter_context(export_output(target)), lines[name](r))
                           for name, target, r in zip(names, targets, rows)])
    return targets
