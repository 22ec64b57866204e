from pathlib import Path

import pytest

from duluan.analysis.classifier import LinearModel, Scorer, train
from duluan.analysis.features import features, pair_features, pair_names, words
from duluan.analysis.metrics import classification_report

TEXTS = {
    "negative": [
        "giá xăng tăng quá, dân khổ",
        "dich vu qua te, cho doi ca buoi",
        "thái độ cán bộ rất tệ",
        "đường ngập hoài chán quá",
        "buc xuc vi den bu khong thoa dang",
        "bệnh viện quá tải, chờ mệt",
        "lừa đảo khắp nơi, sợ thật",
        "tệ hại, không ai giải quyết",
        "chán nản với thủ tục rườm rà",
    ],
    "positive": [
        "cán bộ xã nhiệt tình, cảm ơn nhiều",
        "dich vu nhanh gon, rat hai long",
        "con đường mới đẹp quá",
        "tuyệt vời, làm thủ tục online rất tiện",
        "cam on chinh quyen da ho tro kip thoi",
        "bác sĩ tận tâm, rất hài lòng",
        "chính sách hay, ủng hộ",
        "rất tốt, mong phát huy",
    ],
    "neutral": [
        "lịch họp dân vào tối thứ bảy",
        "cho hoi thu tuc lam can cuoc o dau",
        "xã tổ chức tiêm phòng",
        "thông báo lịch cắt điện ngày mai",
        "giá vàng hôm nay đi ngang",
        "ubnd xa thong bao lich tiep dan",
        "trường khai giảng vào ngày 5 tháng 9",
        "hỏi giờ làm việc của bộ phận một cửa",
    ],
}


@pytest.fixture(scope="module")
def model() -> LinearModel:
    texts = [t for group in TEXTS.values() for t in group]
    labels = [label for label, group in TEXTS.items() for _ in group]
    return train(texts, labels, min_count=1, c=20.0)


def test_features_see_words_with_and_without_marks() -> None:
    found = features("Giá XĂNG tăng!")
    assert {
        "w:giá",
        "f:gia",
        "w:xăng",
        "f:xang",
        "b:giá xăng",
        "g:gia xang",
        "w:!",
        "c:<xa",
    } <= found


def test_fits_its_training_data_and_gives_probabilities(model: LinearModel) -> None:
    for label, group in TEXTS.items():
        for text in group:
            prediction = model.predict(text)
            assert prediction.label == label, text
            assert abs(sum(prediction.probabilities.values()) - 1) < 1e-9
            assert prediction.score == max(prediction.probabilities.values())


def test_generalises_a_little_across_diacritics(model: LinearModel) -> None:
    assert model.predict("rat hai long voi can bo").label == "positive"
    assert model.predict("chán quá, tệ thật").label == "negative"


def test_empty_text_falls_back_to_the_prior(model: LinearModel) -> None:
    prediction = model.predict("")
    assert set(prediction.probabilities) == {"negative", "neutral", "positive"}


def test_two_classes_work_too() -> None:
    binary = train(
        ["tốt lắm", "rất tốt", "tệ quá", "quá tệ"], ["pos", "pos", "neg", "neg"], min_count=1
    )
    assert binary.predict("tốt").label == "pos" and binary.predict("tệ").label == "neg"


def test_save_and_load_round_trip(model: LinearModel, tmp_path: Path) -> None:
    path = tmp_path / "m.json.gz"
    model.save(path)
    loaded = LinearModel.load(path)
    text = "cán bộ nhiệt tình nhưng thủ tục rườm rà"
    assert loaded.predict(text).label == model.predict(text).label
    assert abs(loaded.predict(text).score - model.predict(text).score) < 1e-3


def test_report_scores() -> None:
    report = classification_report(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert report["accuracy"] == 0.75
    assert report["confusion"] == [[1, 1], [0, 2]]
    assert report["per_class"]["a"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2}
    assert abs(report["macro_f1"] - (2 / 3 + 0.8) / 2) < 1e-12
    with pytest.raises(ValueError, match="differ in length"):
        classification_report(["a"], [])


def test_a_damaged_model_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.json.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match=r"broken\.json\.gz is not a readable duluan-linear/1"):
        LinearModel.load(path)


def test_cached_word_rows_give_the_same_scores_as_the_plain_features(model: LinearModel) -> None:
    import math

    text = "cán bộ nhiệt tình nhưng thủ tục rườm rà, chán quá!"
    present = [model.weights[f] for f in features(text) if f in model.weights]
    logits = [
        b + sum(w[k] for w in present) / math.sqrt(len(present))
        for k, b in enumerate(model.intercept)
    ]
    total = sum(math.exp(v) for v in logits)
    expected = {label: math.exp(v) / total for label, v in zip(model.labels, logits, strict=True)}
    for _ in range(2):  # the second time from the cache
        got = model.predict(text).probabilities
        assert all(abs(got[k] - expected[k]) < 1e-9 for k in expected)


def test_pair_names_are_the_pair_features() -> None:
    assert set(pair_names("Giá", "xăng")) == pair_features(["Giá", "xăng"])
    assert pair_names("giá", "xăng") == ("b:giá xăng", "g:gia xang")


def test_scorer_rows_are_the_rows_of_the_text_features(model: LinearModel) -> None:
    scorer = Scorer((model,))
    for text in [*TEXTS["negative"], *TEXTS["positive"], "", "một", "giá xăng giá xăng!"]:
        expected = {scorer._row[f] for f in features(text) if f in scorer._row}
        for _ in range(2):  # the second time from memory
            assert scorer.rows(words(text)) == expected
