"""The questionnaire schema: lookups and its JSON round trip."""

from __future__ import annotations

import json

import pytest

from duluan.surveys.form import GROUP, NO_LANGUAGE, REPEAT, Choice, Form, Question

VI, EN = "Tiếng Việt (vi)", "English (en)"


def _form() -> Form:
    member = Question(
        name="household",
        type=REPEAT,
        label={VI: "Thành viên hộ", EN: "Household member"},
        extra={"repeat_count": "${size}"},
        row=6,
        children=(
            Question(name="member_age", type="integer", constraint=". < 120", row=7),
            Question(
                name="member_sex",
                type="select_one",
                choice_list="sex",
                required=True,
                required_message={VI: "Cần trả lời", EN: "Required"},
                row=8,
            ),
        ),
    )
    return Form(
        form_id="khao_sat",
        title="Khảo sát thử",
        version="2025110101",
        default_language=VI,
        languages=(VI, EN),
        settings={"instance_name": "concat('hh-', ${size})"},
        questions=(
            Question(name="size", type="integer", label={VI: "Số người", EN: "People"}, row=2),
            Question(
                name="about",
                type=GROUP,
                relevant="${size} > 0",
                row=4,
                children=(member,),
            ),
            Question(name="total", type="calculate", calculation="${size} * 2", row=12),
        ),
        choice_lists={
            "sex": (
                Choice(name="1", label={VI: "Nam", EN: "Male"}),
                Choice(name="2", label={VI: "Nữ", EN: "Female"}, extra={"nhom": "b"}),
            )
        },
    )


def test_to_dict_round_trips_through_json_exactly() -> None:
    form = _form()
    stored = json.dumps(form.to_dict(), ensure_ascii=False)
    again = Form.from_dict(json.loads(stored))
    assert again == form
    assert json.dumps(again.to_dict(), ensure_ascii=False) == stored


def test_to_dict_has_a_stable_key_order_and_leaves_defaults_out() -> None:
    data = _form().to_dict()
    assert list(data) == [
        "format",
        "form_id",
        "title",
        "version",
        "default_language",
        "languages",
        "settings",
        "questions",
        "choice_lists",
    ]
    size = data["questions"][0]
    assert size == {
        "name": "size",
        "type": "integer",
        "label": {VI: "Số người", EN: "People"},
        "row": 2,
    }
    assert data["choice_lists"]["sex"][0] == {"name": "1", "label": {VI: "Nam", EN: "Male"}}


def test_a_minimal_form_keeps_its_defaults() -> None:
    form = Form(form_id="f", title="f", questions=(Question(name="q", type="text"),))
    assert form.to_dict() == {
        "format": 1,
        "form_id": "f",
        "title": "f",
        "questions": [{"name": "q", "type": "text"}],
    }
    assert Form.from_dict(form.to_dict()) == form
    assert form.default_language == NO_LANGUAGE


def test_from_dict_refuses_unknown_keys_and_other_layouts() -> None:
    data = _form().to_dict()
    data["questions"][0]["lable"] = {VI: "lỗi chính tả"}
    with pytest.raises(ValueError, match="lable"):
        Form.from_dict(data)
    with pytest.raises(ValueError, match="layout"):
        Form.from_dict({**_form().to_dict(), "format": 99})


def test_walk_is_depth_first_with_group_paths() -> None:
    walked = [(path, q.name) for path, q in _form().walk()]
    assert walked == [
        ((), "size"),
        ((), "about"),
        (("about",), "household"),
        (("about", "household"), "member_age"),
        (("about", "household"), "member_sex"),
        ((), "total"),
    ]


def test_find_and_path_of_reach_nested_questions() -> None:
    form = _form()
    sex = form.find("member_sex")
    assert sex is not None and sex.is_select and sex.row == 8
    assert form.path_of("member_sex") == ("about", "household")
    assert form.find("nobody") is None and form.path_of("nobody") is None
    assert [c.name for c in form.choices("sex")] == ["1", "2"]
    assert form.choices("missing") == ()
    household = form.find("household")
    assert household is not None and household.is_container and not household.is_select
