import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from duluan.analysis import registry, training
from duluan.cli import app
from duluan.errors import BadInput

LABELLED = [
    ("cán bộ nhiệt tình, rất hài lòng", "positive"),
    ("dich vu tot, cam on", "positive"),
    ("đường đẹp, sạch sẽ", "positive"),
    ("thủ tục rườm rà, bực mình", "negative"),
    ("gia xang tang qua, kho qua", "negative"),
    ("chờ cả buổi chưa xong, chán", "negative"),
    ("lịch họp tổ dân phố tối nay", "neutral"),
    ("cho hỏi giờ làm việc của xã", "neutral"),
    ("thông báo cắt điện ngày mai", "neutral"),
] * 4  # repeated so that each label survives the held-out split


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def test_bad_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(
        '{"text": "tốt", "label": "positive"}\n'
        "not json\n"
        '["a list"]\n'
        '{"text": "x", "label": "happy"}\n'
        '{"label": "negative"}\n'
        "\n"
        '{"text": "tệ", "label": "negative"}\n',
        encoding="utf-8",
    )
    data = training.read_dataset(path, task="sentiment")
    assert data.texts == ["tốt", "tệ"] and data.labels == ["positive", "negative"]
    assert [s.line for s in data.skipped] == [2, 3, 4, 5]
    assert "happy" in data.skipped[2].reason


def test_csv_and_wrong_encodings(tmp_path: Path) -> None:
    csv_path = tmp_path / "data.csv"
    csv_path.write_text('text,label\n"tốt, rất tốt",positive\n', encoding="utf-8")
    assert training.read_dataset(csv_path, task="sentiment").texts == ["tốt, rất tốt"]
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"text": "caf\xe9", "label": "neutral"}\n'.encode("latin-1"))
    with pytest.raises(BadInput) as caught:
        training.read_dataset(latin, task="sentiment")
    assert caught.value.key == "errors.file_not_utf8"
    with pytest.raises(BadInput):
        training.read_dataset(tmp_path / "missing.jsonl", task="sentiment")


def test_train_writes_a_model_with_its_card_and_held_out_scores(tmp_path: Path) -> None:
    data_path = _jsonl(tmp_path / "train.jsonl", [{"text": t, "label": lab} for t, lab in LABELLED])
    card = training.train(
        "sentiment", training.read_dataset(data_path, task="sentiment"), tmp_path / "m", source="x"
    )
    assert (tmp_path / "m" / registry.ARTIFACT).is_file()
    assert registry.ModelCard.load(tmp_path / "m") == card
    assert card.task == "sentiment" and "held-out" in card.evaluated_on
    assert set(card.metrics) >= {"accuracy", "macro_f1", "confusion", "per_class"}


def test_cli_trains_and_evaluates_the_diacritics_model(tmp_path: Path) -> None:
    corpus = tmp_path / "vi.txt"
    corpus.write_text(
        "Giá xăng tăng quá.\nBà già đi chợ.\nGiá xăng hôm nay lại tăng.\n" * 5, encoding="utf-8"
    )
    runner = CliRunner()
    trained = runner.invoke(
        app,
        [
            "nlp",
            "train",
            "--task",
            "diacritics",
            "--data",
            str(corpus),
            "--out",
            str(tmp_path / "d"),
        ],
    )
    assert trained.exit_code == 0, trained.output
    result = runner.invoke(
        app,
        [
            "nlp",
            "evaluate",
            "--task",
            "diacritics",
            "--data",
            str(corpus),
            "--model",
            str(tmp_path / "d"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # identical lines share a hash, so a held-out sentence is never seen in training
    assert report["syllable_accuracy"] > 0.8 and report["sentences"] == 15


def test_cli_refuses_unknown_tasks_and_missing_models(tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "d.jsonl", [{"text": "tốt", "label": "positive"}])
    runner = CliRunner()
    bad_task = runner.invoke(
        app, ["nlp", "train", "--task", "mood", "--data", str(data), "--out", "x"]
    )
    assert bad_task.exit_code == 2 and "unknown task 'mood'" in bad_task.output
    no_model = runner.invoke(
        app,
        [
            "nlp",
            "evaluate",
            "--task",
            "sentiment",
            "--data",
            str(data),
            "--model",
            str(tmp_path / "nothing"),
        ],
    )
    assert no_model.exit_code == 2 and "not a model folder" in no_model.output


def test_one_label_is_refused_before_training(tmp_path: Path) -> None:
    data = _jsonl(
        tmp_path / "d.jsonl", [{"text": f"tốt {i}", "label": "positive"} for i in range(5)]
    )
    result = CliRunner().invoke(
        app,
        ["nlp", "train", "--task", "sentiment", "--data", str(data), "--out", str(tmp_path / "m")],
    )
    assert result.exit_code == 2 and "chỉ có một nhãn (positive)" in result.output
    assert not (tmp_path / "m").exists()
