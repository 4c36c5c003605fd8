"""Hostile inputs at full size: the seconds and peak memory of each, through the real entry points.

Every case of issue 8 that can be slow or big runs in a fresh interpreter, started here:

- ``extract`` and ``ingest``: ``python -m geo extract FILE`` / ``python -m geo ingest FILE`` (a new store);
- ``upload``, ``paste`` and ``url``: the app's "Add articles" path without Streamlit, as ``app.py`` calls
  it: ``geo.readers.read_bytes`` / ``read_pasted`` / ``fetch_url``, then ``geo.ingest.ingest_articles``
  into a new store (geoparsed with the real gazetteer);

and reports its wall seconds, its peak memory (``ru_maxrss`` of that child and its own children, from
``os.wait4``) and whether it ended as it should: read and stored, or refused with the expected message
and exit status 2.  Inputs go up to the size limit (``--max-bytes``, 5,000,000 by default, the
``NEWS_ATLAS_MAX_ARTICLE_BYTES`` default): a run of capitalised words, one 5 MB line, the same name
200,000 times, distinct place names, runs that certain rules read specially, deep HTML and YAML, the
billion laughs, ``/dev/zero``, a 50 MB file, random bytes and a server that sends a byte every 0.25 s.

Targets: nothing under the size limit may take more than 10 s or 500 MB on this machine (a slow server:
the fetch deadline and one second).  The geoparsing cases also run at 1/8, 1/4 and 1/2 of the size, to
show how time grows (with ``NEWS_ATLAS_MAX_PLACES`` out of the way, so that the geoparser reads every text
whole): about ×2 per doubling is linear, ×4 quadratic.  A child is stopped at ``--cap``
seconds (60 by default; the rest of its ladder is skipped) and may not map more than ``--memory-cap``
GB, so a regression cannot take the machine down; either shows as MISSED.

Prints a Markdown section; ``--write PATH`` also puts it between ``<!-- hostile:start -->`` and
``<!-- hostile:end -->`` in PATH.  Nothing is downloaded; the slow server listens on 127.0.0.1.

    python bench/hostile.py [--max-bytes N] [--cap SECONDS] [--only NAME ...] [--write PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from speed import machine_facts, write_block  # noqa: E402

from geo.config import PROJECT_DIR, Settings  # noqa: E402
from geo.gazetteer.build import ensure_gazetteer  # noqa: E402

TARGET_SECONDS = 10.0
LIST_REFUSAL = "places: a list, not an article"  # TooManyPlacesError's message
UNLIMITED_PLACES = {"NEWS_ATLAS_MAX_PLACES": "1000000000"}  # the ladder measures the geoparser itself
TARGET_MB = 500.0
LADDER = (8, 4, 2, 1)  # the geoparsing cases run at max_bytes / each
DRIP_EVERY = 0.25  # the slow server's pause between two bytes

# On Linux a child's ru_maxrss starts at its parent's peak RSS (it survives fork and exec), and this process
# is large: each case is started by this small interpreter, which caps the case's address space (so that a
# regression cannot exhaust the machine), waits for it and prints its exit status and peak memory.
TRAMPOLINE = """
import json, resource, subprocess, sys
limit = int(sys.argv[1])
confine = lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
done = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, preexec_fn=confine)
print(json.dumps({"status": done.returncode, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""
# The app's "Add articles" path (app.add_form -> add_articles), without Streamlit.
ADD_ARTICLE = """
import sys
from pathlib import Path
from geo.config import Settings
from geo.ingest import ingest_articles
from geo.pipeline import Geoparser
from geo.readers import fetch_url, read_bytes, read_pasted
from geo.store import Store

way, source = sys.argv[1:3]
settings = Settings.load()
limit = settings.max_article_bytes
if way == "upload":
    data = Path(source).read_bytes()
    read = lambda: read_bytes(Path(source).name, data, max_bytes=limit)
elif way == "paste":
    text = Path(source).read_text(encoding="utf-8")
    read = lambda: read_pasted("Pasted article", text, max_bytes=limit)
else:
    read = lambda: fetch_url(source, timeout=settings.fetch_timeout, max_bytes=limit,
                             user_agent=settings.user_agent, allow_private=settings.fetch_private)
with Store(settings.store_path) as store:
    report = ingest_articles([(source, read)], store, Geoparser.from_settings(settings))
for outcome in report.outcomes:
    print(outcome.status, outcome.reason, file=sys.stderr)
sys.exit(0 if report.ok else 2)
"""


@dataclasses.dataclass(frozen=True)
class Case:
    """A hostile input: how it comes in, how it is made at a size, and how it must end."""

    name: str
    way: str  # extract, ingest, upload, paste, url
    make: Callable[[Path, int], str]  # (folder, size in bytes) -> the path (or URL) to give
    says: str = ""  # refused: the message holds this; "" when the input must be read
    ladder: bool = False  # geoparsing: also run at smaller sizes, without the max_places limit
    list_ok: bool = False  # geoparsing: refused as a list (over NEWS_ATLAS_MAX_PLACES names) is a good ending too
    seconds: float = TARGET_SECONDS
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    size_note: str = ""  # how big the input is, when it is not the size asked


@dataclasses.dataclass
class Run:
    case: Case
    size: int
    seconds: float
    peak_mb: float
    status: int | None  # None: stopped at the cap
    ended_as_expected: bool
    note: str

    @property
    def met(self) -> bool:
        return self.ended_as_expected and self.seconds <= self.case.seconds and self.peak_mb <= TARGET_MB


# --- inputs ------------------------------------------------------------------------------------------------------


def repeated(unit: str, name: str, *, head: str = "", tail: str = "") -> Callable[[Path, int], str]:
    """``unit`` repeated up to the size, in a file named ``name``."""

    def make(folder: Path, size: int) -> str:
        room = size - len((head + tail).encode("utf-8"))
        path = folder / name
        path.write_text(head + unit * (room // len(unit.encode("utf-8"))) + tail, encoding="utf-8")
        return str(path)

    return make


def distinct_names(folder: Path, size: int) -> str:
    """A sentence for each distinct place name of the gazetteer, most populous first, up to the size."""
    settings = Settings.load()
    with contextlib.closing(sqlite3.connect(f"file:{settings.gazetteer_path}?mode=ro", uri=True)) as conn:
        rows = conn.execute("SELECT name FROM places GROUP BY name ORDER BY MAX(population) DESC")
        names = [name for (name,) in rows]
    parts, total = [], 0
    for name in names:
        sentence = f"Refugees arrived in {name}. "
        total += len(sentence.encode("utf-8"))
        if total > size:
            break
        parts.append(sentence)
    path = folder / "distinct.txt"
    path.write_text("".join(parts), encoding="utf-8")
    return str(path)


def nested_html(folder: Path, size: int) -> str:
    text = "<p>Riot police cleared the migrant camps in Calais, France.</p>"
    depth = (size - len(text) - 40) // len("<div></div>")
    path = folder / "deep.html"
    path.write_text("<html><body>" + "<div>" * depth + text + "</div>" * depth + "</body></html>", encoding="utf-8")
    return str(path)


def deep_yaml(folder: Path, size: int) -> str:
    depth = 32_000  # as deep as front matter may be long (65,536 characters)
    path = folder / "deep.md"
    path.write_text("---\ntitle: " + "[" * depth + "]" * depth + "\n---\n\nRiots in Calais.\n", encoding="utf-8")
    return str(path)


def huge_front_matter(folder: Path, size: int) -> str:
    path = folder / "front.md"
    path.write_text("---\ntitle: " + "x" * (size - 40) + "\n---\n\nRiots in Calais.\n", encoding="utf-8")
    return str(path)


def billion_laughs(folder: Path, size: int) -> str:
    return str(PROJECT_DIR / "tests" / "data" / "billion-laughs.md")


def fifty_mb(folder: Path, size: int) -> str:
    """50 MB of real text on disk (not a sparse file)."""
    path = folder / "fifty.txt"
    with path.open("w", encoding="utf-8") as file:
        for _ in range(50):
            file.write("Riot police in Calais. " * (1_000_000 // 23) + "x" * (1_000_000 % 23))
    return str(path)


def random_bytes(folder: Path, size: int) -> str:
    path = folder / "noise.txt"
    path.write_bytes(random.Random(8).randbytes(size))
    return str(path)


def fifo(folder: Path, size: int) -> str:
    os.mkfifo(folder / "pipe.txt")
    return str(folder / "pipe.txt")


def article_page(folder: Path, size: int) -> str:
    """An HTML page of ordinary paragraphs up to the size (trafilatura's work grows with it)."""
    paragraph = "<p>Police moved the refugees from Calais to Lille, and some went on to Paris and Brussels.</p>\n"
    head, tail = "<!DOCTYPE html><html><head><title>Calais</title></head><body><article>", "</article></body></html>"
    return repeated(paragraph, "page.html", head=head, tail=tail)(folder, size)


def slow_server(path: str) -> Callable[[Path, int], str]:
    return lambda folder, size: f"{_DRIP_SERVER.url}{path}"


def geoparsing(name: str, way: str, make: Callable[[Path, int], str], *, ladder: bool = True) -> Case:
    """A text to geoparse: read, or refused as a list of places; the ladder shows how its time grows."""
    return Case(name, way, make, ladder=ladder, list_ok=True)


CAPS = "Paris Texas France "
PROSE = "Police moved refugees from Calais to Lille. "

CASES = [
    Case(
        "baseline: one sentence",
        "extract",
        lambda folder, size: repeated(PROSE, "one.txt")(folder, len(PROSE)),
        size_note=f"{len(PROSE)} bytes",
    ),
    # Geoparsing: read, or refused as a list of places (NEWS_ATLAS_MAX_PLACES), in bounded time and memory.
    geoparsing("capitalised run 'Paris Texas France ' (extract)", "extract", repeated(CAPS, "caps.txt")),
    geoparsing("capitalised run (ingest)", "ingest", repeated(CAPS, "caps.txt")),
    geoparsing("capitalised run (upload)", "upload", repeated(CAPS, "caps.txt"), ladder=False),
    geoparsing("capitalised run (paste)", "paste", repeated(CAPS, "caps.txt"), ladder=False),
    geoparsing("one line of prose, no line break", "extract", repeated(PROSE, "line.txt")),
    geoparsing("the same name as one run ('Calais ')", "extract", repeated("Calais ", "same.txt")),
    geoparsing(
        "the same name, a sentence each ('They camped in Calais. ')",
        "extract",
        repeated("They camped in Calais. ", "same.txt"),
    ),
    geoparsing("distinct place names, a sentence each", "extract", distinct_names),
    geoparsing("names joined by 'and' ('Paris and ')", "extract", repeated("Paris and ", "and.txt")),
    geoparsing("a name, then 'of ' to the end", "extract", repeated("of ", "of.txt", head="Refugees in Paris ")),
    geoparsing("abbreviations that end no sentence ('Mr. Smith ')", "extract", repeated("Mr. Smith ", "mr.txt")),
    geoparsing("one hyphenated token ('Calais-')", "extract", repeated("Calais-", "token.txt")),
    geoparsing("one hyphenated token, lower case ('calais-')", "extract", repeated("calais-", "token.txt")),
    geoparsing("an HTML page of paragraphs", "extract", article_page),
    # Readers: refused at once, or read in bounded time and memory.
    Case("HTML nested to the size limit", "extract", nested_html),
    Case("YAML nested 32,000 deep", "extract", deep_yaml, says="nest more than", size_note="64 KB"),
    Case("front matter to the size limit", "extract", huge_front_matter, says="front matter of"),
    Case("billion laughs (464 bytes)", "extract", billion_laughs, says="anchor", size_note="464 bytes"),
    Case("billion laughs (upload)", "upload", billion_laughs, says="anchor", size_note="464 bytes"),
    Case("/dev/zero", "extract", lambda folder, size: "/dev/zero", says="character device", size_note="endless"),
    Case(
        "/dev/zero (ingest)", "ingest", lambda folder, size: "/dev/zero", says="character device", size_note="endless"
    ),
    Case("a named pipe with no writer", "extract", fifo, says="named pipe", size_note="no data"),
    Case("a 50 MB file", "extract", fifty_mb, says="too large", size_note="50 MB"),
    Case("a 50 MB file (ingest)", "ingest", fifty_mb, says="too large", size_note="50 MB"),
    Case("random bytes", "extract", random_bytes, says="binary"),
    Case("random bytes (upload)", "upload", random_bytes, says="binary"),
    # A server that sends a byte every 0.25 s: cut at the fetch deadline.
    Case(
        "slow server, NEWS_ATLAS_FETCH_TIMEOUT=3",
        "url",
        slow_server("/drip"),
        says="timed out after 3 s",
        seconds=4.0,
        env={"NEWS_ATLAS_FETCH_TIMEOUT": "3"},
        size_note="1 byte / 0.25 s",
    ),
    Case(
        "slow server, default deadline (10 s)",
        "url",
        slow_server("/drip"),
        says="timed out after 10 s",
        seconds=11.0,
        size_note="1 byte / 0.25 s",
    ),
]


# --- the slow server -----------------------------------------------------------------------------------------------


class _DripServer:
    """Answers every request with headers, then one byte every DRIP_EVERY seconds for up to ten minutes."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2400\r\n\r\n")
                for _ in range(2400):
                    if self.stop.wait(DRIP_EVERY):
                        return
                    conn.sendall(b"x")
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


_DRIP_SERVER: _DripServer


# --- running a case ------------------------------------------------------------------------------------------------


def run_case(
    case: Case, size: int, folder: Path, *, cap: float, memory_cap_gb: float, max_bytes: int, env: dict[str, str]
) -> Run:
    """One fresh interpreter on the case's input at ``size``; stopped (with its process group) at ``cap``."""
    given = case.make(folder, size)
    actual = os.path.getsize(given) if os.path.isfile(given) else 0
    store = folder / "atlas.sqlite3"
    commands = {
        "extract": [sys.executable, "-m", "geo", "extract", given],
        "ingest": [sys.executable, "-m", "geo", "--store", str(store), "ingest", given],
    }
    command = commands.get(case.way, [sys.executable, "-c", ADD_ARTICLE, case.way, given])
    env = {
        **os.environ,
        "NEWS_ATLAS_STORE_PATH": str(store),
        "NEWS_ATLAS_MAX_ARTICLE_BYTES": str(max_bytes),
        "PYTHONPATH": str(PROJECT_DIR),
        **case.env,
        **env,
    }
    limit = str(int(memory_cap_gb * 2**30))
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        trampoline = subprocess.Popen(
            [sys.executable, "-c", TRAMPOLINE, limit, *command],
            cwd=PROJECT_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out_file,
            stderr=err_file,
            start_new_session=True,
        )
        try:
            trampoline.wait(cap)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(trampoline.pid, signal.SIGKILL)  # its own session: the trampoline and the child only
            trampoline.wait()
        seconds = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        ended = out_file.read().decode("utf-8", "replace").strip()
        stderr = err_file.read().decode("utf-8", "replace")
    for leftover in folder.iterdir():  # the input, the store and its -wal, a pipe
        if not leftover.is_dir():
            leftover.unlink()
    if not ended:
        return Run(case, actual or size, seconds, float("nan"), None, False, f"stopped at the {cap:g} s cap")
    facts = json.loads(ended.splitlines()[-1])
    status, peak_mb = facts["status"], facts["maxrss_kb"] / 1024
    stderr = stderr.replace(str(folder), "$TMP")
    if case.says and status == 2 and case.says in stderr:
        expected, note = True, _first_line(stderr, case.says)
    elif case.list_ok and status == 2 and LIST_REFUSAL in stderr:
        expected, note = True, "refused as a list: " + _first_line(stderr, LIST_REFUSAL)
    elif not case.says and status == 0:
        expected, note = True, "read"
    else:
        expected, note = False, f"exit {status}: {_last_line(stderr)}"
    return Run(case, actual or size, seconds, peak_mb, status, expected, note)


def _first_line(text: str, containing: str) -> str:
    line = next((line for line in text.splitlines() if containing in line), "")
    return _short(line.removeprefix("news-atlas: error: ").removeprefix("failed "))


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return _short(lines[-1]) if lines else "no message"


def _short(text: str, limit: int = 110) -> str:
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclasses.dataclass
class Result:
    """A case at the size limit with the default settings, and its ladder (geoparsing cases)."""

    run: Run
    ladder: list[Run]


def run_all(cases: list[Case], *, max_bytes: int, cap: float, memory_cap_gb: float) -> list[Result]:
    """Each case once at the size limit; a geoparsing case then at each size of the ladder, without max_places."""
    results = []
    with tempfile.TemporaryDirectory(prefix="news-atlas-hostile-") as tmp:
        folder = Path(tmp)

        def run(case: Case, size: int, env: dict[str, str], label: str) -> Run:
            done = run_case(case, size, folder, cap=cap, memory_cap_gb=memory_cap_gb, max_bytes=max_bytes, env=env)
            print(
                f"  {case.name}{label} [{done.size:,} bytes]: {done.seconds:.1f} s, {_mb(done)} MB, {done.note}",
                file=sys.stderr,
                flush=True,
            )
            return done

        for case in cases:
            result = Result(run(case, max_bytes, {}, ""), [])
            for divisor in LADDER if case.ladder else ():
                result.ladder.append(run(case, max_bytes // divisor, UNLIMITED_PLACES, " (no max_places)"))
                if result.ladder[-1].status is None:
                    break
            results.append(result)
    return results


# --- the report ----------------------------------------------------------------------------------------------------


def report(results: list[Result], *, max_bytes: int, cap: float, memory_cap_gb: float, code: str) -> str:
    lines = [
        "## Hostile inputs",
        "",
        "Each case of issue 8 that can be slow or big, at up to the size limit "
        f"({max_bytes:,} bytes), each in a fresh interpreter through the real entry point: `python -m geo "
        "extract` or `ingest`, or the app's *Add articles* path without Streamlit (`read_bytes` / "
        "`read_pasted` / `fetch_url`, then `ingest_articles` into a new store), with the default settings. "
        "Seconds are wall time; peak memory is the child's `ru_maxrss`. Target: at most "
        f"{TARGET_SECONDS:g} s and {TARGET_MB:g} MB (a slow server: the fetch deadline and 1 s), and the "
        "expected ending: read, or refused with the message shown and exit status 2 (a text naming more "
        "places than `NEWS_ATLAS_MAX_PLACES` is refused as a list).",
        "",
        "| case | way | size | seconds | peak MB | ending | target |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for result in results:
        run = result.run
        size = run.case.size_note or f"{run.size / 1e6:.2f} MB"
        seconds = f"> {cap:g} (stopped)" if run.status is None else f"{run.seconds:.2f}"
        lines.append(
            f"| {run.case.name} | {run.case.way} | {size} | {seconds} | {_mb(run)} | {run.note} | "
            f"{'met' if run.met else '**MISSED**'} |"
        )
    laddered = [result.ladder for result in results if result.ladder]
    start_up = next((r.run.seconds for r in results if r.run.case.name.startswith("baseline")), 0.0)
    if laddered:
        lines += [
            "",
            "### How geoparsing time grows with the text",
            "",
            "The geoparsing cases again, with `NEWS_ATLAS_MAX_PLACES` out of the way so that every text is "
            "geoparsed whole, at 1/8, 1/4, 1/2 and all of the size limit: seconds (peak MB). The growth per "
            "doubling is that of the last two sizes, less the baseline's start-up: ×2 is linear, ×4 "
            "quadratic. A size that hit the cap ends its row.",
            "",
            "| case | " + " | ".join(f"{max_bytes // d / 1e6:.2f} MB" for d in LADDER) + " | × per doubling |",
            "|---|" + "---:|" * (len(LADDER) + 1),
        ]
        for runs in laddered:
            cells = [f"> {cap:g}" if run.status is None else f"{run.seconds:.2f} ({_mb(run)})" for run in runs]
            cells += ["—"] * (len(LADDER) - len(runs))
            finished = [run.seconds - start_up for run in runs if run.status is not None]
            growth = f"{finished[-1] / finished[-2]:.1f}" if len(finished) >= 2 and finished[-2] > 0.2 else "—"
            lines.append(f"| {runs[0].case.name} | " + " | ".join(cells) + f" | {growth} |")
    missed = [result.run for result in results if not result.run.met]
    lines += ["", f"{len(results) - len(missed)} of {len(results)} cases met the target."]
    if missed:
        lines.append("Missed: " + "; ".join(f"{run.case.name} ({_why(run, cap)})" for run in missed) + ".")
    lines += [
        "",
        *machine_facts(),
        f"- Code: {code}",
        f"- Each child stopped at {cap:g} s, its address space capped at {memory_cap_gb:g} GB; the baseline "
        "row is what starting Python, opening the gazetteer and geoparsing one sentence cost alone",
    ]
    return "\n".join(lines)


def code_version() -> str:
    """The commit measured, and the files of geo/ that differed from it (others may edit the checkout)."""
    git = ["git", "-C", str(PROJECT_DIR)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--", "geo"], capture_output=True, text=True).stdout
    files = [line[3:] for line in changed.splitlines()]
    return f"commit {commit or '?'}" + (f", with uncommitted changes to {', '.join(files)}" if files else "")


def _mb(run: Run) -> str:
    return "—" if run.status is None else f"{run.peak_mb:.0f}"


def _why(run: Run, cap: float) -> str:
    if run.status is None:
        return f"over {cap:g} s"
    reasons = []
    if not run.ended_as_expected:
        reasons.append(run.note)
    if run.seconds > run.case.seconds:
        reasons.append(f"{run.seconds:.1f} s")
    if run.peak_mb > TARGET_MB:
        reasons.append(f"{run.peak_mb:.0f} MB")
    return ", ".join(reasons)


@contextlib.contextmanager
def drip_server() -> Iterator[None]:
    global _DRIP_SERVER
    _DRIP_SERVER = _DripServer()
    try:
        yield
    finally:
        _DRIP_SERVER.close()


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument(
        "--max-bytes",
        type=int,
        default=Settings.load(environ={}).max_article_bytes,
        help="the size limit the inputs go up to (default: the setting's default)",
    )
    arguments.add_argument("--cap", type=float, default=60.0, help="stop a child after this many seconds")
    arguments.add_argument("--memory-cap", type=float, default=4.0, help="a child's address space, in GB")
    arguments.add_argument("--only", nargs="+", metavar="WORD", help="only the cases whose name holds a word")
    arguments.add_argument("--write", type=Path, help="also put the report between the hostile markers here")
    options = arguments.parse_args(argv)
    cases = [c for c in CASES if not options.only or any(w.lower() in c.name.lower() for w in options.only)]
    if not cases:
        arguments.error("no case matches --only")
    ensure_gazetteer(Settings.load())  # so that no child times a build
    before = code_version()
    with drip_server():
        results = run_all(cases, max_bytes=options.max_bytes, cap=options.cap, memory_cap_gb=options.memory_cap)
    after = code_version()
    code = before if before == after else f"{before} at the start; {after} at the end"
    text = report(results, max_bytes=options.max_bytes, cap=options.cap, memory_cap_gb=options.memory_cap, code=code)
    print(text)
    if options.write:
        write_block(options.write, text, "hostile")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
