"""Throughput and accuracy of the temporal tagger against dateparser, on the same sentences in one run.

    .venv/bin/python benchmarks/bench_temporal.py [--seeds ../shared/seeds] [--gold ../shared/eval/gold] [--repeat 20]

Throughput: sentences per second on one core, every sentence of every seed
article (kg.extract.temporal via its sentence engine; dateparser via
``dateparser.search.search_dates(sentence, languages=['ko'],
settings={'RELATIVE_BASE': published_at})``). Accuracy: the set of dates each
one finds per article, scored against the gold ``dates`` lists the way
``score.py`` does (required missed = FN; found and neither required nor
optional = FP). dateparser returns datetimes without granularity, so a value
is counted as a day unless the matched text names no day (then as a month or year).
Also reports the whole extraction pipeline (every extractor) in articles per second.
"""
from __future__ import annotations

import argparse
import re
import time
import warnings
from datetime import datetime
from pathlib import Path

import yaml

from kg.extract import extract_article
from kg.extract.temporal import paragraph_sentences, tag_sentences
from kg.ingest import iter_article_paths, read_article

ROOT = Path(__file__).resolve().parent.parent


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(found_by_article: dict, golds: dict):
    tp = fp = fn = 0
    for aid, gold in golds.items():
        req = {str(d) for d in (gold.get("dates") or {}).get("required") or []}
        opt = {str(d) for d in (gold.get("dates") or {}).get("optional") or []}
        found = found_by_article.get(aid, set())
        tp += len(found & req)
        fp += len(found - req - opt)
        fn += len(req - found)
    return prf(tp, fp, fn)


def ours(articles):
    found = {}
    for a in articles:
        ms = tag_sentences(a.body, paragraph_sentences(a), a.published_date)
        found[a.id] = {m.value for m in ms if m.kind == "date" and m.value}
    return found


_DAY = re.compile(r"\d\s*일|[.\-/]\s*\d{1,2}\b|[날일]$")
_MONTH = re.compile(r"월|달|\d\s*[.\-/]\s*\d")


def dateparser_dates(articles):
    from dateparser.search import search_dates
    found = {}
    for a in articles:
        base = a.published_at.replace(tzinfo=None)
        values = set()
        for s in a.sentences:
            hits = search_dates(s.text, languages=["ko"], settings={"RELATIVE_BASE": base}) or []
            for text, when in hits:
                if _DAY.search(text):
                    values.add(when.date().isoformat())
                elif _MONTH.search(text):
                    values.add(when.strftime("%Y-%m"))
                else:
                    values.add(when.strftime("%Y"))
        found[a.id] = values
    return found


def timed(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "eval" / "gold")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    articles = [read_article(p) for p in iter_article_paths([args.seeds])]
    golds = {str(g["id"]): g for g in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(args.gold.glob("*.yaml")))}
    n_sent = sum(len(a.sentences) for a in articles)

    ours(articles)  # load the resources once
    t_ours = timed(lambda: ours(articles), args.repeat)
    t_all = timed(lambda: [extract_article(a) for a in articles], args.repeat)
    dateparser_dates(articles[:1])  # load dateparser's language data once
    t_dp = timed(lambda: dateparser_dates(articles), max(1, args.repeat // 10))

    p1, r1, f1 = score(ours(articles), golds)
    p2, r2, f2 = score(dateparser_dates(articles), golds)
    import dateparser
    print(f"{len(articles)} articles, {n_sent} sentences; best of {args.repeat} runs (dateparser: {max(1, args.repeat // 10)})")
    print(f"{'tagger':<34}{'sentences/s':>12}{'P':>7}{'R':>7}{'F1':>7}")
    print(f"{'kg.extract.temporal':<34}{n_sent / t_ours:12.0f}{p1:7.3f}{r1:7.3f}{f1:7.3f}")
    print(f"{'dateparser ' + dateparser.__version__ + ' search_dates(ko)':<34}{n_sent / t_dp:12.0f}{p2:7.3f}{r2:7.3f}{f2:7.3f}")
    print(f"speed-up: {t_dp / t_ours:.0f}x")
    print(f"all extractors (kg.extract.extract_article): {len(articles) / t_all:.0f} articles/s")


if __name__ == "__main__":
    main()
