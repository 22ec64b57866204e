"""The fetcher against a local server: addresses, robots.txt, limits, retries, pacing, decoding."""

from __future__ import annotations

import gzip
import ipaddress
import itertools
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from duluan.i18n import translate
from duluan.ingest.http import (
    Fetcher,
    FetchError,
    HostPacer,
    decode_text,
    guess_encoding,
    is_reachable,
    parse_networks,
)
from tests.ingest.conftest import fetch_settings, to_windows_1258
from tests.local_server import LocalServer, Reply

MakeFetcher = Callable[..., Fetcher]
PAGE = "<html><body><p>Xin chào Hà Nội</p></body></html>".encode()


def _error(call: Callable[[], object]) -> FetchError:
    with pytest.raises(FetchError) as caught:
        call()
    return caught.value


class FakeClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_page_is_fetched_through_redirects(server: LocalServer, fetcher: Fetcher) -> None:
    server.route("/cu", Reply(301, headers={"Location": "/moi"}))
    server.route("/moi", Reply(302, headers={"Location": server.url("/bai?so=1")}))
    server.route("/bai?so=1", Reply(body=PAGE, headers={"Content-Type": "text/html"}))

    response = fetcher.get(server.url("/cu"))

    assert response.url == server.url("/bai?so=1")
    assert (response.status, response.body, response.encoding) == (200, PAGE, "utf-8")
    assert "Xin chào Hà Nội" in response.text
    assert server.paths() == ["/robots.txt", "/cu", "/moi", "/bai?so=1"]
    assert server.hits[1].headers["user-agent"].startswith("duluan/")


