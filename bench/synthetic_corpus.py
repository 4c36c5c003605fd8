"""A synthetic news corpus of any size, recombined from the LGL development texts.

Input: ../shared/corpus/lgl-dev.jsonl (287 local-news articles, read at run
time).  Output: ``count`` article files in a folder outside the repository,
for scale benchmarks (``bench/scale.py``): about three in four are ``.txt``
(title on the first line, then paragraphs), the others ``.md`` with front
matter (``id``, ``title``, ``date`` spread over 2009).

Each article is a seeded random recombination: its length is that of a
random LGL article, its paragraphs are runs of 2–5 consecutive sentences
taken from different LGL articles, and its title is the title of the
article its first paragraph comes from.  The texts are therefore realistic
news prose with realistic place mentions, and all distinct: a text whose
content hash (as the store computes it) was already written is drawn again.
The same ``--seed`` and corpus give the same files.

The folder gets a hidden manifest (``.synthetic-corpus.json``); a folder that
has files but no manifest is refused, so nothing else is ever overwritten.
Article texts belong to their publishers: the output folder must lie outside
the project (default ``/tmp/news-atlas-<count>``).

    python bench/synthetic_corpus.py [--count N] [--out DIR] [--seed N] [--md-share F]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_DIR.parent / "shared" / "corpus" / "lgl-dev.jsonl"
DEFAULT_COUNT = 10_000
DEFAULT_SEED = 2009
DEFAULT_MD_SHARE = 0.25
MANIFEST = ".synthetic-corpus.json"
GENERATOR_VERSION = 2  # bump when the output for a given seed changes
MIN_WORDS = 60
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")
# A split after these is an abbreviation, not a sentence end ("Gov. Strickland", "J. Crew").
_ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr St Mt Ft Gov Sen Rep Lt Gen Col Capt Sgt Jr Sr Inc Co Corp Ave Blvd Rd No Jan Feb Mar Apr Aug "
    "Sept Sep Oct Nov Dec U.S U.N Gen Rev Prof vs".split()
)


@dataclass(frozen=True, slots=True)
class Source:
    """One LGL article cut into sentences, without its title sentence."""

    title: str
    sentences: tuple[str, ...]


def default_out(count: int) -> Path:
    """Where a corpus of ``count`` articles goes when no folder is given."""
    return Path("/tmp") / f"news-atlas-{count // 1000}k" if count % 1000 == 0 else Path("/tmp") / f"news-atlas-{count}"


def split_sentences(text: str) -> list[str]:
    """Cut prose into sentences at ``.``, ``!`` or ``?`` before a capital, keeping abbreviations whole."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        words = text[start : match.start()].split()
        last_word = words[-1].rstrip(".!?") if words else ""
        if last_word in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", last_word):
            continue  # keep reading: the sentence goes on after the abbreviation
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def load_sources(corpus: Path) -> list[Source]:
    """The LGL articles with at least two sentences after their title."""
    sources = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text, title = record["text"], " ".join(record["title"].split())
            body = text[len(record["title"]) :].lstrip(". ") if text.startswith(record["title"]) else text
            sentences = tuple(split_sentences(body))
            if len(sentences) >= 2:
                sources.append(Source(title, sentences))
    return sources


