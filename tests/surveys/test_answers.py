"""Server-side checking of answers (surveys/answers.py) on forms read from XLSForm workbooks: every
kind of problem, skip logic dropping answers, calculations, the province → commune cascade, repeats,
and hostile input."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from duluan.errors import BadInput
from duluan.i18n import catalogue, translate
from duluan.surveys import answer_values
from duluan.surveys import answers as answers_module
from duluan.surveys.answers import (
    MAX_REPEAT_INSTANCES,
    MAX_TEXT_LENGTH,
    Checked,
    compile_form,
    raise_if_invalid,
    validate,
)
from duluan.surveys.form import Form
from duluan.surveys.xlsform import read_xlsform
from tests.surveys.workbooks import xlsx

VI = "Tiếng Việt (vi)"
TODAY = date(2026, 11, 24)
HA_NOI, CAO_BANG = "01", "04"
HOAN_KIEM, THUC_PHAN = "00070", "01273"  # a ward of Hà Nội, one of Cao Bằng

HEADER = (
    "type",
    "name",
    f"label::{VI}",
    "label::English (en)",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{VI}",
    "calculation",
    "choice_filter",
    f"required_message::{VI}",
)


def _row(kind: str, name: str = "", label: str = "", **columns: str) -> tuple[str, ...]:
    values = {"type": kind, "name": name, f"label::{VI}": label, **columns}
    return tuple(values.get(header, "") for header in HEADER)


SURVEY = [
    HEADER,
    _row("note", "intro", "Xin chào"),
    _row(
        "integer",
        "age",
        "Tuổi",
        required="yes",
        constraint=". >= 15 and . < 120",
        **{f"constraint_message::{VI}": "Tuổi từ 15 đến 119"},
    ),
    _row("select_one yes_no", "voted", "Đã đi bầu?", required="yes", relevant="${age} >= 18"),
    _row("select_multiple media", "sources", "Nguồn tin"),
    _row("decimal", "income", "Thu nhập (triệu đồng)", constraint=". >= 0"),
    _row("date", "born", "Ngày sinh", constraint=". <= today()"),
    _row("geopoint", "where", "Vị trí"),
    _row("text", "comment", "Ý kiến"),
    _row("select_one yes_no", "consent", "Đồng ý được liên hệ lại?"),
    _row(
        "text",
        "phone",
        "Số điện thoại",
        required="${consent} = '1'",
        **{f"required_message::{VI}": "Cần số điện thoại để liên hệ lại"},
    ),
    # `grown` reads `age_next`, written after it: calculations are settled in dependency order.
    _row("calculate", "grown", calculation="if(${age_next} > 19, 'yes', 'no')"),
    _row("calculate", "age_next", calculation="${age} + 1"),
    _row("begin group", "work", "Việc làm", relevant="${grown} = 'yes'"),
    _row("text", "job", "Nghề nghiệp", required="yes"),
    _row("end group"),
    _row("begin group", "place", "Nơi ở"),
    _row("select_one dvhc_tinh", "tinh", "Tỉnh/thành phố"),
    _row("select_one dvhc_xa", "xa", "Xã/phường", choice_filter="tinh=${tinh}"),
    _row("end group"),
    _row("integer", "size", "Số người trong hộ"),
    _row("begin repeat", "member", "Thành viên", relevant="${size} > 0"),
    _row("text", "member_name", "Tên gọi", required="yes"),
    _row("integer", "member_age", "Tuổi thành viên", constraint=". <= ${age} + 100"),
    _row("select_one sex", "member_sex", "Giới tính"),
    _row("end repeat"),
]
CHOICES = [
    ("list_name", "name", f"label::{VI}", "label::English (en)"),
    ("yes_no", "1", "Có", "Yes"),
    ("yes_no", "2", "Không", "No"),
    ("media", "tv", "Truyền hình", "Television"),
    ("media", "press", "Báo in", "Newspapers"),
    ("media", "online", "Báo điện tử", "News websites"),
    ("sex", "1", "Nam", "Male"),
    ("sex", "2", "Nữ", "Female"),
]
SETTINGS = [
    ("form_title", "form_id", "version", "default_language"),
    ("Khảo sát hộ gia đình", "ho_gia_dinh", "2026112401", VI),
]

VALID: dict[str, Any] = {
    "age": "34",
    "voted": "1",
    "sources": "tv online",
    "income": "12.5",
    "born": "1992-03-01",
    "where": "21.0285 105.8542 12 5",
    "comment": "Ổn",
    "consent": "2",
    "job": "Giáo viên",
    "tinh": HA_NOI,
    "xa": HOAN_KIEM,
    "size": "2",
    "member": [
        {"member_name": "Lan", "member_age": "30", "member_sex": "2"},
        {"member_name": "Minh", "member_age": "5", "member_sex": "1"},
    ],
}


@pytest.fixture(scope="module")
def form() -> Form:
    return read_xlsform(xlsx(SURVEY, CHOICES, SETTINGS), "ho_gia_dinh.xlsx").form


def _check(form: Form, **changes: Any) -> Checked:
    given = {**VALID, **changes}
    return validate(form, {k: v for k, v in given.items() if v is not ...}, today=TODAY)


def _only(checked: Checked) -> tuple[str, str, dict[str, object]]:
    assert len(checked.problems) == 1, checked.problems
    problem = checked.problems[0]
    return problem.name, problem.key, problem.params


def test_valid_answers_are_kept_and_calculations_computed(form: Form) -> None:
    checked = _check(form)
    assert checked.ok and checked.problems == ()
    assert checked.unknown == () and checked.not_relevant == ()
    assert checked.answers == {**VALID, "age_next": "35", "grown": "yes"}


def test_values_are_normalised(form: Form) -> None:
    checked = _check(
        form,
        age=" 034 ",
        income="+0012.500",
        sources="  online\ttv  online ",
        where="21.0285   105.8542",
        comment="Nguye\u0302\u0303n  ",  # decomposed, as typed on macOS
    )
    assert checked.ok, checked.problems
    assert checked.answers["age"] == "34"
    assert checked.answers["income"] == "12.5"
    assert checked.answers["sources"] == "online tv"
    assert checked.answers["where"] == "21.0285 105.8542"
    assert checked.answers["comment"] == "Nguyễn"
    assert _check(form, income="-0.0").answers["income"] == "0"
    assert _check(form, income=".5").answers["income"] == "0.5"
    for typed, stored in [("1.0E7", "10000000"), ("1.25e-3", "0.00125"), ("12.5e1", "125")]:
        assert _check(form, income=typed).answers["income"] == stored


def test_empty_and_null_count_as_unanswered(form: Form) -> None:
    checked = _check(form, comment="   ", income=None, where="")
    assert checked.ok
    assert {"comment", "income", "where"}.isdisjoint(checked.answers)


@pytest.mark.parametrize(
    ("changes", "name", "key"),
    [
        ({"age": ..., "member": ...}, "age", "required"),
        ({"age": "ba mươi", "member": ...}, "age", "not_integer"),
        ({"age": "34.0"}, "age", "not_integer"),
        ({"age": "99999999999"}, "age", "integer_out_of_range"),
        ({"income": "12,5"}, "income", "not_number"),
        ({"income": "1e"}, "income", "not_number"),
        ({"income": "1E999"}, "income", "not_number"),
        ({"income": "."}, "income", "not_number"),
        ({"born": "24/11/1990"}, "born", "not_date"),
        ({"born": "1990-02-30"}, "born", "not_date"),
        ({"where": "91 105"}, "where", "not_geopoint"),
        ({"where": "21 181"}, "where", "not_geopoint"),
        ({"where": "21"}, "where", "not_geopoint"),
        ({"where": "21 105 10 -1"}, "where", "not_geopoint"),
        ({"where": "21 105 10 5 7"}, "where", "not_geopoint"),
        ({"voted": "3"}, "voted", "not_a_choice"),
        ({"voted": "1 2"}, "voted", "several_choices"),
        ({"sources": "tv radio"}, "sources", "not_a_choice"),
        ({"xa": THUC_PHAN}, "xa", "choice_filtered"),
        ({"tinh": "99", "xa": ...}, "tinh", "not_a_choice"),
        ({"income": "-1"}, "income", "constraint"),
        ({"born": "2027-01-01"}, "born", "constraint"),
        ({"age": "12"}, "age", "constraint_message"),
        ({"consent": "1"}, "phone", "required_message"),
        ({"comment": "x" * (MAX_TEXT_LENGTH + 1)}, "comment", "too_long"),
        ({"comment": "a\x00b"}, "comment", "control_characters"),
        ({"comment": 12}, "comment", "wrong_type"),
        ({"age": 34, "member": ...}, "age", "wrong_type"),
        ({"sources": ["tv", "online"]}, "sources", "wrong_type"),
        ({"comment": {"text": "x"}}, "comment", "wrong_type"),
        ({"comment": True}, "comment", "wrong_type"),
        ({"member": "Lan"}, "member", "repeat_not_list"),
        ({"member": ["Lan"]}, "member", "instance_not_object"),
    ],
)
def test_each_problem_kind(form: Form, changes: dict[str, Any], name: str, key: str) -> None:
    found_name, found_key, params = _only(_check(form, **changes))
    assert (found_name, found_key) == (name, f"answers.errors.{key}")
    assert params["label"] == form.find(name).label[VI]  # type: ignore[union-attr]
    for locale in ("vi", "en"):  # every message fills its placeholders
        message = translate(found_key, locale, **params)
        assert not re.search(r"\{[a-z_]+\}", message) and str(params["label"]) in message


def test_messages_name_the_question_and_use_the_forms_own_texts(form: Form) -> None:
    problem = _check(form, age="12").problems[0]
    assert problem.message("vi") == "Tuổi: Tuổi từ 15 đến 119"
    problem = _check(form, consent="1").problems[0]
    assert problem.message("vi") == "Số điện thoại: Cần số điện thoại để liên hệ lại"
    problem = _check(form, xa=THUC_PHAN).problems[0]
    assert "Phường Thục Phán" in problem.message("vi")  # the choice's label, not its code
    problem = _check(form, age="abc").problems[0]
    assert problem.message("vi") == "Tuổi: “abc” không phải số nguyên."


def test_required_if_and_skip_logic(form: Form) -> None:
    assert _check(form, consent="1", phone="0912345678").ok
    # under 18: `voted` is not asked, so its answer is dropped and its being required is moot
    checked = _check(form, age="16")
    assert checked.ok, checked.problems
    assert "voted" not in checked.answers and checked.not_relevant == ("voted", "job")
    # `grown` is "no" below 19, so the group `work` is hidden and `job` (required) dropped too
    assert "job" not in checked.answers and checked.answers["grown"] == "no"
    checked = _check(form, age="16", voted=..., job=...)
    assert checked.ok and checked.not_relevant == ()


def test_required_in_a_relevant_group_and_hidden_repeat(form: Form) -> None:
    assert _only(_check(form, job=...))[:2] == ("job", "answers.errors.required")
    checked = _check(form, size="0")  # the repeat is not relevant: its instances are dropped
    assert checked.ok and "member" not in checked.answers
    assert checked.not_relevant == ("member",)


def test_an_invalid_answer_counts_as_given_text_in_other_expressions(form: Form) -> None:
    checked = _check(form, age="abc")
    assert checked.answers["age"] == "abc"  # kept as typed, so a draft can be shown back
    assert "age_next" not in checked.answers  # "abc" + 1 is NaN: left unanswered
    assert "voted" not in checked.answers  # "abc" >= 18 is false


def test_calculations_are_never_taken_from_the_client(form: Form) -> None:
    checked = _check(form, age_next="999", grown="yes", age="20")
    assert checked.ok
    assert checked.answers["age_next"] == "21" and checked.answers["grown"] == "yes"
    assert checked.unknown == ()


def test_unknown_names_are_dropped_and_listed(form: Form) -> None:
    checked = _check(
        form,
        nope="1",
        place="x",  # a group has no answer
        member_name="Lan",  # a question of the repeat, given outside it
        member=[{"member_name": "Lan", "extra": "1"}],
    )
    assert checked.ok
    assert checked.unknown == ("nope", "place", "member_name", "member[1]/extra")
    assert {"nope", "place", "member_name"}.isdisjoint(checked.answers)
    assert checked.answers["member"] == [{"member_name": "Lan"}]
    many = validate(form, {**VALID, **{f"x{n}": "1" for n in range(1000)}}, today=TODAY)
    assert len(many.unknown) == 100 and many.unknown_count == 1000


def test_repeat_problems_name_the_instance_and_read_outside_answers(form: Form) -> None:
    members = [
        {"member_name": "Lan", "member_age": "30"},
        {"member_age": "150"},  # no name, and older than 34 + 100
    ]
    checked = _check(form, member=members)
    assert [(p.name, p.key, p.repeat_path) for p in checked.problems] == [
        ("member_name", "answers.errors.required", (("member", 2),)),
        ("member_age", "answers.errors.constraint", (("member", 2),)),
    ]
    assert checked.problems[0].message("vi") == (
        "Thành viên (lượt thứ 2) — Tên gọi: câu hỏi này bắt buộc phải trả lời."
    )
    members[1]["member_name"] = "Bé"
    assert _check(form, member=members, age="60").ok  # the constraint reads ${age} outside


def test_too_many_repeat_instances(form: Form) -> None:
    members = [{"member_name": "Lan"}] * (MAX_REPEAT_INSTANCES + 1)
    name, key, params = _only(_check(form, member=members))
    assert (name, key) == ("member", "answers.errors.too_many_instances")
    assert params["count"] == MAX_REPEAT_INSTANCES + 1


def test_problems_come_in_form_order_one_per_question(form: Form) -> None:
    checked = _check(form, xa=THUC_PHAN, age="abc", income="-5", comment=5, member=...)
    assert [p.name for p in checked.problems] == ["age", "income", "comment", "xa"]


def test_hostile_text_is_kept_as_text(form: Form) -> None:
    script = "<script>alert('x')</script> & ${age} ' or 1=1 --"
    checked = _check(form, comment=script, job="x" * MAX_TEXT_LENGTH)
    assert checked.ok
    assert checked.answers["comment"] == script  # escaping is the page's job
    assert len(checked.answers["job"]) == MAX_TEXT_LENGTH
    too_long = _check(form, comment="ê" * 1_000_000)
    assert too_long.problems[0].params["length"] == 1_000_000
    assert "comment" not in too_long.answers


def test_wrong_top_level_types_are_refused(form: Form) -> None:
    for given in ([], "age=34", None, 7):
        with pytest.raises(BadInput) as caught:
            validate(form, given, today=TODAY)  # type: ignore[arg-type]
        assert caught.value.key == "answers.errors.not_an_object"


def test_or_other_accepts_other(form: Form) -> None:
    rows = [HEADER, _row("select_one yes_no or_other", "q", "Câu hỏi")]
    other_form = read_xlsform(xlsx(rows, CHOICES, SETTINGS), "f.xlsx").form
    assert validate(other_form, {"q": "other"}).ok
    assert not validate(other_form, {"q": "maybe"}).ok


def test_raise_if_invalid(form: Form) -> None:
    raise_if_invalid(_check(form))
    with pytest.raises(BadInput) as caught:
        raise_if_invalid(_check(form, age="abc", income="-1", member=...))
    error = caught.value
    assert error.key == "answers.errors.invalid"
    assert translate(error.key, "vi", **error.params) == (
        "Có 2 câu trả lời chưa hợp lệ; câu đầu tiên cần sửa: “Tuổi”."
    )
    assert len(error.params["problems"]) == 2  # type: ignore[arg-type]


def test_compiled_form_is_built_once_per_form(form: Form) -> None:
    assert compile_form(form) is compile_form(form)
    assert validate(compile_form(form), VALID, today=TODAY).ok


def test_a_broken_expression_in_the_form_is_a_clear_error() -> None:
    rows = [HEADER, _row("integer", "q", "Câu hỏi")]
    imported = read_xlsform(xlsx(rows, CHOICES, SETTINGS), "f.xlsx").form
    broken = replace(imported, questions=(replace(imported.questions[0], relevant="${q} >"),))
    with pytest.raises(BadInput) as caught:
        validate(broken, {"q": "1"})
    assert caught.value.key.startswith("expressions.errors.")


def test_every_message_key_exists_in_both_languages() -> None:
    keys = {k for k in catalogue("vi") if k.startswith("answers.errors.")}
    assert keys == {k for k in catalogue("en") if k.startswith("answers.errors.")}
    used: set[str] = set()
    for module in (answers_module, answer_values):
        code = Path(str(module.__file__)).read_text(encoding="utf-8")
        used |= set(re.findall(r'"(answers\.errors\.[a-z_]+)"', code))
    assert len(used) > 15 and used <= keys


def _big_form(questions: int) -> tuple[Form, dict[str, Any]]:
    """`questions` questions in groups of ten, each group shown by the group before it, with
    constraints, selects and calculations, and a valid answer set."""
    rows: list[tuple[str, ...]] = [HEADER]
    answers: dict[str, Any] = {}
    for group in range(questions // 10):
        shown = f"${{q{group - 1}_0}} >= 0" if group else ""
        rows.append(_row("begin group", f"g{group}", f"Nhóm {group}", relevant=shown))
        for n in range(10):
            name = f"q{group}_{n}"
            if n == 9:
                rows.append(_row("calculate", name, calculation=f"${{q{group}_0}} * 2"))
            elif n % 3 == 1:
                rows.append(_row("select_one yes_no", name, f"Câu {name}", required="yes"))
                answers[name] = "1"
            elif n % 3 == 2:
                rows.append(_row("text", name, f"Câu {name}", relevant=f"${{q{group}_1}} = '1'"))
                answers[name] = "Câu trả lời khá dài " * 5
            else:
                rows.append(_row("integer", name, f"Câu {name}", constraint=". >= 0 and . < 200"))
                answers[name] = str(group + n)
        rows.append(_row("end group"))
    form = read_xlsform(xlsx(rows, CHOICES, SETTINGS), "big.xlsx").form
    return form, answers


def test_a_300_question_form_with_chained_groups() -> None:
    form, given = _big_form(300)
    checked = validate(form, given, today=TODAY)
    assert checked.ok, checked.problems[:3]
    assert len(checked.answers) == 300 and checked.answers["q29_9"] == "58"
    # a negative first answer hides group 1, which hides group 2, … down the chain
    hidden = validate(form, {**given, "q0_0": "-1"}, today=TODAY)
    assert [p.name for p in hidden.problems] == ["q0_0"]
    assert "q29_0" not in hidden.answers and "q1_0" in hidden.not_relevant
    # speed is measured outside the tests: .venv/bin/python -m tests.surveys.test_answers


if __name__ == "__main__":  # the benchmark: .venv/bin/python -m tests.surveys.test_answers
    big, big_answers = _big_form(300)
    started = time.perf_counter()
    compile_form(big)
    compile_ms = (time.perf_counter() - started) * 1000
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        validate(big, big_answers, today=TODAY)
    print(f"300-question form: compiled once in {compile_ms:.1f} ms; ", end="")
    print(f"one answer set validated in {(time.perf_counter() - started) * 1000 / rounds:.2f} ms")
