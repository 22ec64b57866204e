"""The questionnaire editor's operations on a `Form`: each returns a new form or refuses with a
Vietnamese message naming the problem, and `check` lists what would stop a save."""

from __future__ import annotations

import pytest

from duluan.errors import BadInput
from duluan.i18n import translate
from duluan.surveys import editing
from duluan.surveys.form import Form
from duluan.surveys.xlsform import to_xform
from tests.surveys.workbooks import VI, opinion_form


def _form() -> Form:
    return opinion_form().form


def _names(form: Form) -> list[str]:
    return [q.name for _, q in form.walk()]


def _refused(key: str, call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(BadInput) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.key == f"editor.errors.{key}"
    return translate(caught.value.key, "vi", **caught.value.params)


def test_imported_form_checks_clean() -> None:
    assert editing.check(_form()) == []


def test_add_select_question_with_choices_and_follow_up() -> None:
    form = editing.add_choice(_form(), "co_khong", "co", {VI: "Có"})
    form = editing.add_choice(form, "co_khong", "khong", {VI: "Không"})
    form = editing.add_question(form, "select_one", "dung_app", label={VI: "Dùng ứng dụng?"},
                                choice_list="co_khong")  # fmt: skip
    form = editing.add_question(form, "text", "ten_app", label={VI: "Ứng dụng nào?"})
    form = editing.edit_question(form, "ten_app", relevant="${dung_app} = 'co'", required=True)
    assert _names(form)[-2:] == ["dung_app", "ten_app"]
    assert [c.name for c in form.choices("co_khong")] == ["co", "khong"]
    follow_up = form.find("ten_app")
    assert follow_up is not None and follow_up.required
    assert follow_up.relevant == "${dung_app} = 'co'"
    assert editing.check(form) == []
    assert Form.from_dict(form.to_dict()) == form  # stores as a version's JSON unchanged


def test_original_form_is_left_unchanged() -> None:
    form = _form()
    editing.add_question(form, "text", "moi")
    assert form.find("moi") is None


def test_add_question_refusals() -> None:
    form = _form()
    assert "loai_la" in _refused("unknown_type", editing.add_question, form, "loai_la", "x")
    message = _refused("bad_name", editing.add_question, form, "text", "câu 1")
    assert "câu 1" in message
    assert "tuoi" in _refused("duplicate_name", editing.add_question, form, "text", "tuoi")
    _refused("no_choice_list", editing.add_question, form, "select_one", "chon")
    _refused("not_a_group", editing.add_question, form, "text", "x", parent="tuoi")
    _refused("no_question", editing.add_question, form, "text", "x", parent="khong_co")


def test_groups_hold_questions_and_move_in_and_out() -> None:
    form = editing.add_question(_form(), "group", "nhom", label={VI: "Nhóm"})
    form = editing.add_question(form, "note", "ghi_chu", parent="nhom")
    assert form.path_of("ghi_chu") == ("nhom",)
    form = editing.move_to_group(form, "ly_do", "nhom")
    assert form.path_of("ly_do") == ("nhom",)
    assert [q.name for q in (form.find("nhom").children or ())] == ["ghi_chu", "ly_do"]  # type: ignore[union-attr]
    form = editing.move_question(form, "ly_do", "up")
    assert [q.name for q in form.find("nhom").children] == ["ly_do", "ghi_chu"]  # type: ignore[union-attr]
    _refused("cannot_move", editing.move_question, form, "ly_do", "up")
    form = editing.move_to_group(form, "ly_do", None)
    assert form.path_of("ly_do") == () and _names(form)[-1] == "ly_do"
    _refused("group_into_itself", editing.move_to_group, form, "nhom", "nhom")


def test_move_up_and_down_at_top_level() -> None:
    form = editing.move_question(_form(), "tuoi", "up")
    assert _names(form)[:3] == ["tinh", "tuoi", "xa"]
    form = editing.move_question(form, "tuoi", "down")
    assert _names(form)[:3] == ["tinh", "xa", "tuoi"]
    _refused("cannot_move", editing.move_question, form, "tinh", "up")
    _refused("cannot_move", editing.move_question, form, "nhom_tuoi", "down")


def test_edit_fields_and_refusals() -> None:
    form = editing.edit_question(
        _form(), "ly_do", label={VI: "Lý do", "English (en)": "Reason"}, hint={VI: "Ngắn gọn"},
        appearance="multiline", constraint="string-length(.) < 200",
        constraint_message={VI: "Tối đa 200 ký tự"},
    )  # fmt: skip
    edited = form.find("ly_do")
    assert edited is not None and edited.appearance == "multiline"
    assert edited.label["English (en)"] == "Reason"
    with pytest.raises(BadInput) as caught:
        editing.edit_question(form, "ly_do", relevant="${hai_long} = ")
    assert caught.value.key.startswith("expressions.errors.")
    _refused("unknown_field", editing.edit_question, form, "ly_do", type="integer")
    _refused("duplicate_name", editing.edit_question, form, "ly_do", name="tuoi")
    _refused("no_question", editing.edit_question, form, "khong_co", required=True)


def test_rename_unreferenced_and_referenced() -> None:
    form = editing.edit_question(_form(), "ly_do", name="ly_do_chua_hai_long")
    assert form.find("ly_do") is None and form.find("ly_do_chua_hai_long") is not None
    message = _refused("rename_referenced", editing.edit_question, form, "tuoi", name="tuoi2")
    assert "nhom_tuoi" in message


def test_delete_and_refuse_when_referenced() -> None:
    form = editing.delete_question(_form(), "ly_do")
    assert form.find("ly_do") is None
    message = _refused("delete_referenced", editing.delete_question, form, "tuoi")
    assert "nhom_tuoi" in message and "Không xoá được" in message
    assert "xa" in _refused("delete_referenced", editing.delete_question, form, "tinh")


def test_delete_group_refused_when_a_child_is_read_outside() -> None:
    form = editing.add_question(_form(), "group", "nhom")
    form = editing.move_to_group(form, "hai_long", "nhom")
    message = _refused("delete_referenced", editing.delete_question, form, "nhom")
    assert "ly_do" in message
    form = editing.move_to_group(form, "ly_do", "nhom")
    assert editing.delete_question(form, "nhom").find("hai_long") is None


def test_choice_list_operations() -> None:
    form = editing.add_choice(_form(), "muc_do", "binh_thuong", {VI: "Bình thường"})
    form = editing.move_choice(form, "muc_do", "binh_thuong", "up")
    assert [c.name for c in form.choices("muc_do")] == ["co", "binh_thuong", "khong"]
    form = editing.edit_choice(form, "muc_do", "binh_thuong", new_name="tam", label={VI: "Tạm"})
    assert form.choices("muc_do")[1].label == {VI: "Tạm"}
    form = editing.delete_choice(form, "muc_do", "tam")
    assert [c.name for c in form.choices("muc_do")] == ["co", "khong"]
    _refused("duplicate_choice", editing.add_choice, form, "muc_do", "co", {})
    _refused("duplicate_choice", editing.edit_choice, form, "muc_do", "co", new_name="khong")
    _refused("bad_choice_name", editing.add_choice, form, "muc_do", "1 a", {})
    _refused("no_choice", editing.delete_choice, form, "muc_do", "khac")
    _refused("no_list", editing.delete_choice, form, "khong_co", "a")
    _refused("cannot_move", editing.move_choice, form, "muc_do", "co", "up")
    assert "dvhc_tinh" in _refused("built_in_list", editing.add_choice, form, "dvhc_tinh", "a", {})
    form = editing.delete_choice(form, "muc_do", "co")
    message = _refused("list_emptied", editing.delete_choice, form, "muc_do", "khong")
    assert "hai_long" in message


def test_check_reports_broken_and_unknown_names() -> None:
    form = editing.add_question(_form(), "text", "ghi")
    # edit_question parses each expression; unknown names are only known at check time.
    form = editing.edit_question(form, "ghi", relevant="${khong_ton_tai} = 'a'")
    problems = editing.check(form)
    assert [(p.name, p.field, p.key) for p in problems] == [
        ("ghi", "relevant", "editor.errors.unknown_name")
    ]
    message = translate(problems[0].key, "vi", **problems[0].params)
    assert "${khong_ton_tai}" in message
    broken = Form.from_dict(
        {**form.to_dict(), "questions": [
            *[q.to_dict() for q in form.questions[:-1]],
            {"name": "ghi", "type": "text", "constraint": ". >"},
        ]}
    )  # fmt: skip
    assert [p.key.split(".")[0] for p in editing.check(broken)] == ["expressions"]
    form = editing.add_question(form, "select_one", "chon", choice_list="trong")
    assert editing.check(form)[-1].key == "editor.errors.empty_list"


def test_edited_form_converts_to_an_xform_with_the_skip_logic() -> None:
    """What the editor saves goes through the same pyxform conversion as an imported XLSForm."""
    form = editing.add_choice(_form(), "co_khong", "co", {VI: "Có"})
    form = editing.add_choice(form, "co_khong", "khong", {VI: "Không"})
    form = editing.add_question(form, "select_one", "dung_app", label={VI: "Dùng ứng dụng?"},
                                choice_list="co_khong")  # fmt: skip
    form = editing.add_question(form, "text", "ten_app", label={VI: "Ứng dụng nào?"})
    form = editing.edit_question(form, "ten_app", relevant="${dung_app} = 'co'")
    xform = to_xform(form)
    assert (
        '<bind nodeset="/data/ten_app" type="string" relevant=" /data/dung_app  = \'co\'"/>'
        in xform
    )
