"""graph.graphml: the relations view for Cytoscape, yEd and Gephi.

Attributes are flattened to what those tools read: strings and integers only,
lists joined with " | ", no missing values (an empty string instead). Edges are
keyed ``e0, e1 ...`` (unique ids) and carry ``relation`` (``affects``,
``offeredBy`` ...) and a Korean ``label``.

The file is written here, line by line, in the layout networkx's GraphML writer
gives (same key ids, types and element order; ``nx.read_graphml`` reads the same
graph back) at a fraction of the cost of building an ElementTree: UTF-8, with
XML escaping, and characters XML 1.0 does not allow (controls, lone surrogates,
U+FFFE/U+FFFF) left out.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Iterable, Iterator

import networkx as nx


JOIN = " | "
NODE_FIELDS = ("label", "kind", "types", "figures", "evidence", "dates", "first", "last", "support",
               "source_titles", "source_urls", "iri")
EDGE_FIELDS = ("relation", "label")
XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
GRAPHML_OPEN = ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
# XML 1.0's Char production; anything else cannot be in the file at all, not even as a character reference
NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in b"\t\n\r")   # UTF-8 bytes that are no C0 control
CHUNK_CHARS = 1 << 20   # characters encoded and written at a time (a node's lines come as one string,
                        # and an organization's, with every evidence sentence, can be 1 MB)


def flat_value(value) -> str | int:
    t = type(value)
    if t is str or t is int:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if value is None:
        return ""
    return JOIN.join(map(str, value))


def xml_type(value) -> str:
    """The GraphML/GEXF attribute type of a value once flat (as networkx names it): ``flat_value`` keeps
    integers (and makes booleans integers), and makes anything else a string."""
    return "long" if isinstance(value, int) else "string"


# replacements as ElementTree makes them ("&" first); an attribute value (double-quoted) also keeps its
# quotes, line breaks and tabs as references
_TEXT_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTR_ENTITIES = _TEXT_ENTITIES + (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _replaced(text: str, entities: tuple[tuple[str, str], ...]) -> str:
    for char, entity in entities:
        if char in text:  # most values hold none: a test is cheaper than a copy
            text = text.replace(char, entity)
    return text


def escape_text(text: str) -> str:
    """Character data, escaped as ElementTree does."""
    return _replaced(text, _TEXT_ENTITIES)


def escape_attr(text: str) -> str:
    """An attribute value for double quotes, escaped as ElementTree does."""
    return _replaced(text, _ATTR_ENTITIES)


class FlatNodes:
    """The view's nodes as ``(id, values in NODE_FIELDS order)``, sorted by id, made again on each pass.

    The writers pass twice (attribute ids, then the nodes); holding the rows instead would hold every
    node's joined evidence, figures and source titles at once: 0.15 GB at 10,000 articles."""

    def __init__(self, view: nx.MultiDiGraph):
        self._data = view.nodes
        self._ids = sorted(view)

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[tuple[str, tuple]]:
        data = self._data
        for n in self._ids:
            d = data[n]
            sources = d["sources"]
            derived = {"source_titles": [s["title"] for s in sources],
                       "source_urls": [s["url"] for s in sources if s["url"]]}
            values = []
            for k in NODE_FIELDS:
                v = derived[k] if k in derived else d.get(k, "")
                values.append(v if type(v) is str or type(v) is int else flat_value(v))
            yield n, tuple(values)

    def xml_types(self) -> Iterator[tuple[str, ...]]:
        """Each node's :func:`xml_type` of its values, in :meth:`__iter__`'s order, without making the values
        (the attribute ids need only these: joining every node's evidence for them took a second at
        10,000 articles)."""
        data = self._data
        derived = ("source_titles", "source_urls")
        for n in self._ids:
            d = data[n]
            yield tuple("string" if k in derived else xml_type(d.get(k, "")) for k in NODE_FIELDS)


def flat_rows(view: nx.MultiDiGraph) -> tuple[FlatNodes, list[tuple[str, str, str, str | int]]]:
    """The relations view flattened, in a stable order: nodes ``(id, values in NODE_FIELDS order)`` sorted
    by id (:class:`FlatNodes`); edges ``(source, target, relation, label)`` sorted by (source, target,
    relation), the i-th one being edge ``e{i}``."""
    # (source, target, relation) is unique in the view: sorting whole rows never compares the labels
    edges = sorted([(u, v, key, flat_value(d.get("label", key))) for u, v, key, d in view.edges(keys=True, data=True)])
    return FlatNodes(view), edges


