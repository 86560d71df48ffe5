"""graph.jsonld: the merged graph as JSON-LD with an inline ``@context`` of short keys.

A web developer reads ``node["name"]``, ``node["affects"]``, ``node["startDate"]["@value"]``
without knowing the vocabularies: every contract term (``tikg:``, ``schema:``, ``prov:``,
``rdfs:``, ``skos:``, ``sem:``) is a key named by its local name, object properties are
declared ``"@type": "@id"`` so links are plain strings (``"org:kt"``), and resources are
compact IRIs under the export's prefixes. Literals other than plain strings are value
objects (``{"@value": "2025-08", "@type": "xsd:gYearMonth"}``) so that nothing is lost:
loading the file gives exactly the Turtle export's triples. The file is deterministic:
nodes sorted by IRI, keys sorted, values sorted.
"""
from __future__ import annotations

import json
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from kg.vocab import PREFIXES, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, TIKG, XSD, prefixes
from kg.export.files import write_file

# namespaces whose terms get short keys, first one wins a clash (tikg:Event before sem:Event)
TERM_NAMESPACES = (("tikg", TIKG), ("schema", SCHEMA), ("prov", PROV), ("rdfs", RDFS), ("skos", SKOS), ("sem", SEM))
LINK_TERMS = frozenset(t.value for t in (
    TIKG.affects, TIKG.offeredBy, TIKG.imposedBy, TIKG.imposedOn, TIKG.respondsTo, TIKG.evidence,
    TIKG.incidentType, TIKG.remedyType, TIKG.sanctionType, SCHEMA.publisher, SCHEMA.author, SCHEMA.worksFor,
    SCHEMA.url, SCHEMA.isPartOf, SCHEMA.sameAs, SCHEMA.amount, SCHEMA.about, SCHEMA.location,
    PROV.wasDerivedFrom, PROV.wasAttributedTo, SKOS.inScheme, RDFS.subClassOf, RDFS.seeAlso, SEM.hasActor))


def context(base_iri: str) -> dict:
    ctx: dict = dict(sorted(prefixes(base_iri).items()))
    for prefix, ns in TERM_NAMESPACES:
        for term in sorted(ns.terms):
            if term in ctx:
                continue
            iri = ns[term].value
            ctx[term] = {"@id": f"{prefix}:{term}", "@type": "@id"} if iri in LINK_TERMS else f"{prefix}:{term}"
    return ctx


class Compactor:
    def __init__(self, ctx: dict):
        self.terms = {}
        for key, value in ctx.items():
            iri = value if isinstance(value, str) else value["@id"]
            if ":" in iri and not iri.startswith("http"):
                p, local = iri.split(":", 1)
                iri = ctx[p] + local
            self.terms.setdefault(iri, key)
        self.links = {iri for iri, key in self.terms.items() if isinstance(ctx[key], dict)}
        self.prefixes = sorted(((iri, p) for p, iri in ctx.items() if isinstance(iri, str) and iri.startswith("http")),
                               key=lambda x: -len(x[0]))

    def iri(self, iri: str) -> str:
        for ns, p in self.prefixes:
            local = iri[len(ns):]
            if iri.startswith(ns) and local and not local.startswith("//"):
                return f"{p}:{local}"
        return iri

    def key(self, iri: str) -> str:
        return self.terms.get(iri) or self.iri(iri)

    def value(self, predicate: str, o) -> object:
        if isinstance(o, NamedNode):
            return self.iri(o.value) if predicate in self.links else {"@id": self.iri(o.value)}
        if isinstance(o, Literal):
            if o.language:
                return {"@value": o.value, "@language": o.language}
            if o.datatype is None or o.datatype.value == XSD.string.value:
                return o.value if predicate not in self.links else {"@value": o.value}
            return {"@value": o.value, "@type": self.iri(o.datatype.value)}
        return {"@id": "_:" + o.value}


def jsonld_document(kg) -> dict:
    ctx = context(kg.iris.base)
    c = Compactor(ctx)
    nodes: dict[str, dict] = {}
    for t in kg.triples:
        s = t.subject.value
        node = nodes.setdefault(s, {"@id": c.iri(s) if isinstance(t.subject, NamedNode) else "_:" + s})
        if t.predicate.value == RDF.type.value and isinstance(t.object, NamedNode):
            node.setdefault("@type", []).append(c.key(t.object.value))
        else:
            node.setdefault(c.key(t.predicate.value), []).append(c.value(t.predicate.value, t.object))
    graph = []
    for s in sorted(nodes):
        node = nodes[s]
        out = {"@id": node.pop("@id")}
        for key in sorted(node):
            values = sorted(node[key], key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
            out[key] = values[0] if len(values) == 1 else values
        graph.append(out)
    return {"@context": ctx, "@graph": graph}


def write_jsonld(kg, out_dir: Path) -> Path:
    text = json.dumps(jsonld_document(kg), ensure_ascii=False, indent=1)
    return write_file(Path(out_dir) / "graph.jsonld", text.encode("utf-8") + b"\n")
