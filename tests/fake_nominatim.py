"""A fake Nominatim server on 127.0.0.1 for the online geocoder's tests.

Input: scripted ``Reply`` objects per query.  Output: real HTTP answers on a
free port, and a record of every request (query, parameters, headers).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted answer: HTTP status, JSON body, and a delay before it."""

    status: int = 200
    body: Any = field(default_factory=list)
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    """What the server saw: the ``q`` parameter, all parameters, the headers."""

    query: str
    params: dict[str, str]
    headers: dict[str, str]


def record(lat: str, lon: str, display_name: str, **extra: Any) -> dict[str, Any]:
    """A Nominatim ``format=json`` search record; lat and lon are strings, as Nominatim sends them."""
    return {"lat": lat, "lon": lon, "display_name": display_name, **extra}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path != "/search":
            self._send(Reply(status=404, body={"error": "not found"}))
            return
        query = params.get("q", "")
        self.server.fake.requests.append(Request(query, params, dict(self.headers.items())))
        self._send(self.server.fake.next_reply(query))

    def _send(self, reply: Reply) -> None:
        if reply.delay:
            self.server.fake.released.wait(reply.delay)
        payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test): nothing to answer

    def log_message(self, *args: Any) -> None:
        """Keep test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeNominatim


class FakeNominatim:
    """A ``/search`` endpoint answering from ``replies``; use as a context manager.

    ``replies[query]`` is a list served in turn, its last reply repeating;
    unknown queries get ``[]`` (no result).
    """

    def __init__(self) -> None:
        self.replies: dict[str, list[Reply]] = {}
        self.requests: list[Request] = []
        self.released = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        # A short poll interval keeps shutdown (and so each test) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._served: dict[str, int] = {}

    @property
    def domain(self) -> str:
        """``127.0.0.1:PORT``, for ``Nominatim(domain=..., scheme="http")``."""
        return f"127.0.0.1:{self._server.server_address[1]}"

    def next_reply(self, query: str) -> Reply:
        """The reply due for ``query`` now."""
        script = self.replies.get(query, [Reply()])
        turn = self._served.get(query, 0)
        self._served[query] = turn + 1
        return script[min(turn, len(script) - 1)]

    def count(self, query: str) -> int:
        """How many requests asked for ``query``."""
        return sum(1 for r in self.requests if r.query == query)

    def __enter__(self) -> FakeNominatim:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()  # wake slow replies so their threads end
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
