import unicodedata

import pytest

from duluan.text.syllables import (
    FOLDED_SYLLABLES,
    WRITTEN_SYLLABLES,
    is_vietnamese_syllable,
    is_vietnamese_syllable_folded,
)

REAL_SYLLABLES = """
nghiêng khuỷu quyết quên quệt giường người được gì gìn giữa giếng quốc quả quý quỳnh khuya huých
thuở kỳ kẻ ghế nghe nghĩ ca cô gà ngà ngủ xoong ngoặc khoẻ khỏe hoá hóa hoạch thuyền chuyện
nguyễn trường việt nam hà nội huế đà nẵng lào cai đắk lắk ỉa yêu yên ý uy oai ước ườn
tiếng đẹp nhất không những phường thành phố chính phủ xã hội dân luật huyện tỉnh buýt
""".split()

ENGLISH_WORDS = """
street government strong you and with what would which should their there world first
work people could after because think news report says blue school
""".split()

# Folded English words that are also Vietnamese syllables: the Vietnamese reading in brackets.
KNOWN_OVERLAPS = {
    "an": "an (an toàn)",
    "to": "to (to lớn)",
    "do": "do (do dự)",
    "me": "me (quả me)",
    "hay": "hay (hay là)",
    "ban": "ban (ban ngày)",
    "long": "long (rồng)",
    "the": "thẻ (thẻ căn cước)",
    "in": "in (in ấn)",
    "it": "ít",
    "on": "ôn (ôn tập)",
    "my": "Mỹ",
    "no": "no (no bụng)",
    "can": "cần",
    "hot": "hót",
    "but": "bút",
    "man": "mận",
    "tin": "tin (tin tức)",
}


@pytest.mark.parametrize("word", REAL_SYLLABLES)
def test_real_syllables_are_valid(word: str) -> None:
    assert is_vietnamese_syllable(word)
    assert is_vietnamese_syllable_folded(word)


@pytest.mark.parametrize("word", ENGLISH_WORDS)
def test_english_words_are_not_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)
    assert not is_vietnamese_syllable_folded(word)


@pytest.mark.parametrize("word", sorted(KNOWN_OVERLAPS))
def test_known_overlaps_are_documented_as_valid(word: str) -> None:
    assert is_vietnamese_syllable_folded(word)


@pytest.mark.parametrize("word", ["mining", "by", "we", "us", "is", "of", "yes", "ok"])
def test_short_english_words_outside_vietnamese_shapes(word: str) -> None:
    assert not is_vietnamese_syllable_folded(word)


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("cát", "stop coda with sắc"),
        ("lạt", "stop coda with nặng"),
        ("mạch", "ch coda with nặng"),
    ],
)
def test_stop_codas_take_sac_or_nang(word: str, why: str) -> None:
    assert is_vietnamese_syllable(word), why


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("càt", "stop coda with huyền"),
        ("lãp", "stop coda with ngã"),
        ("mảch", "stop coda with hỏi"),
        ("ngiêng", "ng before i is spelled ngh"),
        ("nghang", "ngh only before i e ê"),
        ("kan", "k only before i e ê y"),
        ("ci", "c before i is spelled k"),
        ("ghu", "gh only before i e ê"),
        ("coa", "c with a glide is spelled qu"),
        ("iên", "iê without onset is spelled yê"),
        ("nguời", "ươ needs both horns"),
        ("mă", "ă needs a coda"),
        ("àá", "two tone marks"),
        ("việt2", "digits are not letters"),
        ("", "empty"),
    ],
)
def test_invalid_written_forms(word: str, why: str) -> None:
    assert not is_vietnamese_syllable(word), why


def test_folded_forms_need_no_marks() -> None:
    assert is_vietnamese_syllable_folded("nguoi")
    assert is_vietnamese_syllable_folded("duoc")
    assert is_vietnamese_syllable_folded("nghieng")
    assert not is_vietnamese_syllable("nguoi")  # written without its marks


def test_case_and_normal_form_do_not_matter() -> None:
    assert is_vietnamese_syllable("NGƯỜI")
    assert is_vietnamese_syllable(unicodedata.normalize("NFD", "người"))
    assert is_vietnamese_syllable_folded("NGUOI")


def test_inventory_is_small_and_folded_is_ascii() -> None:
    assert 3000 < len(WRITTEN_SYLLABLES) < 5000
    assert len(FOLDED_SYLLABLES) < len(WRITTEN_SYLLABLES)
    assert all(syllable.isascii() for syllable in FOLDED_SYLLABLES)