def flat_graph(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the relations view with flat attributes and unique edge ids, in a stable order
    (what graph.graphml and graph.gexf hold, as a networkx graph)."""
    nodes, edges = flat_rows(view)
    g = nx.MultiDiGraph()
    for n, values in nodes:
        g.add_node(n, **dict(zip(NODE_FIELDS, values)))
    for i, (u, v, relation, label) in enumerate(edges):
        g.add_edge(u, v, key=f"e{i}", relation=relation, label=label)
    return g


class AttributeKeys:
    """Attribute ids by (scope, name, type), numbered in order of first use (as networkx does)."""

    def __init__(self):
        self.ids: dict[tuple[str, str, str], str] = {}

    def id(self, scope: str, name: str, kind: str) -> str:
        key = (scope, name, kind)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = str(len(self.ids))
        return found

    def columns(self, scope: str, names: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[list[str]]:
        """Per row of values' :func:`xml_type`, the id of each value's attribute; registers the ids row by
        row, value by value."""
        out = []
        by_types: dict[tuple, list[str]] = {}   # rows whose values have the same types share their ids
        for types in rows:
            ids = by_types.get(types)
            if ids is None:
                ids = by_types[types] = [self.id(scope, name, kind) for name, kind in zip(names, types)]
            out.append(ids)
        return out


def xml_bytes(text: str) -> bytes:
    """``text`` in UTF-8 without the characters XML 1.0 does not allow (usually none: checked on the bytes)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:   # a lone surrogate
        return NOT_XML_CHARS.sub("", text).encode("utf-8")
    if data.translate(None, XML_BYTES) or (b"\xef\xbf" in data and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)):
        return NOT_XML_CHARS.sub("", text).encode("utf-8")   # a C0 control, U+FFFE or U+FFFF
    return data


class ChunkWriter:
    """Lines (each ending in a newline) encoded and written in batches, without characters XML forbids."""

    def __init__(self, handle):
        self.handle = handle
        self.batch: list[str] = []
        self.held = 0

    def add(self, line: str) -> None:
        self.batch.append(line)
        self.held += len(line)
        if self.held >= CHUNK_CHARS:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.handle.write(xml_bytes("".join(self.batch)))
            self.batch.clear()
            self.held = 0


def write_in_step(outputs: list[tuple[object, Iterator[str]]]) -> None:
    """Encode and write each ``(handle, lines)`` (lines ending in a newline) in batches, without characters
    XML forbids; a line of each in turn: writers that read one node row each per line (:func:`shared_rows`)
    then keep only a few rows between them."""
    pending = [(ChunkWriter(handle), iter(lines)) for handle, lines in outputs]
    while pending:
        for entry in list(pending):
            writer, lines = entry
            line = next(lines, None)
            if line is None:
                writer.flush()
                pending.remove(entry)
            else:
                writer.add(line)


class SharedRows:
    """One branch of :func:`shared_rows`: what a writer reads of :class:`FlatNodes`."""

    def __init__(self, rows: Iterator[tuple[str, tuple]], types: list[tuple[str, ...]], count: int):
        self._rows, self._types, self._count = rows, types, count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[tuple[str, tuple]]:
        return self._rows

    def xml_types(self) -> Iterator[tuple[str, ...]]:
        return iter(self._types)


def shared_rows(nodes: FlatNodes, n: int) -> list[SharedRows]:
    """``n`` readers of ``nodes`` that make each row (and each row's types) once: graph.graphml and
    graph.gexf flatten the same nodes, 0.7 s a file at 10,000 articles. Each branch can be iterated once;
    rows one has read and another not yet are held (:func:`write_in_step` keeps them few)."""
    types = list(nodes.xml_types())
    return [SharedRows(rows, types, len(nodes)) for rows in itertools.tee(nodes, n)]


class Escaped(dict):
    """value -> its escaped form, for values that repeat (node ids in edges, relations, labels)."""

    def __init__(self, escape):
        super().__init__()
        self.escape = escape

    def __missing__(self, value):
        text = self[value] = self.escape(value) if type(value) is str else str(value)
        return text


def graphml_lines(nodes, edges) -> Iterator[str]:
    keys = AttributeKeys()
    node_keys = keys.columns("node", NODE_FIELDS, nodes.xml_types())
    edge_keys = keys.columns("edge", EDGE_FIELDS, ((xml_type(relation), xml_type(label)) for _, _, relation, label in edges))
    yield XML_DECLARATION
    yield GRAPHML_OPEN
    for (scope, name, kind), key_id in reversed(keys.ids.items()):   # networkx lists them last first
        yield f'  <key id="d{key_id}" for="{scope}" attr.name="{escape_attr(name)}" attr.type="{kind}" />\n'
    if not nodes and not edges:
        yield '  <graph edgedefault="directed" />\n'
        yield "</graphml>\n"
        return
    yield '  <graph edgedefault="directed">\n'
    opening = Escaped(lambda k: f'      <data key="d{k}">')   # key id -> "<data ...>" and "<data ... />"
    empty = Escaped(lambda k: f'      <data key="d{k}" />\n')
    ids = Escaped(escape_attr)
    for (n, values), row_keys in zip(nodes, node_keys):
        parts = [f'    <node id="{ids[n]}">\n']
        for k, value in zip(row_keys, values):
            text = escape_text(value) if type(value) is str else str(value)
            parts.append(f"{opening[k]}{text}</data>\n" if text else empty[k])
        parts.append("    </node>\n")
        yield "".join(parts)
    texts = Escaped(escape_text)
    for i, ((u, v, relation, label), (k1, k2)) in enumerate(zip(edges, edge_keys)):
        relation, label = texts[relation], texts[label]
        yield (f'    <edge source="{ids[u]}" target="{ids[v]}" id="e{i}">\n'
               + (f"{opening[k1]}{relation}</data>\n" if relation else empty[k1])
               + (f"{opening[k2]}{label}</data>\n" if label else empty[k2])
               + "    </edge>\n")
    yield "  </graph>\n"
    yield "</graphml>\n"


def write_graphml(kg, out_dir: Path) -> Path:
    from kg.export.gexf import write_relations_files  # it imports this module's line makers
    return write_relations_files(kg, out_dir, ["graphml"])[0]
