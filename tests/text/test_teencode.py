import re
import unicodedata
from importlib import resources

import pytest

from duluan.text.normalise import normalise, normalise_tone_marks
from duluan.text.teencode import TEENCODE, expand_teencode


def _rows() -> list[list[str]]:
    source = resources.files("duluan.text").joinpath("data", "teencode.tsv")
    lines = source.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "short\texpansion\tnote"
    return [line.split("\t") for line in lines[1:]]


def test_every_row_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 150
    shorts = [row[0] for row in rows]
    assert len(shorts) == len(set(shorts)), "duplicate short forms"
    for row in rows:
        assert len(row) == 3, row
        short, expansion, note = row
        assert short and expansion and note, row
        assert short == short.strip() and expansion == expansion.strip(), row
        assert short == short.lower(), row
        assert re.fullmatch(r"[^\W_]+(?:[.\-][^\W_]+)*", short), row
        for text in (short, expansion):
            assert unicodedata.is_normalized("NFC", text), row
        assert normalise_tone_marks(expansion) == expansion, row
        assert normalise(expansion) == expansion, row
        assert short != expansion.lower(), row


def test_mapping_matches_the_file() -> None:
    rows = _rows()
    assert dict((short, expansion) for short, expansion, _ in rows) == dict(TEENCODE)
    with pytest.raises(TypeError):
        TEENCODE["ko"] = "có"  # type: ignore[index]


def test_ambiguous_short_forms_are_left_out() -> None:
    for short in ("t", "a", "e", "c", "b", "cs", "sn", "hn", "hem", "bit", "ck", "bn", "oi", "z"):
        assert short not in TEENCODE


def test_every_entry_expands_on_its_own() -> None:
    for short, expansion in TEENCODE.items():
        assert expand_teencode(short) == expansion


GOLDEN = [
    ("mn oi hnay gia xang tang ko", "mọi người oi hôm nay gia xang tang không"),
    ("ko bik ntn nua", "không biết như thế nào nua"),
    ("Ko biết nữa", "Không biết nữa"),
    ("TÔI KO ĐỒNG Ý", "TÔI KHÔNG ĐỒNG Ý"),
    ("đc r, cảm ơn mn nhé", "được rồi, cảm ơn mọi người nhé"),
    ("j vậy trời", "gì vậy trời"),
    ("đi vs ai z", "đi với ai z"),
    ("mình cx thấy vậy", "mình cũng thấy vậy"),
    ("hnay trc cổng UBND xã", "hôm nay trước cổng Ủy ban nhân dân xã"),
    ("ubnd phường ko giải quyết", "Ủy ban nhân dân phường không giải quyết"),
    ("CSGT phạt nguội", "Cảnh sát giao thông phạt nguội"),
    ("bị csgt thổi", "bị cảnh sát giao thông thổi"),
    ("TP.HCM mưa to", "Thành phố Hồ Chí Minh mưa to"),
    ("TP Hà Nội", "Thành phố Hà Nội"),
    ("tp hcm kẹt xe", "thành phố Hồ Chí Minh kẹt xe"),
    ("đóng BHXH, BHYT đầy đủ", "đóng Bảo hiểm xã hội, Bảo hiểm y tế đầy đủ"),
    ("thi thpt quốc gia", "thi trung học phổ thông quốc gia"),
    ("đbqh tiếp xúc cử tri", "đại biểu Quốc hội tiếp xúc cử tri"),
    ("MTTQ và HĐND huyện", "Mặt trận Tổ quốc và Hội đồng nhân dân huyện"),
    ("tiền gpmb chưa trả", "tiền giải phóng mặt bằng chưa trả"),
    ("tuyển ctv bán hàng", "tuyển cộng tác viên bán hàng"),
    ("nghi dlv vào comment", "nghi dư luận viên vào comment"),
    ("tks ad, ib mình nha", "thanks admin, inbox mình nha"),
    ("Thanks mn", "Thanks mọi người"),
    ("ngta nói ko sai", "người ta nói không sai"),
    ("hay vl", "hay vãi lồn"),
    ("(ko)", "(không)"),
    ("ko.", "không."),
    ("ko!!!", "không!!!"),
    ('"ko"', '"không"'),
    ("ko\nbiết", "không\nbiết"),
    ("  ko  ", "  không  "),
    ("kinh tế kt-xh", "kinh tế kinh tế - xã hội"),
    ("oke thui", "ok thôi"),
    ("kO", "không"),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN)
def test_golden_sentences(text: str, expected: str) -> None:
    assert expand_teencode(text) == expected


def test_golden_list_is_large_enough() -> None:
    assert len(GOLDEN) >= 25


@pytest.mark.parametrize(
    "text",
    [
        "",
        "kokoro kho khoẻ",  # never parts of words
        "vitamin K",  # one-letter forms are lower case only
        "giá 50 k",  # and not after a number
        "50k 100k",
        "#ubnd #ko",  # hashtags
        "@mn @ko",  # mentions
        "k-pop ko-op",  # joined by a hyphen
        "x.ko a.mn",  # joined by a dot
        "ko_biet mn_",  # joined by an underscore
        "ko1 2ko",  # letters and digits
        "https://ko.vn/mn?ko=1",  # URLs
        "www.ubnd.gov.vn/ko",
        "mn@ubnd.gov.vn",  # e-mail addresses
        "mnn koo",  # near misses
        "ſv",  # matches `sv` only through Unicode case folding
        "Москва 北京",
        "<script>alert('x')</script>",
        "thanks a lot",
        "oi khong biet",  # missing diacritics are not teencode
    ],
)
def test_text_that_must_not_change(text: str) -> None:
    assert expand_teencode(text) == text


def test_case_of_the_token_is_followed() -> None:
    assert expand_teencode("ko Ko KO") == "không Không KHÔNG"
    assert expand_teencode("ntn Ntn NTN") == "như thế nào Như thế nào Như thế nào"
    assert expand_teencode("ubnd Ubnd UBND") == " ".join(["Ủy ban nhân dân"] * 3)
    assert expand_teencode("ĐC đc Đc") == "ĐƯỢC được Được"


def test_expansion_after_normalise() -> None:
    text = "mn ơiii hnay giá xăng tăng ko :(("
    assert expand_teencode(normalise(text)) == "mọi người ơi hôm nay giá xăng tăng không :cry:"


def test_number_before_a_one_letter_form_across_lines() -> None:
    assert expand_teencode("giá 50\nk") == "giá 50\nk"
    assert expand_teencode("50 ok k") == "50 ok không"


def test_megabyte_input() -> None:
    text = "mn oi ko bik ntn, xem https://ko.vn nha " * 25_000
    result = expand_teencode(text)
    assert result.count("không biết như thế nào") == 25_000
    assert expand_teencode("k" * 1_000_000) == "k" * 1_000_000
    assert expand_teencode("ko " * 300_000) == "không " * 300_000


def test_placeholders_of_masked_numbers_are_not_expanded() -> None:
    assert expand_teencode("liên hệ [SĐT] để làm [CCCD] ko") == "liên hệ [SĐT] để làm [CCCD] không"
