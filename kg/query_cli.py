"""The ``kg query``, ``kg serve`` and ``kg push`` subcommands (registered in :mod:`kg.cli`)."""
from __future__ import annotations

import argparse
import sys
import textwrap

from kg.vocab import DEFAULT_BASE_IRI

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

QUERY_EPILOG = """\
examples:
  kg query --list                                       the bundled queries and their parameters
  kg query timeline --param org=SKT                     a bundled query on exports/graph.ttl
  kg query out/graph.ttl remedies-in-force --param date=2026-01-05 --format csv
  kg query my-question.rq --format json                 a query file
  kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s a schema:Person }'
                                                        inline; the export's prefixes are predeclared
parameters are bound as RDF terms (a VALUES clause), never pasted into the query text.
"""


def cmd_query(args: argparse.Namespace) -> int:
    from kg import query as q

    if args.list:
        print(list_text(q.bundled()), end="")
        return EXIT_OK
    if not args.args or len(args.args) > 2:
        print("kg query: give QUERY (a bundled name, a .rq file or the query text), optionally after GRAPH; "
              "`kg query --list` shows the bundled queries", file=sys.stderr)
        return EXIT_USAGE
    graph, text = (args.args if len(args.args) == 2 else (str(q.DEFAULT_GRAPH), args.args[0]))
    try:
        query = q.resolve(text)
        terms = q.bind_params(query, q.parse_param_args(args.param), args.base_iri)
        store = q.load_graph(graph)
        output = q.format_any(q.run(store, query, terms, args.base_iri), args.format, args.base_iri)
    except q.QueryError as err:
        print(f"kg query: {err}", file=sys.stderr)
        return EXIT_FAILURE
    sys.stdout.write(output)
    return EXIT_OK


def list_text(queries) -> str:
    lines = []
    for name, query in queries.items():
        lines.append(f"{name}  —  {query.title}")
        for chunk in textwrap.wrap(query.question, 96):
            lines.append(f"    {chunk}")
        for p in query.params:
            need = "required" if p.required else "optional"
            lines.append(f"    --param {p.name}=<{p.type}>  ({need}) {p.help}")
        if query.example:
            lines.append(f"    e.g. {query.example}")
        lines.append("")
    return "\n".join(lines)


def add_query_parser(sub) -> None:
    p = sub.add_parser("query", help="run a SPARQL query (bundled, a .rq file or inline) on the exported graph",
                       description="Run SPARQL on an exported graph with the embedded Oxigraph engine.",
                       epilog=QUERY_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("args", nargs="*", metavar="[GRAPH] QUERY",
                   help="GRAPH: the graph file (default: exports/graph.ttl); "
                        "QUERY: a bundled query's name, a .rq file, or the query text")
    p.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json"), default="table",
                   help="output: aligned table (default), SPARQL CSV, SPARQL TSV or SPARQL results JSON")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE",
                   help="bind the query variable ?NAME to VALUE (repeatable)")
    p.add_argument("--list", action="store_true", help="list the bundled queries with their parameters")
    p.add_argument("--base-iri", default=DEFAULT_BASE_IRI, metavar="IRI",
                   help="base of the resources' IRIs, for prefixed names (default: %(default)s)")
    p.set_defaults(func=cmd_query)


# ------------------------------------------------------------------ serve

def cmd_serve(args: argparse.Namespace) -> int:
    from kg import server
    try:
        return server.serve(args.graph, host=args.host, port=args.port, location=args.location)
    except server.ServerError as err:
        print(f"kg serve: {err}", file=sys.stderr)
        return EXIT_FAILURE


def add_serve_parser(sub) -> None:
    p = sub.add_parser("serve", help="start a local SPARQL endpoint (Oxigraph server) over the exported graph",
                       description="Load the exported graph into an Oxigraph store and serve it as a SPARQL 1.1 "
                                   "endpoint (query, update and Graph Store Protocol) until Ctrl-C.",
                       epilog="example:\n  kg serve exports/graph.ttl --port 7878\n"
                              "  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' "
                              "http://127.0.0.1:7878/query\n",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", nargs="?", default="exports/graph.ttl", metavar="GRAPH",
                   help="graph file to load (default: exports/graph.ttl)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=7878, help="port (default: %(default)s; 0 picks a free one)")
    p.add_argument("--location", metavar="DIR",
                   help="keep the store in DIR (default: a temporary folder removed on exit); "
                        "an existing store there is replaced by GRAPH")
    p.set_defaults(func=cmd_serve)


# ------------------------------------------------------------------ push

def cmd_push(args: argparse.Namespace) -> int:
    from kg import server
    if args.token and (args.user or args.password):
        print("kg push: give either --user/--password or --token, not both", file=sys.stderr)
        return EXIT_USAGE
    if bool(args.user) != bool(args.password is not None):
        print("kg push: --user and --password go together", file=sys.stderr)
        return EXIT_USAGE
    try:
        status, url, size = server.push(args.graph, args.endpoint, graph_iri=args.graph_iri, user=args.user,
                                        password=args.password, token=args.token, timeout=args.timeout)
    except server.ServerError as err:
        print(f"kg push: {err}", file=sys.stderr)
        return EXIT_FAILURE
    target = f"<{args.graph_iri}>" if args.graph_iri else "the default graph"
    print(f"pushed {args.graph} ({size:,} bytes) to {target} at {url}: HTTP {status}")
    return EXIT_OK


def add_push_parser(sub) -> None:
    p = sub.add_parser("push", help="load the graph into a SPARQL 1.1 Graph Store Protocol endpoint",
                       description="Replace a graph of a remote store with the exported graph, in one HTTP PUT "
                                   "(SPARQL 1.1 Graph Store Protocol): Oxigraph, Apache Jena Fuseki, GraphDB, "
                                   "Virtuoso ...",
                       epilog="examples:\n"
                              "  kg push --endpoint http://127.0.0.1:7878/store --graph https://w3id.org/tikg/graph\n"
                              "  kg push --endpoint http://localhost:3030/tikg/data --graph https://w3id.org/tikg/graph "
                              "--user admin --password pw\n",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", nargs="?", default="exports/graph.ttl", metavar="GRAPH",
                   help="Turtle file to push (default: exports/graph.ttl)")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the store's Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store; "
                        "Fuseki: http://HOST:3030/DATASET/data)")
    p.add_argument("--graph", dest="graph_iri", metavar="IRI",
                   help="named graph to replace (default: the default graph)")
    p.add_argument("--user", help="user for HTTP basic authentication")
    p.add_argument("--password", help="password for HTTP basic authentication")
    p.add_argument("--token", help="bearer token (Authorization: Bearer ...)")
    p.add_argument("--timeout", type=float, default=300, help="seconds to wait for the server (default: %(default)s)")
    p.set_defaults(func=cmd_push)
