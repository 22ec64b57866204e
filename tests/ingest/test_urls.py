import hashlib

import pytest

from duluan.ingest.urls import canonical_url, url_key

ARTICLE = "https://vnexpress.net/mua-lon-o-ha-tinh-4791234.html"


@pytest.mark.parametrize(
    "url",
    [
        ARTICLE,
        "http://vnexpress.net/mua-lon-o-ha-tinh-4791234.html",
        "HTTPS://VnExpress.NET/mua-lon-o-ha-tinh-4791234.html",
        "https://www.vnexpress.net/mua-lon-o-ha-tinh-4791234.html",
        "https://m.vnexpress.net/mua-lon-o-ha-tinh-4791234.html",
        "https://mobile.vnexpress.net/mua-lon-o-ha-tinh-4791234.html",
        "https://vnexpress.net:443/mua-lon-o-ha-tinh-4791234.html",
        "http://vnexpress.net:80/mua-lon-o-ha-tinh-4791234.html",
        "https://vnexpress.net./mua-lon-o-ha-tinh-4791234.html",
        "https://vnexpress.net/mua-lon-o-ha-tinh-4791234.html#box_comment",
        "https://vnexpress.net/mua-lon-o-ha-tinh-4791234.html/",
        "https://vnexpress.net/thoi-su/../mua-lon-o-ha-tinh-4791234.html",
        "https://vnexpress.net/./mua-lon-o-ha-tinh-4791234.html",
        "  https://vnexpress.net/mua-lon-o-ha-tinh-4791234.html\n",
        "//vnexpress.net/mua-lon-o-ha-tinh-4791234.html",
        "https://reader:secret@vnexpress.net/mua-lon-o-ha-tinh-4791234.html",
    ],
)
def test_scheme_host_port_fragment_and_path_variants_agree(url: str) -> None:
    assert canonical_url(url) == ARTICLE


@pytest.mark.parametrize(
    "query",
    [
        "utm_source=zalo&utm_medium=zalo&utm_campaign=zalo",
        "zarsrc=30&utm_source=zalo",
        "gidzl=AbC123xyz",
        "fbclid=IwAR0abcdef&mibextid=Zxz2cZ",
        "gclid=Cj0KCQ&dclid=xyz&msclkid=123",
        "_ga=2.1234.5678&_gl=1*abc",
        "mc_cid=abc&mc_eid=def",
        "ref=homepage&refsrc=deprecated",
        "igshid=MzRlODBiNWFlZA==&si=AbCdEf",
        "UTM_SOURCE=Facebook&Utm_Content=post",
        "zl_src=chat",
        "amp",
        "amp=1",
        "outputType=amp",
        "",
    ],
)
def test_tracking_parameters_and_amp_switches_are_dropped(query: str) -> None:
    assert canonical_url(f"{ARTICLE}?{query}") == ARTICLE


def test_other_parameters_are_kept_and_sorted_by_name() -> None:
    assert (
        canonical_url("https://x.vn/tim-kiem?q=lu+lut&utm_source=zalo&page=2&lang=vi")
        == "https://x.vn/tim-kiem?lang=vi&page=2&q=lu+lut"
    )
    assert canonical_url("https://x.vn/s?tag=b&id=7&tag=a") == "https://x.vn/s?id=7&tag=b&tag=a"