def content_hash(text: str) -> str:
    """The store's article identity (``geo.store.content_hash``): whitespace-folded SHA-256."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def compose(rng: random.Random, sources: list[Source], lengths: list[int]) -> tuple[str, list[str]]:
    """One synthetic article: a title and paragraphs from different sources, about one LGL article long."""
    target = max(MIN_WORDS, rng.choice(lengths))
    picked = rng.sample(range(len(sources)), k=min(12, len(sources)))
    paragraphs: list[str] = []
    words = 0
    for index in picked:
        sentences = sources[index].sentences
        size = min(len(sentences), rng.randint(2, 5))
        first = rng.randrange(len(sentences) - size + 1)
        paragraph = " ".join(sentences[first : first + size])
        paragraphs.append(paragraph)
        words += len(paragraph.split())
        if words >= target:
            break
    return sources[picked[0]].title, paragraphs


def render_file(number: int, title: str, paragraphs: list[str], *, markdown: bool, date: dt.date) -> tuple[str, str]:
    """The file name and content of article ``number``: ``.md`` with front matter or ``.txt``."""
    body = "\n\n".join(paragraphs) + "\n"
    stem = f"synthetic-{number:05d}"
    if not markdown:
        return f"{stem}.txt", f"{title}\n\n{body}"
    # A JSON string is a valid YAML double-quoted scalar, so any title survives.
    front = f"---\nid: {stem}\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date.isoformat()}\n---\n\n"
    return f"{stem}.md", front + body


def prepare_folder(out: Path) -> None:
    """Create ``out`` or empty a previous synthetic corpus there; refuse any other folder with files."""
    resolved = out.resolve()
    if resolved == PROJECT_DIR or PROJECT_DIR in resolved.parents:
        raise SystemExit(f"synthetic_corpus: {out} is inside the project; corpus texts must stay out of it.")
    if out.exists() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise SystemExit(f"synthetic_corpus: {out} has files but no {MANIFEST}; give an empty or new folder.")
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("synthetic-*.txt"), *out.glob("synthetic-*.md"), out / MANIFEST]:
        old.unlink(missing_ok=True)


def manifest_for(count: int, seed: int, md_share: float, corpus: Path) -> dict[str, object]:
    """What identifies a generated corpus: parameters, generator version and source file digest."""
    digest = hashlib.sha256(corpus.read_bytes()).hexdigest()
    return {
        "count": count,
        "seed": seed,
        "md_share": md_share,
        "version": GENERATOR_VERSION,
        "corpus_sha256": digest,
    }


def is_current(out: Path, manifest: dict[str, object]) -> bool:
    """True when ``out`` already holds the corpus ``manifest`` describes."""
    path = out / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8")) == manifest
    except (OSError, ValueError):
        return False


def generate(out: Path, *, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED, md_share: float = DEFAULT_MD_SHARE,
             corpus: Path = DEFAULT_CORPUS) -> dict[str, object]:  # fmt: skip
    """Write ``count`` distinct synthetic articles into ``out`` and return the manifest written.

    Raises
    ------
    SystemExit
        When ``out`` is inside the project or holds files that are not a synthetic corpus.
    """
    sources = load_sources(corpus)
    lengths = [sum(len(s.split()) for s in source.sentences) for source in sources]
    manifest = manifest_for(count, seed, md_share, corpus)
    prepare_folder(out)
    rng = random.Random(seed)
    seen: set[str] = set()
    for number in range(count):
        title, paragraphs = compose(rng, sources, lengths)
        while content_hash("\n".join(paragraphs)) in seen:
            title, paragraphs = compose(rng, sources, lengths)
        seen.add(content_hash("\n".join(paragraphs)))
        date = dt.date(2009, 1, 1) + dt.timedelta(days=number * 365 // max(count, 1))
        name, content = render_file(number, title, paragraphs, markdown=rng.random() < md_share, date=date)
        (out / name).write_text(content, encoding="utf-8")
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def ensure(out: Path, count: int, seed: int = DEFAULT_SEED) -> Path:
    """The corpus of ``count`` articles in ``out``, generated unless already there (as its manifest says)."""
    if not is_current(out, manifest_for(count, seed, DEFAULT_MD_SHARE, DEFAULT_CORPUS)):
        sys.stderr.write(f"synthetic_corpus: generating {count:,} articles in {out}\n")
        generate(out, count=count, seed=seed)
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and generate the corpus."""
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--count", type=int, default=DEFAULT_COUNT, help="articles to write (default 10,000)")
    arguments.add_argument("--out", type=Path, help="output folder, outside the project (default /tmp/news-atlas-…)")
    arguments.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    arguments.add_argument("--md-share", type=float, default=DEFAULT_MD_SHARE, help="share of .md files (default 0.25)")
    arguments.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="LGL-format JSON lines file")
    options = arguments.parse_args(argv)
    if options.count < 1 or not 0 <= options.md_share <= 1:
        arguments.error("--count must be at least 1 and --md-share between 0 and 1")
    if not options.corpus.is_file():
        sys.stderr.write(f"synthetic_corpus: corpus not found at {options.corpus}; pass --corpus.\n")
        return 2
    out = options.out or default_out(options.count)
    generate(out, count=options.count, seed=options.seed, md_share=options.md_share, corpus=options.corpus)
    sys.stdout.write(f"{options.count} articles written to {out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
