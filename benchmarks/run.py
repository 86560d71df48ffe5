"""The benchmark suite: one command, a Markdown report in benchmarks/REPORT.md.

    python benchmarks/run.py            # 100, 1,000 and 10,000 articles (about 12 minutes on 2 cores)
    python benchmarks/run.py --quick    # 100 and 1,000 articles, one run each (about 1 minute)

Measures, on a corpus from benchmarks/generate.py:
- end to end: ``kg build`` with an empty cache (every export format) as a subprocess: wall
  time, articles/s, peak memory (the whole process tree, sampled with psutil in a run of its
  own; and the largest single process from getrusage);
- incremental: a cached build, then one article added to its folder, then the same ``kg build`` again
  (every format, then Turtle only), then once more with nothing changed;
- per stage, in this process: ingest (read + parse), extraction (one core),
  read + extraction with every core, graph assembly, and every export format;
- the plain-regex ceiling (read + PyYAML C loader + html.unescape + 12 compiled
  regexes per article) and ``dateparser.search.search_dates(body, languages=['ko'])``
  on a sample of the same articles, and the project as ratios to both;
- scaling from 1,000 to 10,000 articles (time and memory).
Figures are medians of ``--repeat`` runs.
"""
from __future__ import annotations

import argparse
import html
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from generate import generate  # noqa: E402

PYTHON = sys.executable