def test_output_type_other_than_amp_is_kept() -> None:
    assert canonical_url("https://x.vn/a?outputType=print") == "https://x.vn/a?outputType=print"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://amp.tuoitre.vn/lu-lut-2025.htm", "https://tuoitre.vn/lu-lut-2025.htm"),
        ("https://tuoitre.vn/amp/lu-lut-2025.htm", "https://tuoitre.vn/lu-lut-2025.htm"),
        ("https://tuoitre.vn/lu-lut-2025.amp.htm", "https://tuoitre.vn/lu-lut-2025.htm"),
        ("https://x.vn/tin/lu-lut.amp.html", "https://x.vn/tin/lu-lut.html"),
        ("https://x.vn/tin/lu-lut/amp/", "https://x.vn/tin/lu-lut"),
        ("https://x.vn/tin/lu-lut/AMP", "https://x.vn/tin/lu-lut"),
        ("https://www.m.x.vn/a", "https://x.vn/a"),
    ],
)
def test_amp_and_mobile_variants_agree(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://x.vn/%7Eban-doc/%41", "https://x.vn/~ban-doc/A"),
        ("https://x.vn/a%2db", "https://x.vn/a-b"),
        ("https://x.vn/tin-t%e1%bb%a9c", "https://x.vn/tin-t%E1%BB%A9c"),
        ("https://x.vn/tin-tức", "https://x.vn/tin-t%E1%BB%A9c"),
        ("https://x.vn/a b", "https://x.vn/a%20b"),
        ("https://x.vn/giam-50%", "https://x.vn/giam-50%25"),
        ("https://x.vn/a%2Fb", "https://x.vn/a%2Fb"),  # an escaped slash is not a separator
        ("https://x.vn/s?q=h%c3%a0+n%e1%bb%99i", "https://x.vn/s?q=h%C3%A0+n%E1%BB%99i"),
        ("https://x.vn/s?q=a%26b", "https://x.vn/s?q=a%26b"),
    ],
)
def test_percent_encoding_is_normalised(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_decomposed_and_precomposed_unicode_agree() -> None:
    import unicodedata

    url = "https://x.vn/tin-tức"
    assert canonical_url(unicodedata.normalize("NFD", url)) == canonical_url(url)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://Tênmiền.vn/a", "https://xn--tnmin-hsa0954c.vn/a"),
        ("https://xn--tnmin-hsa0954c.vn/a", "https://xn--tnmin-hsa0954c.vn/a"),
        ("http://[::1]:8080/a", "https://[::1]:8080/a"),
        ("http://127.0.0.1/a", "https://127.0.0.1/a"),
        ("https://x.vn:8443/a", "https://x.vn:8443/a"),
        ("https://m.me/trang", "https://m.me/trang"),  # nothing would be left of the host
        ("https://x.vn", "https://x.vn/"),
        ("https://x.vn/", "https://x.vn/"),
        ("https://x.vn/Tin-Tuc", "https://x.vn/Tin-Tuc"),  # paths are case-sensitive
    ],
)
def test_hosts_ports_and_root(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_form_is_a_fixed_point() -> None:
    url = "HTTP://www.Tênmiền.vn:80/tin/../tin-tức/amp/?b=2&a=%7e&utm_source=x#top"
    once = canonical_url(url)
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("vnexpress.net/a", "scheme"),
        ("ftp://x.vn/a", "scheme"),
        ("mailto:ban-doc@x.vn", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://", "no host"),
        ("https:///a", "no host"),
        ("https://x.vn:99999/a", "port"),
        ("https://x.vn:http/a", "port"),
        ("https://a b.vn/", "host"),
        ("https://x..vn/", "host"),
        ("https://-x.vn/", "host"),
        ("https://999/", "host"),
        ("https://[::1/", "Invalid IPv6"),
        ("https://x.vn/a\nb", "control"),
    ],
)
def test_invalid_addresses_raise_value_error_naming_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        canonical_url(url)


def test_url_key_is_sha256_of_the_canonical_form() -> None:
    key = url_key("http://www.vnexpress.net/mua-lon-o-ha-tinh-4791234.html?utm_source=zalo")
    assert key == hashlib.sha256(ARTICLE.encode("ascii")).hexdigest()
    assert len(key) == 64


def test_different_items_get_different_keys() -> None:
    assert url_key("https://x.vn/a?id=1") != url_key("https://x.vn/a?id=2")
    assert url_key("https://x.vn/a") != url_key("https://y.vn/a")
