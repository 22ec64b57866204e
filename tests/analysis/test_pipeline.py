"""`duluan analyze` end to end with the shipped models, on mixed real-looking input."""

import json
from pathlib import Path

from typer.testing import CliRunner

from duluan.analysis.pipeline import TOPIC_THRESHOLD, default_analyzer
from duluan.analysis.registry import TASKS, ModelCard, shipped
from duluan.analysis.taxonomy import classify
from duluan.cli import app

INPUT = [
    {"id": 1, "text": "mn oi hnay gia xang tang qua, dan kho lam roi 😡😡", "source": "fb"},
    {"id": 2, "text": "Dự án ở huyện Sa Pa chậm GPMB, liên hệ a Nam 0912.345.678 để biết thêm"},
    {"id": 3, "text": "The new expressway from Hanoi to Lao Cai opened today."},
    {
        "id": 4,
        "text": "<script>alert(1)</script> cam on can bo xa Bat Xat nhiet tinh ho tro ba con",
    },
    {"id": 5, "text": "Tỉnh Yên Bái cũ nay thuộc Lào Cai, dân hỏi làm CCCD so 001203012345 ở đâu"},
]


def test_every_shipped_model_has_a_data_card() -> None:
    for task in ("sentiment", "topics", "diacritics"):
        card = ModelCard.load(shipped(task))
        assert card.task == task and card.version and card.metrics and "MIT" in card.licence
    assert set(TASKS) == {"sentiment", "topics", "diacritics"}


def test_one_text_gets_every_field() -> None:
    result = default_analyzer().analyze(INPUT[0]["text"])
    assert result["lang"] == "vi"
    assert result["text_restored"].startswith("mọi người ơi hôm nay giá xăng tăng")
    assert result["sentiment"]["label"] == "negative" and 0 < result["sentiment"]["score"] <= 1
    assert result["topics"] == ["economy_livelihood"]
    assert result["pii_masked"] is False and result["province_code"] is None
    assert set(result["models"]) == {"sentiment", "diacritics", "topics", "places"}


def test_personal_numbers_never_reach_the_output() -> None:
    second, fifth = (default_analyzer().analyze(INPUT[i]["text"]) for i in (1, 4))
    for result in (second, fifth):
        dumped = json.dumps(result, ensure_ascii=False)
        assert "0912" not in dumped and "001203012345" not in dumped and result["pii_masked"]
    assert "[SĐT]" in second["text_restored"] and "[CCCD]" in fifth["text_restored"]
    assert "CCCD" in fifth["text_normalized"].replace("[CCCD]", "")


def test_places_old_and_new_with_offsets_into_the_normalised_text() -> None:
    result = default_analyzer().analyze(INPUT[1]["text"])
    place = result["places"][0]
    assert result["text_normalized"][place["start"] : place["end"]] == place["mention"]
    assert (place["province_code"], result["province_code"]) == ("15", "15")
    old = default_analyzer().analyze(INPUT[4]["text"])
    assert old["province_code"] == "15"  # Yên Bái merged into Lào Cai in 2025


def test_the_trained_topic_model_adds_what_the_queries_miss() -> None:
    analyzer = default_analyzer()
    text = "Thầy cô dạy tận tình, các em tiến bộ rõ rệt sau học kỳ"
    assert classify(text) == ["other"]  # no query word of education in it
    guess = analyzer.topic_model.predict(text)
    assert guess.label == "education" and guess.score >= TOPIC_THRESHOLD
    assert analyzer.analyze(text)["topics"] == ["education"]


def test_english_is_not_restored() -> None:
    result = default_analyzer().analyze(INPUT[2]["text"])
    assert result["lang"] == "en" and result["text_restored"] == INPUT[2]["text"]


def test_cli_keeps_other_fields_and_skips_bad_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in INPUT]
    lines[2:2] = ["not json", '{"id": 99}', "[1, 2]", ""]
    source.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken bytes\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["analyze", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"written": 5, "skipped": 4}
    assert "in.jsonl:3: skipped: not JSON" in result.stderr
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in written] == [1, 2, 3, 4, 5] and written[0]["source"] == "fb"
    assert "<script>" in written[3]["text"]  # kept as data; pages escape it when they show it


def test_missing_input_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "none.jsonl"), "-o", "x.jsonl"])
    assert result.exit_code == 2 and "Không tìm thấy tệp" in result.output