def test_conditional_get_reports_not_modified(server: LocalServer, fetcher: Fetcher) -> None:
    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(body=b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Tue, 24 Nov 2026"})

    server.route("/rss", feed)

    first = fetcher.get(server.url("/rss"))
    second = fetcher.get(server.url("/rss"), etag=first.etag, last_modified=first.last_modified)

    assert (first.not_modified, first.etag, first.last_modified) == (
        False,
        '"v1"',
        "Tue, 24 Nov 2026",
    )
    assert (second.not_modified, second.status, second.body) == (True, 304, b"")
    assert server.hits[-1].headers["if-modified-since"] == "Tue, 24 Nov 2026"


def test_server_errors_are_retried_until_success(server: LocalServer, fetcher: Fetcher) -> None:
    server.route("/trang", Reply(500), Reply(503, headers={"Retry-After": "0"}), Reply(body=PAGE))

    assert fetcher.get(server.url("/trang")).body == PAGE
    assert server.paths().count("/trang") == 3


def test_repeated_server_errors_give_up_with_a_clear_error(
    server: LocalServer, fetcher: Fetcher
) -> None:
    server.route("/hong", Reply(500))

    error = _error(lambda: fetcher.get(server.url("/hong")))

    assert (error.key, error.http_status, error.url) == (
        "errors.fetch_http_status",
        500,
        server.url("/hong"),
    )
    assert server.paths().count("/hong") == 3
    assert translate(error.key, "vi", **error.params) == (
        f"Máy chủ trả về mã lỗi HTTP 500 cho {server.url('/hong')}."
    )


def test_client_errors_are_not_retried(server: LocalServer, fetcher: Fetcher) -> None:
    error = _error(lambda: fetcher.get(server.url("/khong-co")))

    assert (error.key, error.http_status) == ("errors.fetch_http_status", 404)
    assert server.paths().count("/khong-co") == 1


def test_a_hanging_server_times_out(
    server: LocalServer, make_fetcher: MakeFetcher, tmp_path: Path
) -> None:
    server.route("/cham", Reply(body=PAGE, delay=3.0))
    fetcher = make_fetcher(fetch_settings(tmp_path, fetch_timeout_seconds=0.2), attempts=2)

    error = _error(lambda: fetcher.get(server.url("/cham")))

    assert error.key == "errors.fetch_timeout"
    assert server.paths().count("/cham") == 2


@pytest.mark.parametrize("send_length", [True, False])
def test_a_body_over_the_limit_is_refused_not_truncated(
    server: LocalServer, make_fetcher: MakeFetcher, tmp_path: Path, send_length: bool
) -> None:
    server.route("/lon", Reply(body=b"x" * 200_000, send_length=send_length))
    fetcher = make_fetcher(fetch_settings(tmp_path, fetch_max_bytes=50_000))

    error = _error(lambda: fetcher.get(server.url("/lon")))

    assert (error.key, error.params["max_bytes"]) == ("errors.fetch_too_large", 50_000)


def test_a_compressed_body_is_limited_by_its_unpacked_size(
    server: LocalServer, make_fetcher: MakeFetcher, tmp_path: Path
) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)  # some kilobytes on the wire
    server.route("/nen", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    fetcher = make_fetcher(fetch_settings(tmp_path, fetch_max_bytes=100_000))

    assert _error(lambda: fetcher.get(server.url("/nen"))).key == "errors.fetch_too_large"


def test_robots_txt_is_obeyed_and_read_once(server: LocalServer, fetcher: Fetcher) -> None:
    rules = b"User-agent: *\nDisallow: /rieng/\n\nUser-agent: duluan\nDisallow: /noi-bo/\n"
    server.route("/robots.txt", Reply(body=rules, headers={"Content-Type": "text/plain"}))
    server.route("/tin", Reply(body=PAGE))
    server.route("/noi-bo/bao-cao", Reply(body=PAGE))

    assert fetcher.get(server.url("/tin")).body == PAGE
    error = _error(lambda: fetcher.get(server.url("/noi-bo/bao-cao")))

    assert error.key == "errors.fetch_robots_denied"
    assert server.paths() == ["/robots.txt", "/tin"]


def test_an_unreachable_robots_txt_means_stay_away(server: LocalServer, fetcher: Fetcher) -> None:
    server.route("/robots.txt", Reply(503))
    server.route("/tin", Reply(body=PAGE))

    first = _error(lambda: fetcher.get(server.url("/tin")))
    second = _error(lambda: fetcher.get(server.url("/tin")))

    assert first.key == second.key == "errors.fetch_robots_unreachable"
    assert "HTTP 503" in str(first)  # the reason is told
    assert "/tin" not in server.paths()
    assert server.paths().count("/robots.txt") == 3  # three tries, then remembered a while


def test_requests_to_one_host_are_spaced(
    server: LocalServer, make_fetcher: MakeFetcher, tmp_path: Path
) -> None:
    clock = FakeClock()
    server.clock = clock
    for path in ("/a", "/b", "/c"):
        server.route(path, Reply(body=PAGE))
    fetcher = make_fetcher(
        fetch_settings(tmp_path, fetch_host_interval_seconds=1.5), clock=clock, sleep=clock.sleep
    )

    for path in ("/a", "/b", "/c"):
        fetcher.get(server.url(path))

    times = [hit.at for hit in server.hits]
    assert server.paths() == ["/robots.txt", "/a", "/b", "/c"]
    assert [later - earlier for earlier, later in itertools.pairwise(times)] == [
        1.5,
        1.5,
        1.5,
    ]


def test_the_pacer_gives_each_caller_its_own_slot() -> None:
    clock = FakeClock()
    slept: list[float] = []
    pacer = HostPacer(2.0, clock=clock, sleep=slept.append)

    for _ in range(3):
        pacer.wait("baothu.example")
    pacer.wait("khac.example")

    assert slept == [2.0, 4.0]  # the clock did not move: each waits for the slot it reserved


def test_too_many_redirects_are_refused(server: LocalServer, fetcher: Fetcher) -> None:
    server.route("/vong", Reply(302, headers={"Location": "/vong"}))

    assert _error(lambda: fetcher.get(server.url("/vong"))).key == "errors.fetch_too_many_redirects"


def test_private_addresses_are_refused_unless_allowed(
    server: LocalServer, make_fetcher: MakeFetcher, tmp_path: Path
) -> None:
    server.route("/bi-mat", Reply(body=b"secret"))
    closed = make_fetcher(fetch_settings(tmp_path, source_allowed_networks=""))

    for url in (server.url("/bi-mat"), "http://10.1.2.3/", "http://[::1]:8080/", "http://0.0.0.0/"):
        error = _error(lambda url=url: closed.get(url))
        assert error.key == "errors.fetch_address_refused", url

    assert server.hits == []
    assert "DULUAN_SOURCE_ALLOWED_NETWORKS" in translate(error.key, "vi", **error.params)


def test_a_redirect_to_a_private_address_is_refused(
    server: LocalServer, make_fetcher: MakeFetcher, tmp_path: Path
) -> None:
    seen: list[str] = []

    def public_site(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": server.url("/bi-mat")})

    server.route("/bi-mat", Reply(body=b"secret"))
    fetcher = make_fetcher(
        fetch_settings(tmp_path, source_allowed_networks=""),
        client=httpx.Client(transport=httpx.MockTransport(public_site)),
        resolve=lambda host, port: ["203.0.114.7"] if host == "tin.example" else ["127.0.0.1"],
    )

    error = _error(lambda: fetcher.get("https://tin.example/bai"))

    assert (error.key, error.params["address"]) == ("errors.fetch_address_refused", "127.0.0.1")
    assert seen == ["https://tin.example/robots.txt", "https://tin.example/bai"]
    assert server.hits == []


def test_a_host_with_any_private_address_is_refused(make_fetcher: MakeFetcher) -> None:
    fetcher = make_fetcher(resolve=lambda host, port: ["203.0.114.7", "192.168.1.10"])

    error = _error(lambda: fetcher.get("http://hai-mat.example/"))

    assert (error.key, error.params["address"]) == ("errors.fetch_address_refused", "192.168.1.10")


def test_the_connection_goes_to_the_checked_address(
    server: LocalServer, make_fetcher: MakeFetcher
) -> None:
    server.route("/tin", Reply(body=PAGE))
    port = server.base.rsplit(":", 1)[1]
    fetcher = make_fetcher(resolve=lambda host, port: ["127.0.0.1"])  # no DNS for tin.example

    response = fetcher.get(f"http://tin.example:{port}/tin")

    assert response.url == f"http://tin.example:{port}/tin"
    assert server.hits[-1].headers["host"] == f"tin.example:{port}"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://tin.example/a", "gopher://tin.example/", "javascript:1"]
)
def test_only_http_and_https_are_fetched(fetcher: Fetcher, url: str) -> None:
    assert _error(lambda: fetcher.get(url)).key == "errors.fetch_scheme_refused"


def test_which_addresses_are_reachable() -> None:
    allowed = parse_networks(" 10.20.0.0/16 , fd00::/8")

    def reachable(text: str) -> bool:
        return is_reachable(ipaddress.ip_address(text), allowed)

    assert reachable("203.0.114.7") and reachable("2001:4860::8888")
    assert reachable("10.20.3.4") and reachable("fd00::1")
    refused = (
        "10.1.2.3 127.0.0.1 169.254.169.254 192.168.0.1 172.16.0.1 100.64.0.1 0.0.0.0 224.0.0.1"
        " 255.255.255.255 ::1 fe80::1 ::ffff:127.0.0.1 ff02::1 ::"
    )
    for address in refused.split():
        assert not reachable(address), address
    with pytest.raises(ValueError, match=r"10\.0\.0/33"):
        parse_networks("10.0.0/33")


def test_legacy_vietnamese_pages_are_decoded(server: LocalServer, fetcher: Fetcher) -> None:
    text = "Người dân phản ánh: đường sá xuống cấp, ổ gà khắp nơi."
    legacy = to_windows_1258(text)
    assert legacy.decode("cp1258") != text  # tones as combining marks: NFC needed
    server.route(
        "/cu", Reply(body=b"<p>" + legacy + b"</p>", headers={"Content-Type": "text/html"})
    )

    response = fetcher.get(server.url("/cu"))

    assert response.encoding == "cp1258"
    assert text in response.text


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("Hà Nội".encode(), "text/html; charset=iso-8859-1", "utf-8"),  # valid UTF-8 wins
        ("Café".encode("cp1252"), "text/html; charset=iso-8859-1", "cp1252"),
        (b'<meta charset="windows-1258"><p>' + to_windows_1258("Đà Nẵng"), None, "windows-1258"),
        (b'<?xml version="1.0" encoding="windows-1258"?><a>\xd0</a>', None, "windows-1258"),
        ("\ufeffHà Nội".encode(), None, "utf-8-sig"),
        (b"caf\xe9", "text/html; charset=base64", "cp1258"),  # not a text codec: ignored
    ],
)
def test_the_encoding_is_guessed(body: bytes, content_type: str | None, expected: str) -> None:
    assert guess_encoding(body, content_type) == expected


def test_decoding_is_nfc() -> None:
    assert decode_text(to_windows_1258("Đà Nẵng"), "windows-1258") == "Đà Nẵng"
