import pytest

from duluan.text.fold import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Lào Cai", "lao cai"),
        ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
        ("ĐẮK LẮK", "dak lak"),
        ("Phường  Âu   Lâu", "phuong au lau"),
        ("Thừa Thiên\tHuế", "thua thien hue"),
        ("lao cai", "lao cai"),
        ("", ""),
    ],
)
def test_fold_removes_marks_case_and_extra_space(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_precomposed_and_decomposed_forms_fold_alike() -> None:
    import unicodedata

    word = "Nghệ An"
    assert fold(unicodedata.normalize("NFD", word)) == fold(unicodedata.normalize("NFC", word))


def test_strip_marks_keeps_case_and_length() -> None:
    from duluan.text.fold import strip_marks

    assert strip_marks("Giá Xăng ĐẮT, đường Nguyễn Huệ") == "Gia Xang DAT, duong Nguyen Hue"
    text = "Ủy ban nhân dân xã Bát Xát"
    assert len(strip_marks(text)) == len(text)
    assert strip_marks("Café naïve 北京") == "Cafe naive 北京"
