"""Tests for geo.fetch: one deadline for a whole download, and the addresses a fetch may reach.

Slow servers are real sockets on 127.0.0.1 in threads.  No test measures time: each slow server counts what
it managed to send before the client hung up, and would send far more (for up to 15 s) if the deadline did not
hold.  No test connects beyond this machine: the link-local addresses used are IPv6 ones without a zone, which
Linux refuses to connect to locally, so even a broken check could not send a packet out.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from geo.exc import IngestError
from geo.fetch import refusal
from geo.readers import fetch_url

LIMIT = 1_000_000
TIMEOUT = 1.5  # for the servers meant to time out
ANSWER_TIMEOUT = 10.0  # generous: a busy CI machine must not turn an answer into a timeout
DRIP_BYTES = 60  # at DRIP_EVERY seconds each: a drip lasts 15 s unless the client hangs up
DRIP_EVERY = 0.25


@dataclass
class Server:
    """What a test server saw: bytes sent before the client left, and requests served."""

    port: int
    sent: int = 0
    requests: int = 0
    client_left: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)


@contextmanager
def serve(handle: Callable[[socket.socket, Server], None], *, backlog: int = 8) -> Iterator[Server]:
    """A TCP server on a free port of 127.0.0.1 that runs ``handle`` for each connection, in threads."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(backlog)
    listener.settimeout(0.2)
    server = Server(listener.getsockname()[1])

    def accept() -> None:
        while not server.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=run, args=(conn,), daemon=True).start()

    def run(conn: socket.socket) -> None:
        with conn:
            try:
                handle(conn, server)
            except OSError:
                server.client_left.set()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        thread.join(timeout=5)
        listener.close()


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def drip(conn: socket.socket, server: Server, data: bytes) -> None:
    """Send ``data`` a byte at a time, DRIP_EVERY seconds apart, until the client leaves or the test ends."""
    for byte in data:
        if server.stop.wait(DRIP_EVERY):
            return
        conn.sendall(bytes([byte]))
        server.sent += 1
    server.stop.wait(DRIP_EVERY)


