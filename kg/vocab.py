"""The graph's vocabulary as closed namespaces: a misspelt term fails at import, not in the export.

``ontology/tikg.ttl`` is the source of the ``tikg:`` terms; a test checks
that every term listed here is defined there and the reverse (cf. rdflib's
``DefinedNamespace`` with ``_fail = True``). Terms are pyoxigraph
``NamedNode``s because the graph is assembled and written with Oxigraph.
"""
from __future__ import annotations

from typing import Iterable

from pyoxigraph import NamedNode

TIKG_IRI = "https://w3id.org/tikg/ontology#"
DEFAULT_BASE_IRI = "https://w3id.org/tikg/id/"


class ClosedNamespace:
    def __init__(self, base: str, terms: Iterable[str]):
        self._base = base
        self._terms = frozenset(terms)
        self._cache: dict[str, NamedNode] = {}

    def __getattr__(self, name: str) -> NamedNode:
        # Only called on a first access: the term is then stored as an attribute, so the hot
        # path of the mapping (millions of TIKG.x lookups) is a plain attribute read.
        if name.startswith("_"):
            raise AttributeError(name)
        node = self[name]
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> NamedNode:
        node = self._cache.get(name)
        if node is None:
            if name not in self._terms:
                raise AttributeError(f"{name!r} is not a term of <{self._base}>")
            node = self._cache[name] = NamedNode(self._base + name)
        return node

    def __contains__(self, name: str) -> bool:
        return name in self._terms

    @property
    def base(self) -> str:
        return self._base

    @property
    def terms(self) -> frozenset:
        return self._terms


TIKG_CLASSES = [
    # organizations (all rdfs:subClassOf schema:Organization)
    "Company", "BusinessGroup", "GovernmentBody", "LegislativeBody", "InvestigationTeam", "PoliceAgency",
    "Court", "Committee", "Association", "CivicGroup", "NewsMedia",
    # the story
    "Incident", "Remedy", "Sanction", "Event", "Figure", "FigureMeasureScheme",
    # reading the text
    "Sentence", "TemporalExpression", "DurationExpression",
    # concept schemes
    "IncidentTypeScheme", "RemedyTypeScheme", "SanctionTypeScheme", "EventTypeScheme",
]
TIKG_PROPERTIES = [
    # provenance and evidence
    "evidence", "startOffset", "endOffset", "surfaceText", "extractionRule", "supportCount", "contentHash",
    "crawledAt", "oid", "aid", "category", "sourceFile",
    # dates
    "anchorDate", "granularity", "dateValue", "dateModifier",
    # figures
    "qualifier", "measuredNoun",
    # the story
    "affects", "incidentType", "remedyType", "offeredBy", "respondsTo", "sanctionType", "imposedBy", "imposedOn",
    "suspectedType", "status", "eligibility", "decidedOn", "eventType", "concernsIncident",
    "measure", "figureOf", "isLatest",
]
TIKG_CONCEPTS = [
    "Hacking", "MalwareInfection", "DataLeak", "UnauthorizedPayment", "ServiceOutage",
    "PenaltyWaiver", "Refund", "DataOffer", "RoamingOffer", "ContentVoucher", "Discount", "Insurance",
    "UsimReplacement", "ProtectionService", "Compensation", "SecurityInvestment", "TaskForce", "Apology",
    "Fine", "AdministrativePenalty", "CorrectiveOrder",
    "Detection", "ReportToAuthority", "Disclosure", "InvestigationResult", "Briefing", "Hearing",
    "RegulatorDecision", "ApologyEvent", "RemedyAnnouncement",
    "VictimCount", "DamageAmount", "LeakedSubscriberCount", "LeakedRecordCount", "InfectedServerCount",
    "MalwareTypeCount",
]
TIKG = ClosedNamespace(TIKG_IRI, TIKG_CLASSES + TIKG_PROPERTIES + TIKG_CONCEPTS)

SCHEMA = ClosedNamespace("https://schema.org/", [
    "NewsArticle", "Organization", "Person", "MonetaryAmount", "QuantitativeValue",
    "identifier", "headline", "datePublished", "publisher", "author", "url", "name", "alternateName",
    "jobTitle", "worksFor", "email", "value", "currency", "unitText", "unitCode", "startDate", "endDate",
    "duration", "amount", "text", "isPartOf", "sameAs", "description", "about", "location", "minValue",
    "maxValue", "valueReference", "measuredProperty", "inLanguage",
])
PROV = ClosedNamespace("http://www.w3.org/ns/prov#", ["wasDerivedFrom", "Entity", "wasAttributedTo"])
RDF = ClosedNamespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", ["type"])
RDFS = ClosedNamespace("http://www.w3.org/2000/01/rdf-schema#", ["label", "comment", "subClassOf", "seeAlso"])
SKOS = ClosedNamespace("http://www.w3.org/2004/02/skos/core#", ["Concept", "ConceptScheme", "prefLabel", "inScheme", "notation"])
XSD = ClosedNamespace("http://www.w3.org/2001/XMLSchema#", [
    "string", "integer", "decimal", "boolean", "date", "dateTime", "gYearMonth", "gYear", "duration", "anyURI"])
SEM = ClosedNamespace("http://semanticweb.cs.vu.nl/2009/11/sem/", ["Event", "hasTimeStamp", "hasActor"])

PREFIXES = {
    "tikg": TIKG_IRI,
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
}


def prefixes(base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """The export's prefixes: the vocabularies', and one per kind of resource under ``base_iri``."""
    from kg.iris import Iris
    return {**PREFIXES, **Iris(base_iri).prefixes()}
