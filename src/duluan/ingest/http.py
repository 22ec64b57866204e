"""Fetching from sources safely: public addresses only, robots.txt, limits, pacing and retries.

Every failure is a `FetchError` (HTTP 502 when it reaches the web layer); its key names the problem:

FetchError (502)
├── errors.fetch_bad_url               not a URL
├── errors.fetch_scheme_refused        not http or https
├── errors.fetch_unresolvable          the host has no address
├── errors.fetch_address_refused       the host points at a private, loopback, … address
├── errors.fetch_robots_denied         robots.txt disallows the URL for our user agent
├── errors.fetch_robots_unreachable    robots.txt answered 5xx or not at all (RFC 9309: stay away)
├── errors.fetch_connection_failed     connection refused, reset, bad TLS … (retried)
├── errors.fetch_timeout               slower than the configured timeout (retried)
├── errors.fetch_http_status           an error status; 429 and 5xx are retried, other 4xx not
├── errors.fetch_too_large             more bytes than fetch_max_bytes: refused, never truncated
└── errors.fetch_too_many_redirects    more than MAX_REDIRECTS hops

Connectors (and the XML they parse) add errors.feed_invalid, errors.sitemap_invalid and
errors.xml_entities_refused under the same class.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin
from urllib.robotparser import RobotFileParser

import httpx

from duluan.errors import FetchError
from duluan.settings import Settings, get_settings

MAX_REDIRECTS = 5
ATTEMPTS = 3  # tries per request for errors worth retrying
RETRY_DELAY_SECONDS = 0.5  # before the second try; doubled before each next one
MAX_RETRY_AFTER_SECONDS = 30.0  # a server's Retry-After is obeyed up to this
ROBOTS_TTL_SECONDS = 3600.0  # a robots.txt read is trusted this long
ROBOTS_RETRY_SECONDS = 300.0  # an unreachable robots.txt is asked again after this
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FALLBACK_ENCODING = "cp1258"  # windows-1258: legacy Vietnamese pages that declare nothing

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]  # host, port → IP addresses


@dataclass(frozen=True)
class Response:
    """What a fetch brought back: the final URL after redirects, its status, headers and body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    encoding: str = "utf-8"  # the guess of `guess_encoding`
    not_modified: bool = False  # 304: the source is unchanged since the validators we sent

    @property
    def text(self) -> str:
        return decode_text(self.body, self.encoding)

    @property
    def etag(self) -> str | None:
        etag: str | None = self.headers.get("etag")
        return etag

    @property
    def last_modified(self) -> str | None:
        last_modified: str | None = self.headers.get("last-modified")
        return last_modified


class HostPacer:
    """Keeps at least `interval` seconds between two requests to one host, across threads."""

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Return when a request to `host` may go; each caller reserves its own slot."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


