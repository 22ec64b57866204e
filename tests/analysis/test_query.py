import pytest

from duluan.analysis.query import AllOf, AnyOf, Not, Term, Text, parse
from duluan.errors import BadInput
from duluan.i18n import translate


def matches(query: str, text: str) -> bool:
    return parse(query).matches(Text.of(text))


def test_structure_follows_precedence() -> None:
    assert parse("a b OR NOT c") == AnyOf((AllOf((Term(("a",)), Term(("b",)))), Not(Term(("c",)))))
    assert parse('(giá OR "xăng dầu") AND tăng') == AllOf(
        (AnyOf((Term(("gia",)), Term(("xang", "dau")))), Term(("tang",)))
    )


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("giá xăng", "GIA XANG hom nay lai tang", True),  # both words, no diacritics in the text
        ('"giá xăng"', "giá dầu và xăng", False),  # the phrase needs adjacency
        ('"giá xăng"', "Giá   xăng tăng quá!", True),
        ("xăng OR điện", "tien dien thang nay cao", True),
        ("xăng NOT dầu", "gia xang dau tang", False),
        ("xăng NOT dầu", "gia xang tang", True),
        ("tham nhũng*", "vụ tham nhũng lớn", True),
        ("nhung*", "những người dân", True),
        ("nhũng", "những người dân", True),  # folding is lossy: the price of accent-insensitivity
        ("ô nhiễm", "ô nhiễm môi trường ở khu công nghiệp", True),
        ("đất", "dat dai", True),
        ("đất", "datdai", False),  # whole words only
        ('"giải phóng mặt bằng" OR gpmb', "Dự án chậm GPMB", True),
    ],
)
def test_matching_is_accent_and_case_insensitive(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("", "errors.query_empty"),
        ("   ", "errors.query_empty"),
        ('"giá xăng', "errors.query_unclosed_quote"),
        ("(giá OR xăng", "errors.query_unclosed_parenthesis"),
        ("giá OR", "errors.query_missing_term"),
        ("AND giá", "errors.query_missing_term"),
        ("giá )", "errors.query_unexpected"),
        ('"!!!"', "errors.query_empty_term"),
        ('"giá xăng"*', "errors.query_empty_term"),
        ("a" * 2001, "errors.query_too_long"),
    ],
)
def test_malformed_queries_name_the_problem(query: str, key: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse(query)
    assert caught.value.key == key
    message = translate(caught.value.key, "vi", **caught.value.params)
    assert message != key and "{" not in message


def test_html_and_sql_are_just_words() -> None:
    assert matches("script", "<script>alert(1)</script>")
    assert matches("DROP TABLE users;--", "drop the table of users")
    assert not matches('"drop table"', "drop the table")


def test_anchors_are_words_a_match_cannot_do_without() -> None:
    from duluan.analysis.query import anchors

    assert anchors(parse('"giá xăng" OR điện')) == {"gia", "dien"}
    assert anchors(parse("xăng tăng")) == {"xang"}
    assert anchors(parse("NOT xăng")) is None and anchors(parse("nhung*")) is None
    assert anchors(parse("xăng OR nhung*")) is None
