import pytest

from duluan.analysis.keywords import keywords


def test_a_repeated_two_syllable_word_comes_first() -> None:
    assert keywords("Giá xăng tăng quá, dân than vì giá xăng cứ tăng")[0] == "giá xăng"


def test_texts_with_and_without_marks_count_together() -> None:
    found = keywords(["gia xang tang", "giá xăng lại tăng rồi", "tiền điện tăng", "giá xăng"])
    assert found[0] == "gia xang" and "tiền điện" in found


def test_stop_words_emoji_tokens_and_numbers_are_not_keywords() -> None:
    found = keywords("mà thì là :angry: :angry: 2025 của những")
    assert found == []


@pytest.mark.parametrize(
    "text",
    ["", "a\u0301\u0301 ̀x  ̃", "<script>alert(1)</script>", "北京 天安门", "x" * 100_000],
)
def test_odd_input_does_not_break_it(text: str) -> None:
    assert isinstance(keywords(text), list)
