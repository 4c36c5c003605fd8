"""Web fetches: an http(s) URL -> its bytes, within one deadline, from allowed addresses only.

Input: a URL, a deadline in seconds, a size limit and the address policy.
Output: a ``Download`` (the body, its media type and charset), or an
``IngestError`` whose one-line message names the page, says why and what to do.

- **One deadline for the whole download**: DNS, connect, TLS, headers, every
  redirect and the body.  urllib's ``timeout`` bounds each socket operation
  only, so a server sending a byte every half second held a 3 s fetch for
  75 s; here a watchdog shuts the connection's socket when the deadline
  passes, which ends any read at once, and DNS runs in a helper thread that
  is waited for at most until the deadline.
- **Addresses are checked where the connection is made**: the host is
  resolved once, each address is checked, and the socket connects to that
  very address (a DNS answer that changes between a check and a connect,
  "DNS rebinding", cannot slip past), for the first request and every
  redirect alike.  Link-local addresses (169.254.0.0/16, the cloud metadata
  services' range, and fe80::/10) and the known metadata addresses
  fd00:ec2::254 and 100.100.100.200 are always refused.  With
  ``allow_private=False`` (setting ``NEWS_ATLAS_FETCH_PRIVATE=false``, for a
  shared server) loopback, private, shared and reserved addresses are refused
  too, and IPv4 addresses inside IPv6 ones (``::ffff:10.0.0.1``, 6to4,
  Teredo, NAT64) are judged by their IPv4 address.
- Connections are direct: proxy variables (``http_proxy``...) are not used,
  since the address a proxy reaches cannot be checked.
- http and https only (redirects too), and at most ``max_bytes + 1`` bytes read.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import logging
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from geo.exc import IngestError
from geo.webpage import printable

logger = logging.getLogger(__name__)

#: Media types read as articles; any other type is refused.
TEXT_MEDIA_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown")

_SAVE_AS_TEXT = "save the article's text as a .txt file and add that"
_CHUNK = 65536
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Refused whatever the setting: no article lives there, and a cloud server's credentials do.
_ALWAYS_REFUSED: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (ipaddress.ip_network("169.254.0.0/16"), "a link-local address, the range of cloud metadata services"),
    (ipaddress.ip_network("fe80::/10"), "an IPv6 link-local address"),
    (ipaddress.ip_network("fd00:ec2::254/128"), "a cloud metadata address (AWS)"),
    (ipaddress.ip_network("100.100.100.200/32"), "a cloud metadata address (Alibaba Cloud)"),
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class Download:
    """A downloaded body; ``media_type`` is ``""`` when the server sent none."""

    data: bytes
    media_type: str
    charset: str


def download(
    label: str, url: str, *, timeout: float, max_bytes: int, user_agent: str, allow_private: bool = True
) -> Download:
    """Download one web page or text file.

    Parameters
    ----------
    label:
        How messages name the page, e.g. ``"Web page 'https://example.org/a'"``.
    url:
        An ``http://`` or ``https://`` address.
    timeout:
        Seconds for the whole download: DNS, connect, headers, redirects and body.
    max_bytes:
        Refuse bodies larger than this.
    user_agent:
        The User-Agent header sent.
    allow_private:
        Also fetch from loopback, private and other non-public addresses
        (setting ``fetch_private``); link-local and metadata addresses are
        refused either way.

    Returns
    -------
    Download

    Raises
    ------
    IngestError
        For another scheme (also in a redirect), a refused address, a timeout,
        an HTTP error status, an unreachable host, a PDF or other non-text
        media type, or a body over ``max_bytes``.

    Examples
    --------
    >>> download("Page", "file:///etc/passwd", timeout=1, max_bytes=10, user_agent="x")
    Traceback (most recent call last):
    ...
    geo.exc.IngestError: Page is not an http:// or https:// address. ...
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise IngestError(
            f"{label} is not an http:// or https:// address. Give a web address that starts with http:// or https://."
        )
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"}
    )
    deadline = _Deadline(timeout)
    guard = _Guard(label, deadline, allow_private=allow_private)
    handlers = (_HttpOnlyRedirectHandler, _GuardedHTTPHandler(guard), _GuardedHTTPSHandler(guard))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), *handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            media_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            _check_media_type(label, media_type)
            length = response.headers.get("Content-Length", "")
            if length.isdecimal() and len(length) < 20 and int(length) > max_bytes:
                raise _too_large(label, f"{int(length):,} bytes, over", max_bytes)
            data = _read_body(label, response, max_bytes=max_bytes, deadline=deadline)
            return Download(data, media_type, response.headers.get_content_charset() or "")
    except IngestError:
        raise
    except urllib.error.HTTPError as err:
        err.close()
        raise IngestError(
            f"{label} answered HTTP {err.code} {printable(err.reason)}. Check the address, or {_SAVE_AS_TEXT}."
        ) from err
    except (OSError, http.client.HTTPException, ValueError) as err:
        # After the deadline the watchdog has shut the socket: whatever broke, the page was too slow.
        if deadline.expired or isinstance(err, TimeoutError) or isinstance(getattr(err, "reason", None), TimeoutError):
            raise _timed_out(label, timeout) from err
        if isinstance(err, urllib.error.URLError):
            raise IngestError(
                f"{label} cannot be reached: {printable(err.reason)}. Check the address and the connection."
            ) from err
        raise IngestError(
            f"{label} could not be downloaded: {printable(err) or type(err).__name__}. Try again later."
        ) from err
    finally:
        deadline.cancel()


