import re

import pytest

from duluan.text.fold import fold
from duluan.text.tokens import LONGEST_CACHED, per_token

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_FOLDED = re.compile(r"[0-9a-z]+")

TEXTS = [
    "",
    "   ",
    "Giá xăng tăng quá, dân khổ!",
    "mn oi\thnay  gia xang\ntang qua :laugh:",
    "Hà Nội's O’Brien ở Đà Nẵng… 2025-10-18",
    "x" * (LONGEST_CACHED + 1) + " ngắn " + "Đ" * (LONGEST_CACHED * 2),
    "https://vnexpress.net/gia-xang-tang-4567.html xem đi",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_step_per_token_equals_the_step_on_the_whole_text(text: str) -> None:
    words = per_token(lambda token: tuple(_WORD.findall(token)))
    folded = per_token(lambda token: tuple(_FOLDED.findall(fold(token))))
    for _ in range(2):  # the second time from memory
        assert words(text) == _WORD.findall(text)
        assert folded(text) == _FOLDED.findall(fold(text))