def dripping_body(conn: socket.socket, server: Server) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
    drip(conn, server, b"Calais " * (DRIP_BYTES // 7 + 1))


def dripping_chunked_body(conn: socket.socket, server: Server) -> None:
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
    drip(conn, server, b"1\r\nx\r\n" * (DRIP_BYTES // 6 + 1))


def dripping_headers(conn: socket.socket, server: Server) -> None:
    read_request(conn)
    drip(conn, server, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * DRIP_BYTES)


def silent(conn: socket.socket, server: Server) -> None:
    read_request(conn)
    server.stop.wait(DRIP_BYTES * DRIP_EVERY)


def dripping_tls(conn: socket.socket, server: Server) -> None:
    # A TLS record header promising 64 bytes of handshake, then its bytes one by one.
    read_request_bytes = conn.recv(4096)  # the client's hello
    assert read_request_bytes
    conn.sendall(b"\x16\x03\x03\x00\x40")
    drip(conn, server, b"\x02" * DRIP_BYTES)


def slow_redirects(conn: socket.socket, server: Server) -> None:
    # Each hop is quick on its own (0.5 s), but eight of them are longer than the deadline.
    read_request(conn)
    server.requests += 1
    if server.stop.wait(0.5):
        return
    conn.sendall(
        f"HTTP/1.1 302 Found\r\nLocation: /hop{server.requests}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        .encode()
    )  # fmt: skip


@pytest.mark.parametrize(
    ("handle", "scheme"),
    [
        (dripping_body, "http"),
        (dripping_chunked_body, "http"),
        (dripping_headers, "http"),
        (silent, "http"),
        (dripping_tls, "https"),
    ],
    ids=["body-byte-by-byte", "chunked-body-byte-by-byte", "headers-byte-by-byte", "no-answer", "tls-handshake-drip"],
)
def test_a_slow_server_is_cut_at_the_deadline(handle: Callable[[socket.socket, Server], None], scheme: str) -> None:
    with serve(handle) as server:
        with pytest.raises(IngestError) as excinfo:
            fetch_url(f"{scheme}://127.0.0.1:{server.port}/news", timeout=TIMEOUT, max_bytes=LIMIT)
        gave_up_early = server.sent < DRIP_BYTES
    message = str(excinfo.value)
    assert f"timed out after {TIMEOUT:g} s" in message and "NEWS_ATLAS_FETCH_TIMEOUT" in message, message
    assert gave_up_early, f"the client waited for all {server.sent} bytes"


def test_redirects_share_one_deadline() -> None:
    with serve(slow_redirects) as server:
        with pytest.raises(IngestError) as excinfo:
            fetch_url(f"http://127.0.0.1:{server.port}/start", timeout=TIMEOUT, max_bytes=LIMIT)
        hops = server.requests
    assert f"timed out after {TIMEOUT:g} s" in str(excinfo.value)
    assert hops < 8, hops


def test_a_full_accept_queue_is_cut_at_the_deadline() -> None:
    # A listener that never accepts: once its queue is full, Linux drops new connection attempts (connect hangs).
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        with pytest.raises(IngestError) as excinfo:
            fetch_url(f"http://127.0.0.1:{port}/news", timeout=TIMEOUT, max_bytes=LIMIT)
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert f"timed out after {TIMEOUT:g} s" in str(excinfo.value)


def test_a_quick_server_is_read_whole() -> None:
    def quick(conn: socket.socket, server: Server) -> None:
        read_request(conn)
        body = b"Notes from Dover\n\nFerries halted."
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    with serve(quick) as server:
        article = fetch_url(f"http://127.0.0.1:{server.port}/notes", timeout=ANSWER_TIMEOUT, max_bytes=LIMIT)
    assert article.text == "Notes from Dover\n\nFerries halted."


# --- addresses -----------------------------------------------------------------------------------------------------

ADDRESSES = [
    # (address, refused even on a laptop, refused on a shared server)
    ("169.254.169.254", "link-local", "link-local"),
    ("169.254.0.1", "link-local", "link-local"),
    ("fe80::1", "IPv6 link-local", "IPv6 link-local"),
    ("fe80::1%eth0", "IPv6 link-local", "IPv6 link-local"),
    ("fd00:ec2::254", "cloud metadata address (AWS)", "cloud metadata address (AWS)"),
    ("100.100.100.200", "cloud metadata address (Alibaba Cloud)", "cloud metadata address (Alibaba Cloud)"),
    ("::ffff:169.254.169.254", "link-local", "link-local"),
    ("64:ff9b::a9fe:a9fe", "link-local", "link-local"),
    ("127.0.0.1", "", "loopback address (127.0.0.1"),
    ("127.1.2.3", "", "loopback address"),
    ("::1", "", "loopback address (::1"),
    ("::ffff:127.0.0.1", "", "loopback address (127.0.0.1"),
    ("0.0.0.0", "", "unspecified address"),
    ("0.1.2.3", "", "unspecified address"),
    ("::", "", "unspecified address"),
    ("10.0.0.1", "", "private-network address (10.0.0.1)"),
    ("172.16.5.4", "", "private-network address"),
    ("192.168.1.1", "", "private-network address"),
    ("fc00::1", "", "private-network address"),
    ("::ffff:10.0.0.1", "", "private-network address (10.0.0.1)"),
    ("2002:a00:1::", "", "private-network address (10.0.0.1)"),
    ("64:ff9b::a00:1", "", "private-network address (10.0.0.1)"),
    ("100.64.0.1", "", "reserved or shared address"),
    ("224.0.0.1", "", "reserved or shared address"),
    ("93.184.216.34", "", ""),
    ("2606:4700:4700::1111", "", ""),
    ("::ffff:93.184.216.34", "", ""),
]


@pytest.mark.parametrize(
    ("address", "always", "shared"),
    ADDRESSES,
    ids=[
        "aws-gcp-azure-metadata",
        "link-local",
        "ipv6-link-local",
        "ipv6-link-local-zone",
        "aws-ipv6-metadata",
        "alibaba-metadata",
        "metadata-mapped-in-ipv6",
        "metadata-behind-nat64",
        "loopback",
        "loopback-range",
        "ipv6-loopback",
        "loopback-mapped-in-ipv6",
        "unspecified",
        "this-network",
        "ipv6-unspecified",
        "private-10",
        "private-172",
        "private-192",
        "ipv6-unique-local",
        "private-mapped-in-ipv6",
        "private-in-6to4",
        "private-behind-nat64",
        "carrier-grade-nat",
        "multicast",
        "public",
        "ipv6-public",
        "public-mapped-in-ipv6",
    ],
)
def test_refusal(address: str, always: str, shared: str) -> None:
    laptop = refusal(address, allow_private=True)
    server = refusal(address, allow_private=False)
    assert (always in laptop) if always else laptop == ""
    assert (shared in server) if shared else server == ""
    if always:
        assert laptop.endswith("which News Atlas never fetches")
    elif shared:
        assert server.endswith("(NEWS_ATLAS_FETCH_PRIVATE is off)")


def quick_page(conn: socket.socket, server: Server) -> None:
    read_request(conn)
    server.requests += 1
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\nPolice in Lens.\n")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "[::1]"], ids=str)
def test_a_shared_server_refuses_this_machine(host: str) -> None:
    with serve(quick_page) as server:
        url = f"http://{host}:{server.port}/news"
        with pytest.raises(IngestError) as excinfo:
            fetch_url(url, timeout=TIMEOUT, max_bytes=LIMIT, allow_private=False)
        assert server.requests == 0  # nothing was asked of the server
    message = str(excinfo.value)
    assert repr(url) in message and "\n" not in message
    assert "loopback address" in message and "NEWS_ATLAS_FETCH_PRIVATE is off" in message
    assert "Give a public web address" in message


def test_a_laptop_fetches_from_this_machine() -> None:
    with serve(quick_page) as server:
        article = fetch_url(f"http://localhost:{server.port}/news", timeout=ANSWER_TIMEOUT, max_bytes=LIMIT)
    assert article.text == "Police in Lens.\n"


@pytest.mark.parametrize(
    ("target", "allow_private", "redirected"),
    [
        ("http://[fe80::1]:{port}/", True, True),
        ("http://[fe80::a9fe:a9fe]/latest/meta-data/", True, True),
        ("http://[fe80::1]:{port}/", True, False),
        ("http://[fe80::a9fe:a9fe]/latest/meta-data/", False, False),
    ],
    ids=["redirect-to-link-local", "redirect-to-metadata-like", "link-local-url", "link-local-url-shared-server"],
)
def test_link_local_is_refused_also_after_a_redirect(target: str, allow_private: bool, redirected: bool) -> None:
    def redirect(conn: socket.socket, server: Server) -> None:
        read_request(conn)
        server.requests += 1
        location = target.format(port=server.port)
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode())

    with serve(redirect) as server:
        url = f"http://127.0.0.1:{server.port}/go" if redirected else target.format(port=server.port)
        with pytest.raises(IngestError) as excinfo:
            fetch_url(url, timeout=TIMEOUT, max_bytes=LIMIT, allow_private=allow_private)
        assert server.requests == (1 if redirected else 0)
    message = str(excinfo.value)
    assert repr(url) in message and "leads to 'fe80::" in message
    assert "an IPv6 link-local address, which News Atlas never fetches" in message


def test_proxy_variables_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy would connect on our behalf to addresses we cannot check.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("no_proxy", "")
    with serve(quick_page) as server:
        article = fetch_url(f"http://127.0.0.1:{server.port}/news", timeout=ANSWER_TIMEOUT, max_bytes=LIMIT)
    assert article.text == "Police in Lens.\n"