def refusal(address: str, *, allow_private: bool) -> str:
    """Why News Atlas does not fetch from ``address``; ``""`` when it may.

    Parameters
    ----------
    address:
        An IPv4 or IPv6 address as a string (an IPv6 zone such as ``%eth0`` is ignored).
    allow_private:
        Allow loopback, private and other non-public addresses.

    Returns
    -------
    str
        A phrase naming the kind of address and the rule, for a message; ``""`` when allowed.

    Examples
    --------
    >>> refusal("169.254.169.254", allow_private=True)
    'a link-local address, the range of cloud metadata services, which News Atlas never fetches'
    >>> refusal("10.0.0.1", allow_private=True), refusal("93.184.216.34", allow_private=False)
    ('', '')
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    candidates = _addresses_behind(ip)
    for candidate in candidates:
        for network, what in _ALWAYS_REFUSED:
            if candidate.version == network.version and candidate in network:
                return f"{what}, which News Atlas never fetches"
    for candidate in [] if allow_private else candidates:
        kind = _non_public_kind(candidate)
        if kind:
            return f"{kind}, which this News Atlas does not fetch (NEWS_ATLAS_FETCH_PRIVATE is off)"
    return ""


def _addresses_behind(ip: _IPAddress) -> list[_IPAddress]:
    """Any IPv4 address ``ip`` carries (mapped, 6to4, Teredo client, NAT64), then ``ip``: each must be allowed."""
    found: list[_IPAddress] = []
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            found.append(ip.sixtofour)
        if ip.teredo is not None:
            found.append(ip.teredo[1])
        if ip in _NAT64:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [*found, ip]


def _non_public_kind(ip: _IPAddress) -> str:
    """The kind of a non-public address, for a message; ``""`` for a public one."""
    if ip.is_loopback:
        return f"a loopback address ({ip}, this machine)"
    if ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("0.0.0.0/8")):
        return f"an unspecified address ({ip}, which reaches this machine)"
    if ip.is_private:
        return f"a private-network address ({ip})"
    if not ip.is_global or ip.is_multicast:
        return f"a reserved or shared address ({ip}), not a public one"
    return ""


class _Deadline:
    """One deadline for a download: the time left, and a watchdog that shuts its sockets when it passes."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        return self._expired or time.monotonic() >= self.end

    def remaining(self) -> float:
        """Seconds left; ``TimeoutError`` when none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the download's deadline passed")
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` when the deadline passes (at once if it has)."""
        with self._lock:
            self._sockets.append(sock)
            if self._expired:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """End every read and write on ``sock`` now, from any thread; a closed socket is left alone."""
    try:
        # socket.socket's own shutdown, also for an SSLSocket: its override would drop the TLS state under a reader.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Guard:
    """Resolves a host within the deadline, refuses forbidden addresses, and connects to an allowed one."""

    def __init__(self, label: str, deadline: _Deadline, *, allow_private: bool) -> None:
        self.label = label
        self.deadline = deadline
        self.allow_private = allow_private

    def connect(self, host: str, port: int) -> socket.socket:
        refused = ""
        last_error: OSError | None = None
        for family, kind, proto, _, address in self._resolve(host, port):
            why = refusal(str(address[0]), allow_private=self.allow_private)
            if why:
                refused = refused or why
                logger.info("%s: not connecting to %s: %s", self.label, address[0], why)
                continue
            sock = socket.socket(family, kind, proto)
            self.deadline.watch(sock)
            try:
                sock.settimeout(self.deadline.remaining())
                sock.connect(address)  # the very address just checked
            except OSError as err:
                sock.close()
                last_error = err
                continue
            return sock
        if last_error is not None:
            raise last_error
        if not refused:
            raise OSError(f"{host!r} has no address")
        raise IngestError(
            f"{self.label} leads to {printable(host)!r}, {refused}. Give a public web address, or {_SAVE_AS_TEXT}."
        )

    def _resolve(self, host: str, port: int) -> list[tuple[Any, ...]]:
        """getaddrinfo in a helper thread, waited for until the deadline (it cannot be interrupted)."""
        outcome: list[Any] = []

        def resolve() -> None:
            try:
                outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
            except (OSError, UnicodeError, ValueError) as err:
                outcome.append(err)

        worker = threading.Thread(target=resolve, name="news-atlas-resolve", daemon=True)
        worker.start()
        worker.join(self.deadline.remaining())
        if not outcome:
            raise TimeoutError(f"resolving {host!r} took longer than the deadline")
        if isinstance(outcome[0], UnicodeError | ValueError):
            raise OSError(f"{host!r} is not a valid host name") from outcome[0]
        if isinstance(outcome[0], OSError):
            raise outcome[0]
        return list(outcome[0])


