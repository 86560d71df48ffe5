"""Generate a realistic corpus of crawled articles from the sample articles (seeds/).

Not copies: every article takes the paragraphs of one seed, mixes in sentences of
others, shuffles sentence order within paragraphs, swaps the companies (KT,
SK텔레콤, LG유플러스 and their aliases), re-rolls every number (keeping its
digit count and its counter), moves every ``N월 M일`` date to another valid
day, and gets a fresh id, url, publisher time and content hash.

    python benchmarks/generate.py OUT_DIR --count 10000 [--seed 7]

Deterministic: the same count and seed give byte-identical files.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Companies that appear in the seeds, each with the spellings the crawl uses; one is swapped for another.
COMPANIES = [
    ["KT", "케이티"],
    ["SK텔레콤", "SKT"],
    ["LG유플러스", "LG U+"],
]
PUBLISHERS = ["파이낸셜뉴스", "여울일보", "한빛경제", "누리신문", "바른IT뉴스", "동녘타임스", "가람일보"]
REPORTERS = ["김민수", "이서연", "박지훈", "최유진", "정민호", "장민권", "한지아", "오세훈"]

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?P<unit>월|일|시|분|개월|년)?")
# numbers with a calendar or clock unit keep a valid value
_UNIT_RANGE = {"월": (1, 12), "일": (1, 28), "시": (0, 23), "분": (0, 59), "개월": (1, 12), "년": (1, 5)}
_MONTH_DAY = re.compile(r"(\d{1,2})월 (\d{1,2})일")
_COMPANY = re.compile("(" + "|".join(re.escape(a) for names in COMPANIES for a in sorted(names, key=len, reverse=True))
                      + ")(은|는|이|가|을|를|과|와)?(?![가-힣])")
# particle pairs: (after a consonant, after a vowel)
_PARTICLES = {p: pair for pair in [("은", "는"), ("이", "가"), ("을", "를"), ("과", "와")] for p in pair}
_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def load_seeds(folder: Path = SEEDS) -> list[dict]:
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        fields = dict(line.split(":", 1) for line in front.splitlines() if re.match(r"^\w+:", line))
        title = fields["title"].strip().strip('"')
        parts = body.split("\n---\n")
        # body: headline, byline, rule, paragraphs..., rule, footer
        main = parts[1] if len(parts) >= 3 else body
        paragraphs = [p for p in main.strip().split("\n\n") if p.strip()]
        seeds.append({"title": title, "paragraphs": [_SENTENCE.split(p.strip()) for p in paragraphs]})
    if not seeds:
        raise SystemExit(f"no seed articles in {folder}")
    return seeds


def _ends_in_consonant(word: str) -> bool:
    last = word[-1]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    return last.upper() in "LMNR"  # Latin letters read aloud: 엘, 엠, 엔, 알


def _swap_companies(text: str, mapping: dict[str, str]) -> str:
    def repl(m: re.Match) -> str:
        name = mapping.get(m.group(1), m.group(1))
        particle = m.group(2) or ""
        if particle:
            particle = _PARTICLES[particle][0 if _ends_in_consonant(name) else 1]
        return name + particle
    return _COMPANY.sub(repl, text)


def _reroll_numbers(text: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        whole, frac, unit = m.group(1), m.group(2), m.group("unit")
        if unit and not frac:
            if unit == "년" and len(whole) == 4:
                return m.group(0)
            return f"{rng.randint(*_UNIT_RANGE[unit])}{unit}"
        # dates, years and ids keep their shape; other numbers are re-drawn with the same digit count
        digits = whole.replace(",", "")
        if len(digits) == 4 and digits.startswith("20"):
            return m.group(0)
        n = rng.randint(10 ** (len(digits) - 1) if len(digits) > 1 else 1, 10 ** len(digits) - 1)
        out = f"{n:,}" if "," in whole else str(n)
        if frac:
            out += "." + "".join(str(rng.randint(0, 9)) for _ in frac)
        return out + (unit or "")
    return _NUMBER.sub(repl, text)


def _move_dates(text: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        month = rng.randint(1, 12)
        return f"{month}월 {rng.randint(1, _DAYS[month - 1])}일"
    return _MONTH_DAY.sub(repl, text)


def _vary(sentence: str, mapping: dict[str, str], rng: random.Random) -> str:
    # dates first so that their numbers are valid days, then the other numbers (dates are protected)
    protected: list[str] = []

    def hold(m: re.Match) -> str:
        protected.append(m.group(0))
        return chr(0xE000 + len(protected) - 1)  # a private-use placeholder, no digits
    sentence = _move_dates(sentence, rng)
    sentence = _MONTH_DAY.sub(hold, sentence)
    sentence = _reroll_numbers(sentence, rng)
    sentence = re.sub("[\ue000-\uf8ff]", lambda m: protected[ord(m.group(0)) - 0xE000], sentence)
    return _swap_companies(sentence, mapping)


def make_article(n: int, seeds: list[dict], rng: random.Random) -> tuple[str, str]:
    """(file name, file text) of the n-th generated article."""
    seed = seeds[rng.randrange(len(seeds))]
    targets = [rng.choice(names) for names in COMPANIES]
    rng.shuffle(targets)
    mapping = {alias: targets[i] for i, names in enumerate(COMPANIES) for alias in names}
    paragraphs = []
    for sentences in seed["paragraphs"]:
        sentences = list(sentences)
        if len(sentences) > 2:  # keep the lead sentence, shuffle the rest, mix in one from another seed
            rest = sentences[1:]
            rng.shuffle(rest)
            other = rng.choice(rng.choice(seeds)["paragraphs"])
            rest.insert(rng.randrange(len(rest) + 1), rng.choice(other))
            sentences = sentences[:1] + rest[: max(2, len(rest) - rng.randint(0, 2))]
        paragraphs.append(" ".join(_vary(s, mapping, rng) for s in sentences))
    title = _vary(seed["title"], mapping, rng)
    when = datetime(2024, 1, 1) + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
    oid, aid = 100 + rng.randrange(900), f"{n:010d}"
    publisher, reporter = rng.choice(PUBLISHERS), rng.choice(REPORTERS)
    url = f"https://news.example.com/article/{oid}/{aid}"
    body = (f"\n# {title}\n\n**{publisher}** | {when:%Y-%m-%d %H:%M} | \n\n---\n\n"
            + "\n\n".join(paragraphs)
            + f"\n\n---\n\n*Crawled at: {when + timedelta(hours=3):%Y-%m-%d %H:%M:%S}*\n*Source: [원문 보기]({url})*\n")
    title_escaped = title.replace('"', "&quot;")
    body = body.replace("'", "&#x27;").replace('"', "&quot;")
    head = (f"---\nid: {oid}_{aid}\ntitle: \"{title_escaped}\"\ncategory: \npublisher: {publisher}\n"
            f"author: {reporter} 기자 (reporter{n % 97}@example.com)\npublished_at: {when:%Y-%m-%d %H:%M}\n"
            f"crawled_at: {when + timedelta(hours=3):%Y-%m-%d %H:%M:%S}\nurl: {url}\noid: {oid}\naid: {aid}\n")
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{n:06d}_{oid}.txt", head + f"content_hash: {digest}\n---\n" + body


def generate(out: Path, count: int, seed: int = 7, start: int = 0) -> list[Path]:
    """Write articles ``start .. start+count-1`` into ``out``; returns their paths."""
    seeds = load_seeds()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        rng = random.Random(f"{seed}:{n}")
        name, text = make_article(n, seeds, rng)
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=int, default=0, help="number of the first article (to add to a corpus)")
    args = parser.parse_args(argv)
    generate(args.out, args.count, args.seed, args.start)
    print(f"wrote {args.count} articles into {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
