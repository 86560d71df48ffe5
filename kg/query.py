"""SPARQL over the exported graph: bundled questions, safe parameters, results as table, CSV, TSV or JSON.

Queries run on Oxigraph (pyoxigraph), in memory: on the same questions it is
one to three orders of magnitude faster than rdflib's SPARQL engine
(``benchmarks/sparql.md``).

Bundled queries live in ``kg/queries/<name>.rq``; each starts with a comment
header that ``kg query --list`` reads::

    # title: Timeline of one organization
    # question: What happened ... (continued on lines starting with "#   ")
    # param: org string required  the organization's name or alias
    # example: kg query timeline --param org=SKT

A parameter is a query variable (``?org``) bound to an RDF term, never text
pasted into the query: a ``VALUES`` clause written from the pyoxigraph terms'
N-Triples form (escaped by pyoxigraph) opens the outermost ``WHERE`` group,
the same for the embedded engine, a remote endpoint and rdflib. Bundled
queries therefore read parameters only in their outermost group, where an
unset optional parameter is simply unbound (``!BOUND(?org) || ...``).
"""
from __future__ import annotations

import csv
import io
import json
import re
import shlex
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.vocab import DEFAULT_BASE_IRI, prefixes

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
DEFAULT_GRAPH = Path("exports") / "graph.ttl"
FORMATS = ("table", "csv", "tsv", "json")
PARAM_TYPES = ("string", "date", "iri", "integer")


class QueryError(Exception):
    """A problem worth one line to the user: missing graph, bad query, unknown name, bad parameter."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class Query:
    text: str
    name: str | None = None          # bundled name, or None for a file or inline query
    title: str = ""
    question: str = ""
    params: tuple[Param, ...] = ()
    example: str = ""
    declared: bool = False           # the header declares its parameters (undeclared ones are refused)

    def example_params(self) -> dict[str, str]:
        """The ``--param`` values of the header's example (used for the golden outputs)."""
        words = shlex.split(self.example)
        out = {}
        for i, word in enumerate(words):
            if word in ("--param", "-p") and i + 1 < len(words):
                key, _, value = words[i + 1].partition("=")
                out[key] = value
        return out


_HEADER = re.compile(r"^#\s*(title|question|param|example):\s*(.*)$")


def parse_header(text: str, name: str | None = None) -> Query:
    fields: dict[str, list[str]] = {"title": [], "question": [], "param": [], "example": []}
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            last = m.group(1)
            fields[last].append(m.group(2).strip())
        elif last in ("question",) and line.startswith("#  "):
            fields[last][-1] += " " + line[1:].strip()
        else:
            last = None
    params = []
    for spec in fields["param"]:
        parts = spec.split(None, 3)
        if len(parts) < 3 or parts[1] not in PARAM_TYPES or parts[2] not in ("required", "optional"):
            raise QueryError(f"query {name or ''}: bad '# param:' line {spec!r} "
                             f"(want: NAME TYPE required|optional HELP; TYPE one of {', '.join(PARAM_TYPES)})")
        params.append(Param(parts[0], parts[1], parts[2] == "required", parts[3] if len(parts) > 3 else ""))
    return Query(text=text, name=name, title=" ".join(fields["title"]), question=" ".join(fields["question"]),
                 params=tuple(params), example=" ".join(fields["example"]),
                 declared=bool(fields["param"] or fields["title"]))


def bundled() -> dict[str, Query]:
    """The bundled queries by name, in name order."""
    return {p.stem: parse_header(p.read_text(encoding="utf-8"), p.stem) for p in sorted(QUERIES_DIR.glob("*.rq"))}