class Fetcher:
    """GETs URLs for connectors under the rules above. One per collection run, or long-lived.

    `client` is for tests and proxies; without it the fetcher builds its own and connects to the
    very address it checked (no second DNS lookup an attacker could answer differently).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        client: httpx.Client | None = None,
        resolve: Resolver | None = None,
        pacer: HostPacer | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        attempts: int = ATTEMPTS,
        retry_delay: float = RETRY_DELAY_SECONDS,
    ) -> None:
        settings = settings or get_settings()
        self.user_agent = settings.fetch_user_agent
        self.timeout = settings.fetch_timeout_seconds
        self.max_bytes = settings.fetch_max_bytes
        self.allowed_networks = parse_networks(settings.source_allowed_networks)
        self._pin_addresses = client is None
        self._client = client or httpx.Client(
            trust_env=False,  # no proxy from the environment: we connect where we checked
            limits=httpx.Limits(max_keepalive_connections=0),  # pinned IPs must not share TLS
        )
        self._resolve = resolve or resolve_host
        self._pacer = pacer or HostPacer(
            settings.fetch_host_interval_seconds, clock=clock, sleep=sleep
        )
        self._clock = clock
        self._sleep = sleep
        self._attempts = attempts
        self._retry_delay = retry_delay
        self._robots: dict[str, _Robots] = {}
        self._robots_lock = threading.Lock()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """The resource at `url`; with validators, a `not_modified` response when unchanged."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, headers, obey_robots=True)

    def close(self) -> None:
        if self._pin_addresses:
            self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _follow(self, url: str, headers: dict[str, str], *, obey_robots: bool) -> Response:
        """GET `url`, following up to MAX_REDIRECTS redirects, each hop checked anew."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            target = _parse_url(current)
            address = self._checked_address(target)
            if obey_robots:
                self._check_robots(target)
            response = self._send_with_retries(target, address, headers)
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                return response
            current = urljoin(str(target), location.strip())
        raise FetchError("errors.fetch_too_many_redirects", url=url, max=MAX_REDIRECTS)

    def _send_with_retries(
        self, target: httpx.URL, address: str, headers: dict[str, str]
    ) -> Response:
        for attempt in range(1, self._attempts + 1):
            try:
                return self._send(target, address, headers)
            except FetchError as error:
                if not error.retryable or attempt == self._attempts:
                    raise
                delay = self._retry_delay * 2 ** (attempt - 1)
                self._sleep(max(delay, min(error.retry_after or 0.0, MAX_RETRY_AFTER_SECONDS)))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send(self, target: httpx.URL, address: str, headers: dict[str, str]) -> Response:
        """One request to the checked `address`, when the host's turn comes; read the answer."""
        url = str(target)
        request_url = target
        extensions: dict[str, str] = {}
        headers = {"User-Agent": self.user_agent, **headers}
        if self._pin_addresses:
            request_url = target.copy_with(host=address)
            headers["Host"] = target.netloc.decode("ascii")
            extensions["sni_hostname"] = target.raw_host.decode("ascii")
        self._pacer.wait(target.host)
        started = self._clock()
        try:
            with self._client.stream(
                "GET", request_url, headers=headers, timeout=self.timeout, extensions=extensions
            ) as answer:
                return self._response(url, answer, started)
        except httpx.TimeoutException as error:
            raise FetchError(
                "errors.fetch_timeout", url=url, seconds=self.timeout, retryable=True
            ) from error
        except httpx.RequestError as error:
            raise FetchError(
                "errors.fetch_connection_failed", url=url, reason=str(error), retryable=True
            ) from error

    def _response(self, url: str, answer: httpx.Response, started: float) -> Response:
        """Turn an answer into a Response (2xx, 304, redirect) or the FetchError it means."""
        status, headers = answer.status_code, httpx.Headers(answer.headers)
        if status == 304:
            return Response(url=url, status=status, headers=headers, not_modified=True)
        if status in REDIRECT_STATUSES and "location" in headers:
            return Response(url=url, status=status, headers=headers)
        if not 200 <= status < 300:
            retryable = status == 429 or status >= 500
            raise FetchError(
                "errors.fetch_http_status",
                url=url,
                status=status,
                http_status=status,
                retryable=retryable,
                retry_after=_retry_after(headers) if retryable else None,
            )
        body = self._read_body(url, answer, started)
        encoding = guess_encoding(body, headers.get("content-type"))
        return Response(url=url, status=status, headers=headers, body=body, encoding=encoding)

    def _read_body(self, url: str, answer: httpx.Response, started: float) -> bytes:
        """The whole body, or an error as soon as it is too large or too slow to come."""
        declared = answer.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError("errors.fetch_too_large", url=url, max_bytes=self.max_bytes)
        chunks: list[bytes] = []
        size = 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError("errors.fetch_too_large", url=url, max_bytes=self.max_bytes)
            if self._clock() - started > self.timeout:  # a server dripping bytes forever
                raise FetchError(
                    "errors.fetch_timeout", url=url, seconds=self.timeout, retryable=True
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _checked_address(self, target: httpx.URL) -> str:
        """An address of the host, after checking that every address it has may be reached."""
        host = target.raw_host.decode("ascii")
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            addresses = self._resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise FetchError("errors.fetch_unresolvable", url=str(target), host=host) from error
        if not addresses:
            raise FetchError("errors.fetch_unresolvable", url=str(target), host=host)
        for address in addresses:
            if not _is_reachable_text(address, self.allowed_networks):
                raise FetchError(
                    "errors.fetch_address_refused", url=str(target), host=host, address=address
                )
        return addresses[0]

    def _check_robots(self, target: httpx.URL) -> None:
        robots = self._robots_of(target)
        if robots.problem is not None:
            raise FetchError(
                "errors.fetch_robots_unreachable",
                url=str(target),
                host=target.host,
                reason=robots.problem,
            )
        if robots.rules is not None and not robots.rules.can_fetch(self.user_agent, str(target)):
            raise FetchError("errors.fetch_robots_denied", url=str(target), host=target.host)

    def _robots_of(self, target: httpx.URL) -> _Robots:
        """What the robots.txt of the target's site says, read once per ROBOTS_TTL_SECONDS."""
        site = f"{target.scheme}://{target.netloc.decode('ascii')}"
        with self._robots_lock:
            known = self._robots.get(site)
        if known is not None and self._clock() < known.expires:
            return known
        try:
            robots = _Robots(self._clock() + ROBOTS_TTL_SECONDS, self._read_robots(site))
        except FetchError as error:
            robots = _Robots(self._clock() + ROBOTS_RETRY_SECONDS, None, problem=str(error))
        with self._robots_lock:
            self._robots[site] = robots
        return robots

    def _read_robots(self, site: str) -> RobotFileParser | None:
        """Parsed robots.txt; None when the site has none (any 4xx means no rules, RFC 9309)."""
        try:
            response = self._follow(f"{site}/robots.txt", {}, obey_robots=False)
        except FetchError as error:
            if error.http_status is not None and 400 <= error.http_status < 500:
                return None
            raise
        rules = RobotFileParser()
        rules.parse(response.text.splitlines())  # parse() also marks the rules as read
        return rules


@dataclass(frozen=True)
class _Robots:
    expires: float  # on the fetcher's clock
    rules: RobotFileParser | None  # None: no robots.txt, everything allowed
    problem: str | None = None  # why it could not be read (5xx, no answer): fetch nothing now


def parse_networks(text: str) -> list[Network]:
    """`10.0.0.0/8, fd00::/8` → networks; raises ValueError naming a malformed one."""
    return [
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    ]


def is_reachable(address: Address, allowed: list[Network]) -> bool:
    """Whether a source may be fetched from `address`: public, or inside an allowed network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in allowed):
        return True
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def _is_reachable_text(address: str, allowed: list[Network]) -> bool:
    try:
        return is_reachable(ipaddress.ip_address(address), allowed)
    except ValueError:  # not an IP address: nothing we could check
        return False


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (an IP literal gives itself)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError("errors.fetch_bad_url", url=str(url)) from error
    if parsed.scheme not in ("http", "https"):
        raise FetchError("errors.fetch_scheme_refused", url=url, scheme=parsed.scheme or "?")
    if not parsed.host:
        raise FetchError("errors.fetch_bad_url", url=url)
    return parsed


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


# Decoding: the charset a server declares is often wrong, valid UTF-8 rarely is.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_DOCUMENT_CHARSET = re.compile(
    rb"""<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)|<meta[^>]*\bcharset\s*=\s*["']?\s*([\w.:-]+)""",
    re.IGNORECASE,
)
_WESTERN = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}


