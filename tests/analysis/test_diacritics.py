from pathlib import Path

import pytest

from duluan.analysis.diacritics import DiacriticsModel, evaluate

TRAINING = [
    "Giá xăng tăng quá, người dân than khó.",
    "Giá xăng hôm nay lại tăng.",
    "Người dân mong giá điện giảm.",
    "Bà già đi chợ mua rau.",
    "Xã tổ chức họp dân về giải phóng mặt bằng.",
    "Dân xã mình họp tối nay.",
    "Công tác dư luận xã hội trong tình hình mới.",
]


@pytest.fixture(scope="module")
def model() -> DiacriticsModel:
    trained = DiacriticsModel(version="test")
    trained.learn(TRAINING)
    return trained


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("gia xang tang qua", "giá xăng tăng quá"),
        ("Gia xang hom nay lai tang", "Giá xăng hôm nay lại tăng"),
        ("nguoi dan mong gia dien giam", "người dân mong giá điện giảm"),
        ("ba gia di cho", "bà già đi chợ"),  # context picks `già` after `bà`, `giá` before `xăng`
        ("XA TO CHUC HOP DAN", "XÃ TỔ CHỨC HỌP DÂN"),
    ],
)
def test_restores_from_context_and_keeps_case(
    model: DiacriticsModel, typed: str, restored: str
) -> None:
    assert model.restore(typed) == restored


def test_keeps_what_it_does_not_know_and_what_was_typed_with_marks(model: DiacriticsModel) -> None:
    assert model.restore("deadline 20/10, giá xang ok?") == "deadline 20/10, giá xăng ok?"
    assert model.restore("") == ""
    assert model.restore("<b>gia xang</b> 123") == "<b>giá xăng</b> 123"


def test_evaluation_counts_syllables_and_whole_sentences(model: DiacriticsModel) -> None:
    scores = evaluate(model, ["Giá xăng tăng quá.", "Bà già đi chợ."])
    assert scores["syllables"] == 8 and scores["sentences"] == 2
    assert scores["syllable_accuracy"] == 1.0 and scores["sentence_accuracy"] == 1.0


def test_save_and_load_give_the_same_model(model: DiacriticsModel, tmp_path: Path) -> None:
    path = tmp_path / "model.json.gz"
    model.save(path)
    loaded = DiacriticsModel.load(path)
    assert loaded.version == "test"
    assert loaded.restore("gia xang tang qua") == model.restore("gia xang tang qua")


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "bad.json.gz"
    with gzip.open(path, "wt") as handle:
        handle.write('{"format": "something-else"}')
    with pytest.raises(ValueError, match="not a duluan-diacritics"):
        DiacriticsModel.load(path)


def test_only_text_typed_without_marks_needs_restoring() -> None:
    from duluan.analysis.diacritics import needs_restoring

    assert needs_restoring("gia xang tang qua")
    assert needs_restoring("mn oi hnay gia xang tang qua, cảm on")  # one marked in nine
    assert not needs_restoring("Giá xăng tăng quá, dân khổ")
    assert not needs_restoring("") and not needs_restoring("123 !!!")


@pytest.mark.parametrize(
    "text",
    [
        "gia xang tang qua",
        "mot hai ba bốn",  # one marked in four: has marks enough
        "mot hai ba bon nam sáu",  # one in six: needs restoring
        "Ðường123abc ngõ-hẻm x_y ÀÁ",
        "  \t\n ",
    ],
)
def test_needs_restoring_counts_syllables_with_a_non_ascii_letter(text: str) -> None:
    import re

    from duluan.analysis.diacritics import needs_restoring

    syllables = re.findall(r"[^\W\d_]+", text)
    marked = [s for s in syllables if not s.isascii()]
    assert needs_restoring(text) == (bool(syllables) and len(marked) * 5 < len(syllables))
