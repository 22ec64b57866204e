"""Canonical web addresses, so that one item reached by several URLs is stored once.

`canonical_url` rewrites an address to the form every copy of it shares; `url_key` is the SHA-256
of that form (the `documents.url_key` column). The rules, in the order they are applied:

- scheme: `http` and `https` name the same item; the canonical scheme is `https`. A
  protocol-relative address (`//host/path`) is taken as `https`. Any other scheme is refused.
- host: lower case, trailing dot dropped, internationalised names in their ASCII (IDNA, punycode)
  form, so `tênmiền.vn` and `xn--tnmin-hsa0954c.vn` agree; then the prefixes `www.`, `m.`,
  `mobile.` and `amp.` are dropped as long as a registrable name (two labels) remains. User name
  and password are dropped (credentials are never part of a key), and so are the default ports
  80 and 443; any other port is kept.
- path: percent-encoding normalised (escapes of unreserved characters decoded, other escapes in
  upper case, non-ASCII characters UTF-8 encoded, stray `%` escaped), dot segments resolved, AMP
  variants folded (`/amp/` segments removed, `x.amp.html` → `x.html`), trailing slash dropped
  (`/tin-tuc/` = `/tin-tuc`; the root stays `/`).
- query: tracking parameters dropped (`TRACKING_PARAMETERS`, and names starting with
  `TRACKING_PREFIXES`), so are AMP switches (`amp`, `amp=1`, `outputType=amp`); the others are
  sorted by name (values of a repeated name keep their order) with percent-encoding normalised.
- fragment: dropped (`#binh-luan` is a place in the page, not another page).

A path is case-sensitive and kept as is. Invalid input raises `ValueError` whose message names
the address and the reason: empty, control characters, a scheme other than http(s) or none,
no host, a host that is not a domain name or IP address, a port that is not a number in 0–65535.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, quote, unquote, urlsplit

# Query names that only say how a reader arrived: campaign tags, click ids, share ids. Names are
# compared in lower case. Zalo appends `zarsrc` and `gidzl` to links shared in chats; Facebook
# adds `fbclid`, `mibextid` and the `__cft__`-style ones; TikTok adds `is_from_webapp` and
# `sender_device`.
TRACKING_PARAMETERS = frozenset(
    """
    fbclid gclid dclid gbraid wbraid msclkid yclid ttclid twclid li_fat_id zarsrc gidzl
    _ga _gl _hsenc _hsmi mc_cid mc_eid ref refsrc ref_src ref_url igshid igsh si mibextid sfnsn
    __tn__ __cft__ __xts__ fb_action_ids fb_action_types fb_source fb_ref is_from_webapp
    sender_device share_app_id spm
    """.split()
)
TRACKING_PREFIXES = ("utm_", "zl_", "__cft__[", "__xts__[")
HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
DEFAULT_PORTS = frozenset({80, 443})

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "!$&'()*+,;=:@/"
_QUERY_SAFE = "!$'()*+,;:@/?"  # `&` and `=` separate parameters, so inside one they stay escaped
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_AMP_SUFFIX = re.compile(r"\.amp(\.html?)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """The one form shared by every address of the same item (rules in the module docstring).

    Raises `ValueError` when `url` is not an absolute http(s) address.
    """
    text = unicodedata.normalize("NFC", url.strip())
    if not text:
        raise ValueError("not a web address: empty")
    if _CONTROL.search(text):
        raise ValueError(f"not a web address: {url!r} holds control characters")
    if text.startswith("//"):
        text = "https:" + text
    try:
        parts = urlsplit(text)
    except ValueError as error:
        raise ValueError(f"not a web address: {url!r} ({error})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"not a web address: {url!r} needs an http:// or https:// scheme")
    netloc = _host(parts, url) + _port(parts, url)
    query = _query(parts.query)
    return f"https://{netloc}{_path(parts.path)}" + (f"?{query}" if query else "")


def url_key(url: str) -> str:
    """SHA-256 (hex) of `canonical_url(url)`: the key that finds an item already stored."""
    return hashlib.sha256(canonical_url(url).encode("ascii")).hexdigest()


def _host(parts: SplitResult, url: str) -> str:
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"not a web address: {url!r} has no host")
    if ":" in host or host.replace(".", "").isdigit():
        return _ip_address(host, url)
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise ValueError(f"not a web address: {url!r} has an invalid host ({error})") from None
    if not all(_HOST_LABEL.fullmatch(label) for label in host.split(".")):
        raise ValueError(f"not a web address: {url!r} has an invalid host {host!r}")
    return _without_prefixes(host)


def _ip_address(host: str, url: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"not a web address: {url!r} has an invalid host {host!r}") from None
    return f"[{address.compressed}]" if address.version == 6 else address.compressed


def _without_prefixes(host: str) -> str:
    """`www.m.example.vn` → `example.vn`; `m.me` keeps its prefix (nothing would remain)."""
    stripped = True
    while stripped:
        stripped = False
        for prefix in HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                stripped = True
    return host


def _port(parts: SplitResult, url: str) -> str:
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"not a web address: {url!r} has an invalid port") from None
    return "" if port is None or port in DEFAULT_PORTS else f":{port}"


def _path(path: str) -> str:
    segments: list[str] = []
    for segment in _escaped(path, _PATH_SAFE).split("/")[1:]:
        if segment == "..":
            if segments:
                segments.pop()
        elif segment != "." and segment.lower() != "amp":
            segments.append(segment)
    if segments:
        segments[-1] = _AMP_SUFFIX.sub(r"\1", segments[-1])
    return "/" + "/".join(segments).rstrip("/")


def _query(query: str) -> str:
    kept: list[tuple[str, str]] = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, separator, value = piece.partition("=")
        name, value = _escaped(name, _QUERY_SAFE), _escaped(value, _QUERY_SAFE)
        if not _is_noise(unquote(name).lower(), unquote(value).lower()):
            kept.append((name, f"{name}{separator}{value}"))
    kept.sort(key=lambda pair: pair[0])  # stable: a repeated name keeps its values' order
    return "&".join(parameter for _, parameter in kept)


def _is_noise(name: str, value: str) -> bool:
    """A tracking parameter or an AMP switch: neither changes which item the address names."""
    if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
        return True
    return name == "amp" or (name == "outputtype" and value == "amp")


def _escaped(part: str, safe: str) -> str:
    """Percent-encoding in one form: `%7e` → `~`, `%c3%a1` → `%C3%A1`, `á` → `%C3%A1`."""
    part = quote(_STRAY_PERCENT.sub("%25", part), safe=safe + "%")
    return _ESCAPE.sub(_normal_escape, part)


def _normal_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else match.group(0).upper()
