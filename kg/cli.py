"""The ``kg`` command. Each subcommand is a function registered in ``COMMANDS``.

Exit codes: 0 everything built; 1 failure (nothing usable, or --strict with
skipped files); 2 usage error; 3 built, but some input files were skipped
(each named on stderr with its problem).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kg import __version__
from kg.vocab import DEFAULT_BASE_IRI

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3

DESCRIPTION = """\
Turn crawled Korean news about telecom security incidents into a knowledge graph.

Articles are files (*.txt, *.md) with YAML front matter and a Markdown body.
`kg build` reads them, extracts organizations, persons, dates, figures,
incidents, remedies and sanctions with the sentence each came from, and
writes the merged graph (Turtle and other formats) into a folder.
"""

EPILOG = """\
examples:
  kg build seeds/ --out exports/          build the sample corpus
  kg build crawl/ --out out/ --strict     fail if any file had to be skipped
exit codes: 0 ok; 1 failure (or --strict with skipped files; nothing written);
  2 usage error; 3 built, but some input files were skipped: each is named on
  stderr as `skipped PATH: problem` (no front matter, malformed front matter,
  a missing id/published_at/body, an impossible date, not UTF-8, binary, empty,
  over 5 MB, a duplicate id, a symlink loop, an extractor error ...)
"""


class Progress:
    """One updating line on stderr while files are read (only on a terminal, or when asked)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.started = time.monotonic()
        self._last = 0.0

    def __call__(self, n: int, total: int, path: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if n != total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        done = int(width * n / max(total, 1))
        rate = n / max(now - self.started, 1e-9)
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total} articles  {rate:,.0f}/s ")
        if n == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build, default_jobs
    from kg.export import FORMATS, ExportError, write_all

    formats = _parse_formats(args.formats, FORMATS)
    started = time.monotonic()
    progress = Progress(enabled=not args.quiet and (args.progress or sys.stderr.isatty()))
    if args.jobs is not None and args.jobs < 1:
        print("kg build: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    cache = None
    if not args.no_cache:
        from kg.cache import FactsCache, default_cache_dir
        cache = FactsCache(args.cache_dir or default_cache_dir(args.out))
    try:
        result = build(args.paths, base_iri=args.base_iri, progress=progress,
                       jobs=args.jobs or default_jobs(), cache=cache)
    except ValueError as err:  # a bad base IRI, a malformed resource file
        print(f"kg build: {err}", file=sys.stderr)
        return EXIT_FAILURE
    for skip in result.skipped:
        print(f"skipped {skip}", file=sys.stderr)
    if not result.kg.digests:
        print("kg build: no article could be read; nothing written", file=sys.stderr)
        return EXIT_FAILURE
    if args.strict and result.skipped:
        print(f"kg build: --strict and {len(result.skipped)} file(s) skipped; nothing written", file=sys.stderr)
        return EXIT_FAILURE
    out = Path(args.out)
    try:
        written = write_all(result.kg, out, formats, jobs=args.jobs or default_jobs())
    except ExportError as err:
        print(f"kg build: could not write the exports: {err}", file=sys.stderr)
        return EXIT_FAILURE
    if not args.quiet:
        elapsed = time.monotonic() - started
        stats = result.stats
        print(f"read {len(result.kg.digests)} articles ({stats.extracted} extracted, {stats.cached} from the cache, "
              f"{stats.jobs} job(s)), skipped {len(result.skipped)}; "
              f"wrote {result.kg.node_count} nodes, {result.kg.triple_count} triples in {elapsed:.1f} s:")
        for path in written:
            print(f"  {path}")
    return EXIT_SKIPPED if result.skipped else EXIT_OK


def _parse_formats(value: str | None, known: dict) -> list[str]:
    if not value or value == "all":
        return list(known)
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"kg build: unknown format(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    return names


def add_build_parser(sub) -> None:
    p = sub.add_parser("build", help="build the graph from article files or folders",
                       description="Read articles, extract facts and write the merged graph.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files (*.txt, *.md) or folders holding them")
    p.add_argument("--out", "-o", default="exports", metavar="DIR", help="folder to write into (default: exports)")
    p.add_argument("--formats", metavar="LIST", help="comma-separated output formats (default: all)")
    p.add_argument("--base-iri", default=DEFAULT_BASE_IRI, metavar="IRI",
                   help=f"base of the resources' IRIs (default: {DEFAULT_BASE_IRI})")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1), writing nothing, if any input file is skipped")
    p.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="processes reading and extracting articles (default: every core)")
    p.add_argument("--no-cache", action="store_true",
                   help="extract every article again instead of re-using the build cache")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="where the build cache lives (default: OUT/.kg-cache); keyed by each file's content "
                        "and the extractor and resource versions")
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when stderr is not a terminal")
    p.set_defaults(func=cmd_build)


# subcommand name -> function that adds its parser; one explicit list
from kg.query_cli import add_push_parser, add_query_parser, add_serve_parser  # noqa: E402

COMMANDS = [add_build_parser, add_query_parser, add_serve_parser, add_push_parser]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("\nkg: interrupted; files already in place were left as they were", file=sys.stderr)
        return 130