def guess_encoding(body: bytes, content_type: str | None = None) -> str:
    """The codec to read an HTML or XML body with.

    In order: a byte-order mark; valid UTF-8 (whatever is declared: servers often declare
    iso-8859-1 by default); the charset of the Content-Type header; a `<meta charset>` or XML
    declaration; else windows-1258, the legacy Vietnamese code page.
    """
    for mark, bom_codec in _BOMS:
        if body.startswith(mark):
            return bom_codec
    if b"\x00" not in body and _decodes(body, "utf-8"):
        return "utf-8"
    for name in _declared_charsets(body, content_type):
        codec = _text_codec(name)
        if codec is not None:
            return codec
    return FALLBACK_ENCODING


def decode_text(body: bytes, encoding: str) -> str:
    """The body as NFC text (windows-1258 writes tones as combining marks); bad bytes → U+FFFD."""
    return unicodedata.normalize("NFC", body.decode(encoding, errors="replace"))


def _declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """The charset names the header, then the document itself, declare."""
    names = []
    header = _HEADER_CHARSET.search(content_type or "")
    if header is not None:
        names.append(header[1])
    document = _DOCUMENT_CHARSET.search(body[:4096])
    if document is not None:
        names.append((document[1] or document[2]).decode("ascii"))
    return names


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _text_codec(name: str) -> str | None:
    """A Python text codec for a declared charset name; None for unknown or non-text ones."""
    name = _WESTERN.get(name.lower(), name)
    try:
        b"a".decode(name)  # LookupError for unknown names and bytes-to-bytes codecs (base64)
    except LookupError:
        return None
    except UnicodeDecodeError:  # a text codec all the same (utf-16 needs two bytes)
        pass
    return name