_QUERY_START = re.compile(r"^\s*(#.*\n\s*)*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def resolve(query: str) -> Query:
    """QUERY as given on the command line: a .rq file, a bundled query's name, or the query itself."""
    if _QUERY_START.match(query):
        return Query(text=query)
    path = Path(query)
    if query.endswith(".rq") or (path.suffix and path.exists()):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            raise QueryError(f"cannot read query file {query}: {err.strerror or err}") from None
        return parse_header(text)
    queries = bundled()
    if query in queries:
        return queries[query]
    raise QueryError(f"unknown bundled query {query!r}; `kg query --list` shows them "
                     f"({', '.join(queries)}), or give a .rq file or the query text")


# ------------------------------------------------------------------ parameters

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_term(value: str, kind: str = "string", base_iri: str = DEFAULT_BASE_IRI):
    """A parameter's text as an RDF term of the declared kind (the only way values enter a query)."""
    XSD = "http://www.w3.org/2001/XMLSchema#"
    if kind == "date":
        if not _DATE.match(value):
            raise QueryError(f"not a date (YYYY-MM-DD): {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if kind == "integer":
        if not re.match(r"^[+-]?\d+$", value):
            raise QueryError(f"not an integer: {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
    if kind == "iri":
        return _iri(value, base_iri)
    return ox.Literal(value)


def _iri(value: str, base_iri: str) -> ox.NamedNode:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    else:
        prefix, sep, local = value.partition(":")
        known = prefixes(base_iri)
        if sep and prefix in known and not local.startswith("//"):
            value = known[prefix] + local
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise QueryError(f"not an IRI or known prefixed name: {value!r}") from None


def bind_params(query: Query, given: dict[str, str], base_iri: str = DEFAULT_BASE_IRI) -> dict[str, object]:
    """Check the given parameters against the query's declaration and turn them into RDF terms."""
    declared = {p.name: p for p in query.params}
    label = f"query {query.name}" if query.name else "the query"
    for name in given:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise QueryError(f"bad parameter name {name!r} (use --param NAME=VALUE)")
        if query.declared and name not in declared:
            known = ", ".join(declared) or "none"
            raise QueryError(f"{label} has no parameter {name!r} (parameters: {known})")
    missing = [p.name for p in query.params if p.required and p.name not in given]
    if missing:
        p = declared[missing[0]]
        raise QueryError(f"{label} needs --param {p.name}=... ({p.type}: {p.help})")
    out = {}
    for name, value in given.items():
        kind = declared[name].type if name in declared else ("iri" if value.startswith("<") else "string")
        try:
            out[name] = to_term(value, kind, base_iri)
        except QueryError as err:
            raise QueryError(f"--param {name}: {err}") from None
    return out


def parse_param_args(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise QueryError(f"--param wants NAME=VALUE, got {pair!r}")
        out[name.strip()] = value
    return out


def with_values(text: str, terms: dict[str, object]) -> str:
    """The query with its parameters as a ``VALUES`` clause opening the outermost WHERE group.

    For engines without pre-binding (a remote endpoint, rdflib). The values are
    written in their N-Triples form, so no text given by a user is ever parsed as SPARQL.
    """
    if not terms:
        return text
    names = sorted(terms)
    clause = (f" VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(terms[n]) for n in names)}) }} ")
    at = _where_brace(text)
    return text[:at + 1] + clause + text[at + 1:]


def _where_brace(text: str) -> int:
    """Offset of the first '{' of the query body, skipping comments, strings and IRIs."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "<" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "=":
            j = text.find(">", i)
            if j > 0 and not any(ch.isspace() for ch in text[i:j]):
                i = j + 1
                continue
        if c == "{":
            return i
        i += 1
    raise QueryError("the query has no '{ ... }' body to bind parameters in")


# ------------------------------------------------------------------ running

def load_graph(path: str | Path) -> ox.Store:
    """A pyoxigraph Store holding an exported graph file (Turtle, N-Triples, TriG, N-Quads, RDF/XML)."""
    path = Path(path)
    if not path.is_file():
        hint = " (build it first: kg build seeds --out exports)" if path == DEFAULT_GRAPH else ""
        raise QueryError(f"graph not found: {path}{hint}")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".") or "ttl")
    if fmt is None:
        raise QueryError(f"cannot tell the RDF format of {path} from its extension")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except (SyntaxError, ValueError) as err:
        raise QueryError(f"cannot parse {path}: {_first_line(err)}") from None
    return store


def run(store: ox.Store, query: Query, terms: dict[str, object] | None = None, base_iri: str = DEFAULT_BASE_IRI):
    """Run a query on the store, its parameters bound as RDF terms by a ``VALUES`` clause (:func:`with_values`).

    (pyoxigraph's ``substitutions`` would do, but SEP-0007 wants every substituted
    variable projected, and the same binding must work on any remote endpoint.)
    """
    text = with_values(query.text, terms or {})
    try:
        return store.query(text, prefixes=prefixes(base_iri), use_default_graph_as_union=True)
    except SyntaxError as err:
        raise QueryError(f"bad query: {_first_line(err)}") from None
    except OSError as err:
        raise QueryError(f"query failed: {_first_line(err)}") from None


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


# ------------------------------------------------------------------ results

@dataclass
class Table:
    """SELECT results: variable names and rows of terms (None where unbound)."""
    variables: list[str]
    rows: list[list[object]] = field(default_factory=list)

    @classmethod
    def of(cls, solutions: ox.QuerySolutions) -> "Table":
        names = [v.value for v in solutions.variables]
        return cls(names, [[s[name] for name in names] for s in solutions])

    def plain(self, base_iri: str = DEFAULT_BASE_IRI) -> list[tuple[str, ...]]:
        """Rows as display strings (prefixed names, literals' values, '' when unbound): what tests compare."""
        short = _Shortener(base_iri)
        return [tuple(short(t) for t in row) for row in self.rows]


class _Shortener:
    def __init__(self, base_iri: str):
        self.pairs = sorted(prefixes(base_iri).items(), key=lambda kv: -len(kv[1]))

    def __call__(self, term) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.NamedNode):
            for prefix, ns in self.pairs:
                if term.value.startswith(ns) and term.value != ns:
                    return f"{prefix}:{term.value[len(ns):]}"
            return term.value
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        if isinstance(term, ox.Literal):
            return term.value
        return str(term)


def _width(text: str) -> int:
    """Display width on a terminal: Hangul and other wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


_NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double", "float", "long", "int")}


def format_table(table: Table, base_iri: str = DEFAULT_BASE_IRI) -> str:
    rows = table.plain(base_iri)
    numeric = [all(t is None or (isinstance(t, ox.Literal) and t.datatype.value in _NUMERIC) for t in col)
               for col in zip(*table.rows)] if table.rows else [False] * len(table.variables)
    widths = [max([_width(v)] + [_width(r[i]) for r in rows]) for i, v in enumerate(table.variables)]

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(pad + cell if numeric[i] else cell + pad)
        return "  ".join(out).rstrip()

    lines = [line(table.variables), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def format_results(table: Table, fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """SELECT results as 'table', 'csv' (SPARQL 1.1 CSV), 'tsv' (SPARQL 1.1 TSV) or 'json' (SPARQL results JSON)."""
    if fmt == "table":
        return format_table(table, base_iri)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(table.variables)
        for row in table.rows:
            writer.writerow(["" if t is None else (f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value)
                             for t in row])
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in table.variables)]
        lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in table.rows]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        doc = {"head": {"vars": table.variables},
               "results": {"bindings": [{v: _term_json(t) for v, t in zip(table.variables, row) if t is not None}
                                        for row in table.rows]}}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    raise QueryError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _tsv_term(term) -> str:
    """N-Triples form, as SPARQL TSV wants; integers and decimals in their short form."""
    if isinstance(term, ox.Literal) and term.datatype.value in (
            "http://www.w3.org/2001/XMLSchema#integer", "http://www.w3.org/2001/XMLSchema#decimal") \
            and re.match(r"^[+-]?\d*\.?\d+$", term.value):
        return term.value
    return str(term).replace("\t", "\\t")


def format_any(result, fmt: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """Any query result: SELECT as asked; ASK as true/false (or JSON); CONSTRUCT/DESCRIBE as Turtle."""
    if isinstance(result, ox.QuerySolutions):
        return format_results(Table.of(result), fmt, base_iri)
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        return json.dumps({"head": {}, "boolean": value}) + "\n" if fmt == "json" else f"{str(value).lower()}\n"
    data = ox.serialize(list(result), format=ox.RdfFormat.TURTLE, prefixes=prefixes(base_iri))
    return data.decode("utf-8")


# ------------------------------------------------------------------ goldens

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "tests" / "golden" / "queries"


def golden_outputs(store: ox.Store, base_iri: str = DEFAULT_BASE_IRI) -> dict[str, str]:
    """Each bundled query, with its header's example parameters, as TSV: the golden files' contents."""
    out = {}
    for name, query in bundled().items():
        terms = bind_params(query, query.example_params(), base_iri)
        out[f"{name}.tsv"] = format_results(Table.of(run(store, query, terms, base_iri)), "tsv", base_iri)
    return out


def regen_goldens(seeds: Path, out_dir: Path = GOLDEN_DIR) -> list[Path]:
    """Build the sample corpus in memory and write every bundled query's golden output."""
    from kg.build import build
    result = build([seeds])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for old in out_dir.glob("*.tsv"):
        old.unlink()
    for filename, text in golden_outputs(result.kg.store()).items():
        path = out_dir / filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.query --regen-goldens [SEEDS]``: rewrite tests/golden/queries/ from the sample corpus."""
    import argparse
    p = argparse.ArgumentParser(prog="python -m kg.query")
    p.add_argument("--regen-goldens", action="store_true", help="rewrite tests/golden/queries/*.tsv")
    p.add_argument("seeds", nargs="?", default=str(GOLDEN_DIR.parent.parent.parent / "seeds"))
    args = p.parse_args(argv)
    if not args.regen_goldens:
        p.print_help()
        return 2
    for path in regen_goldens(Path(args.seeds)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