class _GuardedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection made by the guard, to a checked address, under the deadline."""

    def __init__(self, host: str, port: int | None = None, *, guard: _Guard, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._guard = guard

    def connect(self) -> None:
        self.sock = self._guard.connect(self.host, self.port)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection made by the guard; the TLS handshake is under the deadline too."""

    def __init__(self, host: str, port: int | None = None, *, guard: _Guard, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self._guard = guard

    def connect(self) -> None:
        raw = self._guard.connect(self.host, self.port)
        try:
            tls = self._context.wrap_socket(raw, server_hostname=self.host, do_handshake_on_connect=False)  # type: ignore[attr-defined]
        except OSError:
            raw.close()
            raise
        self._guard.deadline.watch(tls)
        try:
            tls.settimeout(self._guard.deadline.remaining())
            tls.do_handshake()
        except OSError:
            tls.close()
            raise
        self.sock = tls


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: _Guard) -> None:
        super().__init__()
        self._guard = guard

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTPConnection, guard=self._guard), req)  # type: ignore[arg-type]


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: _Guard) -> None:
        super().__init__()
        self._guard = guard

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_GuardedHTTPSConnection, guard=self._guard), req)  # type: ignore[arg-type]


class _HttpOnlyRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only; urllib would also follow them to ftp://."""

    def redirect_request(  # type: ignore[no-untyped-def]
        self, req, fp, code, msg, headers, newurl
    ) -> urllib.request.Request | None:
        scheme = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)).scheme.lower()
        if scheme not in {"http", "https"}:
            fp.close()  # urllib closes the redirect's response only after this returns
            raise IngestError(
                f"Web page {printable(req.full_url)!r} redirects to {printable(newurl)!r}, which is not an http(s) "
                f"address. Check the address, or {_SAVE_AS_TEXT}."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _check_media_type(label: str, media_type: str) -> None:
    """Refuse a PDF or any other type that is not a web page or text; a missing type is sniffed later."""
    if not media_type or media_type in TEXT_MEDIA_TYPES or media_type.startswith("text/"):
        return
    if media_type == "application/pdf":
        raise IngestError(f"{label} is a PDF; {_SAVE_AS_TEXT}.")
    raise IngestError(f"{label} is {printable(media_type)!r}, not a web page or text; {_SAVE_AS_TEXT}.")


def _read_body(label: str, response: Any, *, max_bytes: int, deadline: _Deadline) -> bytes:
    """At most ``max_bytes + 1`` bytes of the body; a body cut short by the deadline is a timeout, not a page."""
    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes and not deadline.expired:
        chunk = response.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if deadline.expired:
        raise TimeoutError("the body was still coming at the deadline")
    if size > max_bytes:
        raise _too_large(label, "more than", max_bytes)
    return b"".join(chunks)


def _too_large(label: str, size: str, max_bytes: int) -> IngestError:
    return IngestError(
        f"{label} is too large: {size} the limit of {max_bytes:,} bytes. "
        f"Save the article's text as a .txt file, or raise NEWS_ATLAS_MAX_ARTICLE_BYTES."
    )


def _timed_out(label: str, timeout: float) -> IngestError:
    return IngestError(
        f"{label} timed out after {timeout:g} s. Try again later, raise NEWS_ATLAS_FETCH_TIMEOUT, or {_SAVE_AS_TEXT}."
    )