# ---------------------------------------------------------------- helpers
def median(values):
    return statistics.median(values) if values else float("nan")


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - started, value


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown"
    info["cpu"] = cpu
    info["cores"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        info["memory"] = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        info["memory"] = "unknown"
    import pyoxigraph
    info["pyoxigraph"] = pyoxigraph.__version__ if hasattr(pyoxigraph, "__version__") else "?"
    from kg import __version__
    info["kg"] = __version__
    return info


def run_tree(cmd: list[str], memory: bool = False) -> dict:
    """Run ``cmd``; wall time, exit code, stdout, and (``memory``) peak memory of its whole process tree.

    Two sums over the tree: RSS (sampled every 50 ms), which counts a page shared by a forked
    process in each process that maps it, and PSS (every 250 ms), which splits it among them (the
    memory the build really takes from the machine). Sampling is not free: reading a process's PSS walks
    its page tables (17 ms for a 2 GB process here), ~4 s of CPU over a 10,000-article build on a
    machine whose 2 cores the build keeps busy. So the times reported come from runs without it
    (back to back at 10,000 articles: 69.9 and 64.6 s sampled, 66.5 and 62.5 s not)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if not memory:
        psutil = None
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = {"rss": 0, "pss": 0}
    done = threading.Event()

    def sample():
        if psutil is None:
            return
        try:
            parent = psutil.Process(proc.pid)
        except psutil.Error:
            return
        tick = 0
        while not done.is_set():
            rss = pss = 0
            full = tick % 5 == 0  # PSS makes the kernel walk page tables: every 0.25 s, RSS every 0.05 s
            try:
                for p in [parent] + parent.children(recursive=True):
                    try:
                        info = p.memory_full_info() if full else p.memory_info()
                    except psutil.Error:
                        continue
                    rss += info.rss
                    pss += getattr(info, "pss", info.rss)
            except psutil.Error:
                break
            peak["rss"] = max(peak["rss"], rss)
            if full:
                peak["pss"] = max(peak["pss"], pss)
            tick += 1
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    mb = lambda n: n / 1024 / 1024 if n else float("nan")  # noqa: E731
    return {"wall": wall, "rc": proc.returncode, "stdout": out, "stderr": err,
            "tree_mb": mb(peak["rss"]), "pss_mb": mb(peak["pss"]),
            # ru_maxrss of children is the largest child so far: only meaningful when it grew
            "max_proc_mb": max(after, before) / 1024}


def kg_build(corpus: Path, out: Path, *extra: str, quiet: bool = True, memory: bool = False) -> dict:
    result = run_tree([PYTHON, "-m", "kg", "build", str(corpus), "--out", str(out), *(["-q"] if quiet else []), *extra],
                      memory=memory)
    if result["rc"] not in (0, 3):
        raise SystemExit(f"kg build failed ({result['rc']}):\n{result['stderr'][-3000:]}")
    return result


# ---------------------------------------------------------------- the plain-regex ceiling
CEILING_PATTERNS = [re.compile(p) for p in [
    r"\d+(?:,\d{3})*(?:\.\d+)?\s*(?:명|건|대|종|개|억|만|원|GB|%)",
    r"\d{4}년\s*\d{1,2}월\s*\d{1,2}일", r"\d{1,2}월\s*\d{1,2}일", r"(?:지난|오는|다음|이번)\s*\d{1,2}일",
    r"(?:KT|SK텔레콤|SKT|LG유플러스|LG U\+)", r"[가-힣]{2,4}\s*(?:대표|장관|위원장|본부장|기자)",
    r"(?:과학기술정보통신부|과기정통부|개인정보보호위원회|개인정보위|한국인터넷진흥원|KISA)",
    r"(?:유출|해킹|침해|감염|악성코드)", r"(?:위약금|면제|보상|교체|환급)", r"(?:과징금|과태료|제재|처분)",
    r"[\"“][^\"”]{5,200}[\"”]", r"(?<=[.!?])\s+",
]]


def regex_ceiling(paths: list[Path]) -> float:
    """Seconds for read + PyYAML C loader + html.unescape + 12 regexes over every file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    started = time.perf_counter()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        try:
            yaml.load(front, Loader=loader)
        except yaml.YAMLError:
            pass
        body = html.unescape(body)
        for pattern in CEILING_PATTERNS:
            pattern.findall(body)
    return time.perf_counter() - started


def search_dates_per_article(paths: list[Path]) -> float:
    """Median seconds of dateparser.search.search_dates(body, languages=['ko']) per article."""
    from dateparser.search import search_dates
    from kg.ingest import read_article
    bodies = [read_article(p).body for p in paths]
    search_dates(bodies[0], languages=["ko"])  # warm-up: loads the language data
    times = []
    for body in bodies:
        started = time.perf_counter()
        search_dates(body, languages=["ko"])
        times.append(time.perf_counter() - started)
    return median(times)


# ---------------------------------------------------------------- stages in this process
def stages(corpus: Path, out: Path, jobs: int, formats: str = "all") -> dict:
    """Seconds per stage. The one-core stages run over the first ``SAMPLE_ONE_CORE`` articles (per-article
    costs do not depend on the corpus size) and are scaled to the whole corpus; the rest run on all of it."""
    from kg.build import collect
    from kg.export import FORMATS, writing_steps
    from kg.extract import extract_article
    from kg.graph import ArticleFacts, assemble_digests
    from kg.ingest import iter_article_paths, read_article
    from kg.iris import Iris
    from kg.render import RenderStore, render_article

    paths = list(iter_article_paths([corpus]))
    sample = paths[:SAMPLE_ONE_CORE]
    scale = len(paths) / len(sample)
    iris = Iris()
    t = {}
    seconds, articles = timed(lambda: [read_article(p) for p in sample])
    t["ingest (1 core)"] = seconds * scale
    seconds, facts = timed(lambda: [ArticleFacts(a, tuple(extract_article(a))) for a in articles])
    t["extract (1 core)"] = seconds * scale
    with tempfile.TemporaryDirectory() as folder:
        store = RenderStore(folder, iris.base)
        seconds, _ = timed(lambda: [store.put(*render_article(f, iris)) for f in facts])
        t["render (1 core)"] = seconds * scale
        store.packs.close()
    mentions = sum(len(f.mentions) for f in facts) * scale
    articles = facts = None  # free them before the whole-corpus stages
    with tempfile.TemporaryDirectory() as folder:
        t[f"read + extract + render ({jobs} jobs)"], (digests, _, _) = timed(
            collect, [corpus], RenderStore(folder, iris.base), jobs=jobs)
        t[f"assemble: story, shared nodes ({jobs} jobs)"], kg = timed(assemble_digests, digests, iris, jobs)
        t["view graph: its lines joined (parsed by the first view)"], _ = timed(kg.view_graph)
        # as kg build writes them (graph.graphml and graph.gexf in one pass when both are asked for)
        for step, writer in writing_steps([n for n in FORMATS if formats == "all" or n in formats.split(",")]):
            t["export " + " + ".join(step) + (" (one pass)" if len(step) > 1 else "")], _ = timed(writer, kg, out)
        triples = kg.triple_count
    return {"times": t, "articles": len(paths), "sampled": len(sample), "triples": triples, "mentions": round(mentions)}


SAMPLE_ONE_CORE = 1000


# ---------------------------------------------------------------- the run
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 articles, one run each")
    parser.add_argument("--sizes", help="comma-separated corpus sizes (default: 100,1000,10000)")
    parser.add_argument("--repeat", type=int, help="runs per figure (default 3; --quick 1)")
    parser.add_argument("--repeat-large", type=int, default=3,
                        help="cold builds timed at 10,000 articles and over (default 3; the stages run once there)")
    parser.add_argument("--jobs", type=int, default=None, help="kg build --jobs (default: every core)")
    parser.add_argument("--large-formats", default="all",
                        help="export formats at 10,000 articles and over (default: all)")
    parser.add_argument("--sample", type=int, default=20, help="articles for search_dates (default 20)")
    parser.add_argument("--report", type=Path, default=HERE / "REPORT.md")
    parser.add_argument("--workdir", type=Path, help="keep corpora here (default: a temporary folder)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([100, 1000] if args.quick else [100, 1000, 10000])
    repeat = args.repeat or (1 if args.quick else 3)
    from kg.build import default_jobs
    jobs = args.jobs or default_jobs()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        work.mkdir(parents=True, exist_ok=True)
        log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731

        info = machine()
        ref_size = min(sizes, key=lambda n: abs(n - 1000))
        ref_corpus = work / f"corpus-ref-{ref_size}"
        if not ref_corpus.is_dir() or len(list(ref_corpus.glob("*.txt"))) != ref_size:
            shutil.rmtree(ref_corpus, ignore_errors=True)
            generate(ref_corpus, ref_size)
        sample = sorted(ref_corpus.glob("*.txt"))
        log("regex ceiling")
        ceiling = median([regex_ceiling(sample) for _ in range(repeat)])
        ceiling_rate = len(sample) / ceiling
        log(f"search_dates on {args.sample} articles")
        sd = search_dates_per_article(sample[: args.sample])
        rows, stage_rows, incr_rows = {}, {}, {}
        done = []
        for size in sizes:
            corpus = work / f"corpus-{size}"
            if not corpus.is_dir() or len(list(corpus.glob("*.txt"))) != size:
                shutil.rmtree(corpus, ignore_errors=True)
                log(f"generating {size} articles")
                generate(corpus, size)
            runs = repeat if size < 10000 else args.repeat_large
            formats = ["--formats", "all" if size < 10000 else args.large_formats]
            e2e = []
            cache = work / f"cache-{size}"
            for r in range(runs + 1):  # the first measures memory only (see run_tree), the others time
                out = work / f"out-{size}-{r}"
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                # a cold build: nothing cached yet (the cache is written, as in a user's first build)
                log(f"{size}: kg build, empty cache, " + (f"run {r}/{runs}" if r else "memory"))
                e2e.append(kg_build(corpus, out, "--cache-dir", str(cache), "--jobs", str(jobs), *formats, memory=not r))
                if r < runs:  # the last one's folder is where the incremental builds write
                    shutil.rmtree(out, ignore_errors=True)
            memory, timed_runs = e2e[0], e2e[1:]
            rows[size] = {"wall": median([x["wall"] for x in timed_runs]), "walls": [x["wall"] for x in timed_runs],
                          "tree_mb": memory["tree_mb"],
                          "pss_mb": memory["pss_mb"], "max_proc_mb": memory["max_proc_mb"], "runs": runs,
                          "formats": formats[1]}
            # incremental, as a user runs the same command again: one new article in the corpus folder, the
            # build into the last cold build's folder, with its cache
            ttl_out = work / f"out-{size}-ttl"
            added = generate(corpus, 1, start=size)
            try:
                log(f"{size}: one article more, cached")
                plus_one = kg_build(corpus, out, "--cache-dir", str(cache), "--jobs", str(jobs), *formats, quiet=False)
                log(f"{size}: the same again, nothing changed")
                unchanged = kg_build(corpus, out, "--cache-dir", str(cache), "--jobs", str(jobs), *formats, quiet=False)
                # Turtle only, in a folder of its own, ``runs`` times (the median is reported: one run moves by
                # a tenth on this machine): the first corpus (not timed; the cache's last build is then that
                # corpus again, so that the next adds one article to it as the first did, kg.delta), then one
                # article more
                shutil.rmtree(ttl_out, ignore_errors=True)
                ttl_walls = []
                for _ in range(runs):
                    for path in added:
                        path.unlink()
                    log(f"{size}: the first corpus again, cached, Turtle only")
                    kg_build(corpus, ttl_out, "--cache-dir", str(cache), "--jobs", str(jobs), "--formats", "ttl")
                    added = generate(corpus, 1, start=size)
                    log(f"{size}: one article more, cached, Turtle only")
                    ttl_walls.append(kg_build(corpus, ttl_out, "--cache-dir", str(cache), "--jobs", str(jobs),
                                              "--formats", "ttl", quiet=False)["wall"])
            finally:  # the corpus is kept for the next run (generated again if its count is off)
                for path in added:
                    path.unlink(missing_ok=True)
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(ttl_out, ignore_errors=True)
            extracted = re.search(r"\((\d+) extracted, (\d+) from the cache", plus_one["stdout"] or "")
            incr_rows[size] = {"cold": rows[size]["wall"], "plus_one": plus_one["wall"], "ttl_only": median(ttl_walls),
                               "ttl_walls": ttl_walls,
                               "unchanged": unchanged["wall"] if "up to date" in (unchanged["stdout"] or "") else float("nan"),
                               "formats": formats[1], "extracted": extracted.group(1) if extracted else "?",
                               "cached": extracted.group(2) if extracted else "?"}
            log(f"{size}: stages")
            st = [stages(corpus, work / f"stage-{size}", jobs, formats[1]) for _ in range(runs if size < 10000 else 1)]
            stage_rows[size] = {"times": {k: median([s["times"][k] for s in st]) for k in st[0]["times"]},
                                "triples": st[0]["triples"], "mentions": st[0]["mentions"], "articles": st[0]["articles"]}
            done.append(size)
            report = render(info, done, rows, stage_rows, incr_rows, ceiling_rate, len(sample), sd, args, jobs, repeat)
            args.report.write_text(report, encoding="utf-8")  # after every size, so a long run leaves its figures
            log(f"wrote {args.report} ({size:,} done)")

        print(report)
    finally:  # a temporary folder goes, also when the run fails (at 10,000 articles it holds ~10 GB)
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def render(info, sizes, rows, stage_rows, incr_rows, ceiling_rate, ceiling_n, sd, args, jobs, repeat) -> str:
    lines = ["# Benchmarks", "",
             f"Generated by `python benchmarks/run.py{' --quick' if args.quick else ''}` on "
             f"{time.strftime('%Y-%m-%d %H:%M %Z')}. Corpus: `benchmarks/generate.py` (seed articles with "
             "companies, numbers, dates and sentence order varied). Medians of "
             f"{repeat} run(s) (10,000 articles: {args.repeat_large} cold builds, the stages once). "
             f"`kg build` runs with `--jobs {jobs}` "
             "and every export format.", "",
             "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += ["", "## End to end (`kg build`, empty cache, all formats)", "",
              "Peak memory of the process tree (the build, its workers and the process writing the views): "
              "PSS counts a page shared after a fork once, split among the processes that share it; "
              "RSS counts it in each. It is sampled in a run of its own, before the timed runs: sampling "
              "takes CPU time from the build (see `run_tree`).", "",
              "| articles | formats | wall s (median) | each run s | articles/s | peak memory, tree PSS (MB) "
              "| tree RSS (MB) | largest process (MB) |",
              "|---:|---|---:|---|---:|---:|---:|---:|"]
    for size in sizes:
        r = rows[size]
        each = ", ".join(f"{w:.1f}" for w in r["walls"])
        lines.append(f"| {size:,} | {r['formats']} | {r['wall']:.2f} | {each} | {size / r['wall']:,.0f} | "
                     f"{r['pss_mb']:,.0f} | {r['tree_mb']:,.0f} | {r['max_proc_mb']:,.0f} |")
    lines += ["", "## Incremental builds (cache on)", "",
              "One article added: a new file in the corpus folder, then the first build's command again (the "
              "same `--out` and `--cache-dir`); every export is written again, as it holds the new article. "
              "Turtle only: the same with `--formats ttl`, in a folder of its own, as many times as the cold "
              "builds (the median, and each run: the article removed and the first corpus built again "
              "between runs, untimed). Nothing changed: the command once more, which finds every export up to "
              "date (`OUT/.kg-build.json`, kg/stamp.py) and writes nothing.", "",
              "| articles | formats | first build s | one article added s | same, Turtle only s (median) "
              "| Turtle only, each run s | nothing changed s | re-extracted | from cache |",
              "|---:|---|---:|---:|---:|---|---:|---:|---:|"]
    for size in sizes:
        r = incr_rows[size]
        each = ", ".join(f"{w:.2f}" for w in r["ttl_walls"])
        lines.append(f"| {size:,} | {r['formats']} | {r['cold']:.2f} | {r['plus_one']:.2f} | {r['ttl_only']:.2f} | "
                     f"{each} | {r['unchanged']:.2f} | {r['extracted']} | {r['cached']} |")
    lines += ["", "## Per stage (seconds, in one process)", "",
              f"The one-core stages are timed on the first {SAMPLE_ONE_CORE:,} articles and scaled to the corpus; "
              "the others run on all of it. `kg build` overlaps the view formats with the RDF ones "
              "(a second process), so its wall time is less than the sum.", ""]
    names = list(stage_rows[sizes[0]]["times"])
    lines.append("| stage | " + " | ".join(f"{s:,} articles" for s in sizes) + " |")
    lines.append("|---|" + "---:|" * len(sizes))
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{stage_rows[s]['times'][name]:.3f}" if name in stage_rows[s]['times'] else "–" for s in sizes) + " |")
    lines.append("| *triples in the graph* | " + " | ".join(f"{stage_rows[s]['triples']:,}" for s in sizes) + " |")
    lines.append("| *mentions found (scaled)* | " + " | ".join(f"{stage_rows[s]['mentions']:,}" for s in sizes) + " |")
    big = min(sizes, key=lambda n: abs(n - 1000))
    st = stage_rows[big]
    ingest_extract = st["times"]["ingest (1 core)"] + st["times"]["extract (1 core)"]
    project_rate = st["articles"] / ingest_extract
    extract_rate = st["articles"] / st["times"]["extract (1 core)"]
    lines += ["", "## Against the references", "",
              f"On the {big:,}-article corpus (regex ceiling over all {ceiling_n:,} articles; `search_dates` "
              f"on the first {args.sample}).", "",
              "| what | articles/s on one core | project as a ratio |", "|---|---:|---:|",
              f"| plain-regex ceiling (read + C YAML + unescape + 12 regexes) | {ceiling_rate:,.0f} | "
              f"{project_rate / ceiling_rate:.2f}× |",
              f"| `dateparser.search.search_dates(body, languages=['ko'])` | {1 / sd:,.1f} ({sd * 1000:.0f} ms each) | "
              f"{project_rate * sd:,.0f}× |",
              f"| **project: read + parse + every extractor** | **{project_rate:,.0f}** | 1 |",
              f"| project: extractors alone | {extract_rate:,.0f} | |",
              "", f"Target: ≥ 300 articles/s per core for extraction alone: "
              f"{'met' if extract_rate >= 300 else 'NOT met'} ({extract_rate:,.0f}/s)."]
    if 1000 in rows and 10000 in rows:
        a, b = rows[1000], rows[10000]
        lines += ["", "## Scaling 1,000 → 10,000 articles (×10 input)", "",
                  "| | 1,000 | 10,000 | ratio |", "|---|---:|---:|---:|",
                  f"| wall s | {a['wall']:.2f} | {b['wall']:.2f} | {b['wall'] / a['wall']:.1f}× |",
                  f"| peak memory, tree PSS MB | {a['pss_mb']:,.0f} | {b['pss_mb']:,.0f} | {b['pss_mb'] / a['pss_mb']:.1f}× |",
                  f"| peak memory, tree RSS MB | {a['tree_mb']:,.0f} | {b['tree_mb']:,.0f} | {b['tree_mb'] / a['tree_mb']:.1f}× |"]
        for name in names:
            if name in stage_rows[10000]["times"]:
                x, y = stage_rows[1000]["times"][name], stage_rows[10000]["times"][name]
                lines.append(f"| {name} s | {x:.2f} | {y:.2f} | {y / x:.1f}× |")
        if a["formats"] != b["formats"]:
            lines.append(f"\n(1,000 built every format; 10,000 built `{b['formats']}`: the wall and memory ratios "
                         "compare different work.)")
        lines += ["", f"Targets at 10,000: ≤ 60 s wall ({'met' if b['wall'] <= 60 else 'NOT met'}, {b['wall']:.1f} s); "
                  f"≤ 2 GB peak ({'met' if b['pss_mb'] <= 2048 else 'NOT met'}, tree PSS {b['pss_mb']:,.0f} MB, "
                  f"RSS {b['tree_mb']:,.0f} MB); "
                  f"incremental ≤ 5 s: every format {'met' if incr_rows[10000]['plus_one'] <= 5 else 'NOT met'} "
                  f"({incr_rows[10000]['plus_one']:.1f} s), Turtle only "
                  f"{'met' if incr_rows[10000]['ttl_only'] <= 5 else 'NOT met'} "
                  f"({incr_rows[10000]['ttl_only']:.1f} s, median of {len(incr_rows[10000]['ttl_walls'])})."]
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
