"""The ``kg`` command. Each subcommand is a function registered in ``COMMANDS``.

Exit codes: 0 everything built; 1 failure (nothing usable, or --strict with
skipped files); 2 usage error; 3 built, but some input files were skipped
(each named on stderr with its problem).
"""
from __future__ import annotations

import argparse
import gc
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
  kg build crawl/ --out out/              again: new or edited articles are extracted, the
                                          rest comes from out/.kg-cache; if no file changed,
                                          nothing is written (out/.kg-build.json)
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
    from kg.gc_pause import paused_gc
    with paused_gc():  # the build's objects live to its end: see kg.gc_pause
        return _build(args)


def _build(args: argparse.Namespace) -> int:
    from kg.build import build, default_jobs
    from kg.export import FORMATS, ExportError, start_views, write_all
    from kg.stamp import (hashes_as_read, input_hashes, inputs_fingerprint, read_as_hashed, read_stamp,
                          remember_hashes, write_stamp)

    formats = _parse_formats(args.formats, FORMATS)
    started = time.monotonic()
    progress = Progress(enabled=not args.quiet and (args.progress or sys.stderr.isatty()))
    if args.jobs is not None and args.jobs < 1:
        print("kg build: --jobs must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out)
    stamp = read_stamp(out)
    cache = memo = None
    if not args.no_cache:
        from kg.cache import FactsCache, default_cache_dir
        cache = FactsCache(args.cache_dir or default_cache_dir(args.out))
        memo = cache.hash_memo
    # the inputs are hashed first only where an export may be up to date; else after the build, from
    # what it read (kg.stamp.hashes_as_read)
    read_from = time.time_ns()
    hashes = input_hashes(args.paths, memo) if stamp.may_be_current(formats) else None
    current: set[str] = set()
    if cache is not None:
        if hashes is not None:
            inputs = inputs_fingerprint(hashes, args.base_iri)
            current = stamp.up_to_date(inputs, formats, out)
            if stamp.inputs == inputs and current == set(formats):
                return _report_up_to_date(args, stamp, formats, out, started)
    todo = [n for n in formats if n not in current]
    jobs = args.jobs or default_jobs()
    early: list = []  # the process writing the view formats, started once the articles are collected

    def start_view_process(digests, iris, skipped) -> None:
        if args.strict and skipped:  # the build stops before its exports (_report_skips)
            return
        early.append(start_views(digests, iris.base, out, todo, jobs))

    try:
        try:
            result = build(args.paths, base_iri=args.base_iri, progress=progress, jobs=jobs, cache=cache,
                           hashes=hashes, on_collected=start_view_process)
        except ValueError as err:  # a bad base IRI, a malformed resource file
            print(f"kg build: {err}", file=sys.stderr)
            return EXIT_FAILURE
        failed = _report_skips(args, result.skipped, bool(result.kg.digests))
        if failed is not None:
            return failed
        def prepare_stamp() -> None:
            """What the stamp records, made while the process writing the view formats finishes (at 10,000
            articles 0.5 s that were the build's last)."""
            if hashes is None:
                as_read = hashes_as_read(args.paths, result.kg.digests)
                inputs = inputs_fingerprint(as_read, args.base_iri)
                if memo is not None:
                    remember_hashes(memo, as_read, read_from)
            elif read_as_hashed(hashes, result.kg.digests):
                inputs = inputs_fingerprint(hashes, args.base_iri)
            else:
                inputs = ""  # an article changed during the build: nothing it wrote is known to be up to date
            stamp.inputs, stamp.articles = inputs, len(result.kg.digests)
            stamp.nodes, stamp.triples = result.kg.node_count, result.kg.triple_count
            stamp.skipped = [[s.path, s.problem] for s in result.skipped]

        try:
            written = dict(zip(todo, write_all(result.kg, out, todo, jobs=jobs, views=early.pop() if early else None,
                                               meanwhile=prepare_stamp)))
        except (ExportError, OSError) as err:  # each file is whole or as it was (kg.atomic)
            print(f"kg build: could not write the exports: {err}", file=sys.stderr)
            return EXIT_FAILURE
    finally:
        for views in early:  # not used: the build stopped before the exports
            if views is not None:
                views.stop()
    for name, path in written.items():
        stamp.record(name, path, stamp.inputs)
    try:
        write_stamp(out, stamp)
    except OSError as err:  # the exports are in place; the next build only cannot know it
        print(f"kg build: could not record this build ({err}); the next one writes every export again",
              file=sys.stderr)
    if not args.quiet:
        stats = result.stats
        print(f"read {stamp.articles} articles ({stats.extracted} extracted, {stats.cached} from the cache, "
              f"{stats.jobs} job(s)), skipped {len(result.skipped)}; "
              f"wrote {stamp.nodes} nodes, {stamp.triples} triples in {time.monotonic() - started:.1f} s:")
        _list_files(out, formats, current)
    _left_to_exit(result)
    return EXIT_SKIPPED if result.skipped else EXIT_OK


def _left_to_exit(*objects) -> None:
    """Keep ``objects`` alive in a reference cycle that only the collector could free, and :func:`run`
    freezes it out of the collector's reach: they go back to the system with the process instead of being
    freed one by one when the build returns (at 10,000 articles the digests' 0.3 M mentions and the rest
    took 0.37 s, a build's last, for a build that adds one article). Files and temporary folders are
    closed and removed at exit as before (their finalizers run regardless)."""
    holder: list = [objects]
    holder.append(holder)


def _report_up_to_date(args: argparse.Namespace, stamp, formats: list[str], out: Path, started: float) -> int:
    """What a build whose inputs have not changed since the last one says: that build's skips and counts."""
    from kg.build import Skip

    skipped = [Skip(path, problem) for path, problem in stamp.skipped]
    failed = _report_skips(args, skipped, True)
    if failed is not None:
        return failed
    if not args.quiet:
        print(f"read {stamp.articles} articles, skipped {len(skipped)}: no input file changed since the last build; "
              f"the exports ({stamp.nodes} nodes, {stamp.triples} triples) are up to date, "
              f"checked in {time.monotonic() - started:.1f} s:")
        _list_files(out, formats, set(formats))
    return EXIT_SKIPPED if skipped else EXIT_OK


def _report_skips(args: argparse.Namespace, skipped: list, built_any: bool) -> int | None:
    """Name each skipped file on stderr; the exit code if the build must stop here (nothing written)."""
    for skip in skipped:
        print(f"skipped {skip}", file=sys.stderr)
    if not built_any:
        print("kg build: no article could be read; nothing written", file=sys.stderr)
        return EXIT_FAILURE
    if args.strict and skipped:
        print(f"kg build: --strict and {len(skipped)} file(s) skipped; nothing written", file=sys.stderr)
        return EXIT_FAILURE
    return None


def _list_files(out: Path, formats: list[str], current: set[str]) -> None:
    from kg.export import FILES
    for name in formats:
        print(f"  {out / FILES[name]}" + (" (up to date)" if name in current else ""))


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
                   help="extract every article again instead of re-using the build cache, and write every "
                        "export even if the last build wrote it from the same inputs (OUT/.kg-build.json)")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="where the build cache lives (default: OUT/.kg-cache); keyed by each file's content "
                        "and the extractor and resource versions; entries no build has used for 7 days are removed")
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


def run() -> None:
    """The ``kg`` program (``python -m kg`` and the installed script): :func:`main`, then exit with its code.

    Before exiting, the objects still alive are frozen out of the collector's reach (``gc.freeze``), so
    the interpreter's last collection does not walk them and they go back to the system with the process.
    A build leaves the frames of its export stage alive in reference cycles (exceptions that matplotlib's
    font parsing catches hold their tracebacks), and with them the whole graph: at 10,000 articles,
    2.4 M objects whose collection and freeing took 0.9 s after the build had finished. Files are closed
    and temporary folders removed as before: both happen before or regardless of the collection."""
    code = main()
    gc.freeze()
    sys.exit(code)

