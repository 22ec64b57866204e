"""XLSForm import and export: the Form read, the XForm pyxform makes of it, the round trip, and a
clear row-numbered message for each kind of broken file. Workbooks are built here with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

import openpyxl
import pytest
from defusedxml import ElementTree as ET

from duluan.errors import BadInput, PayloadTooLarge
from duluan.i18n import translate
from duluan.surveys import xlsform
from duluan.surveys.form import NO_LANGUAGE, Question
from duluan.surveys.xlsform import read_xlsform, to_xform, write_xlsform
from tests.surveys.workbooks import xlsx

VI, EN = "Tiếng Việt (vi)", "English (en)"
NS = {
    "x": "http://www.w3.org/2002/xforms",
    "h": "http://www.w3.org/1999/xhtml",
    "jr": "http://openrosa.org/javarosa",
}
Rows = Sequence[Sequence[object]]


def _bad(data: bytes, filename: str = "bang_hoi.xlsx") -> BadInput:
    with pytest.raises(BadInput) as caught:
        read_xlsform(data, filename)
    return caught.value


def _binds(xform: str) -> dict[str, dict[str, str]]:
    root = ET.fromstring(xform)
    return {b.attrib["nodeset"]: b.attrib for b in root.iter(f"{{{NS['x']}}}bind")}


JR = f"{{{NS['jr']}}}"

# A household questionnaire in Vietnamese and English using every type the issue names.
SURVEY = [
    (
        "type",
        "name",
        "label::Tiếng Việt (vi)",
        "label::English (en)",
        "hint::Tiếng Việt (vi)",
        "required",
        "relevant",
        "constraint",
        "constraint_message::Tiếng Việt (vi)",
        "constraint_message::English (en)",
        "calculation",
        "choice_filter",
        "appearance",
    ),
    ("note", "intro", "Xin chào", "Hello"),
    (
        "integer",
        "age",
        "Tuổi",
        "Age",
        "Tính theo năm",
        "yes",
        "",
        ". >= 15 and . < 120",
        "Tuổi từ 15 đến 119",
        "Age 15 to 119",
    ),
    ("select_one yes_no", "voted", "Đã đi bầu?", "Did you vote?", "", "yes", "${age} >= 18"),
    ("select_multiple media", "sources", "Nguồn tin", "News sources"),
    (
        "decimal",
        "income",
        "Thu nhập (triệu đồng)",
        "Income (million VND)",
        "",
        "",
        "",
        ". >= 0",
        "Không âm",
        "Not negative",
    ),
    ("date", "born", "Ngày sinh", "Date of birth"),
    ("geopoint", "where", "Vị trí", "Location"),
    ("text", "comment", "Ý kiến", "Comment", "", "", "", "", "", "", "", "", "multiline"),
    ("calculate", "age_next", "", "", "", "", "", "", "", "", "${age} + 1"),
    ("begin group", "place", "Nơi ở", "Residence"),
    ("select_one dvhc_tinh", "tinh", "Tỉnh/thành phố", "Province"),
    (
        "select_one dvhc_xa",
        "xa",
        "Xã/phường",
        "Commune",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "tinh=${tinh}",
    ),
    ("end group",),
    ("integer", "size", "Số người trong hộ", "Household size"),
    ("begin repeat", "member", "Thành viên", "Member", "", "", "${size} > 0"),
    ("text", "member_name", "Tên gọi", "First name"),
    ("select_one sex", "member_sex", "Giới tính", "Sex"),
    ("end repeat",),
]
CHOICES = [
    ("list_name", "name", "label::Tiếng Việt (vi)", "label::English (en)"),
    ("yes_no", "1", "Có", "Yes"),
    ("yes_no", "2", "Không", "No"),
    ("media", "tv", "Truyền hình", "Television"),
    ("media", "press", "Báo in", "Newspapers"),
    ("media", "online", "Báo điện tử", "News websites"),
    ("sex", "1", "Nam", "Male"),
    ("sex", "2", "Nữ", "Female"),
]
SETTINGS = [
    ("form_title", "form_id", "version", "default_language", "instance_name"),
    ("Khảo sát hộ gia đình", "ho_gia_dinh", "2025110101", VI, "concat('hộ-', ${size})"),
]


@pytest.fixture(scope="module")
def household() -> xlsform.ImportedForm:
    return read_xlsform(xlsx(SURVEY, CHOICES, SETTINGS), "ho_gia_dinh.xlsx")


def test_reads_settings_languages_and_every_question_type(
    household: xlsform.ImportedForm,
) -> None:
    form = household.form
    assert (form.form_id, form.title, form.version) == (
        "ho_gia_dinh",
        "Khảo sát hộ gia đình",
        "2025110101",
    )
    assert form.default_language == VI and form.languages == (VI, EN)
    assert form.settings == {"instance_name": "concat('hộ-', ${size})"}
    types = {q.name: q.type for _, q in form.walk()}
    assert types == {
        "intro": "note",
        "age": "integer",
        "voted": "select_one",
        "sources": "select_multiple",
        "income": "decimal",
        "born": "date",
        "where": "geopoint",
        "comment": "text",
        "age_next": "calculate",
        "place": "group",
        "tinh": "select_one",
        "xa": "select_one",
        "size": "integer",
        "member": "repeat",
        "member_name": "text",
        "member_sex": "select_one",
    }
    age = form.find("age")
    assert age == Question(
        name="age",
        type="integer",
        label={VI: "Tuổi", EN: "Age"},
        hint={VI: "Tính theo năm"},
        required=True,
        constraint=". >= 15 and . < 120",
        constraint_message={VI: "Tuổi từ 15 đến 119", EN: "Age 15 to 119"},
        row=3,
    )
    voted = form.find("voted")
    assert voted is not None and voted.choice_list == "yes_no"
    assert voted.relevant == "${age} >= 18"
    calculated = form.find("age_next")
    assert calculated is not None and calculated.calculation == "${age} + 1"
    comment = form.find("comment")
    assert comment is not None and comment.appearance == "multiline"
    assert form.path_of("member_sex") == ("member",)
    assert form.path_of("xa") == ("place",)
    assert [c.label[EN] for c in form.choices("sex")] == ["Male", "Female"]


def test_xform_carries_types_skip_logic_constraints_and_calculations(
    household: xlsform.ImportedForm,
) -> None:
    binds = _binds(household.xform)
    assert binds["/data/age"]["type"] == "int"
    assert binds["/data/age"]["required"] == "true()"
    assert binds["/data/age"]["constraint"] == ". >= 15 and . < 120"
    assert JR + "constraintMsg" in binds["/data/age"]
    assert binds["/data/voted"]["relevant"].split() == ["/data/age", ">=", "18"]
    assert binds["/data/income"]["type"] == "decimal"
    assert binds["/data/born"]["type"] == "date"
    assert binds["/data/where"]["type"] == "geopoint"
    assert binds["/data/age_next"]["calculate"].split() == ["/data/age", "+", "1"]
    assert "relevant" in binds["/data/member"]
    root = ET.fromstring(household.xform)
    instance = root.find(".//x:model/x:instance/x:data", NS)
    assert instance is not None  # what OpenRosa's formList announces
    assert (instance.attrib["id"], instance.attrib["version"]) == ("ho_gia_dinh", "2025110101")
    repeats = [r.attrib["nodeset"] for r in root.iter(f"{{{NS['x']}}}repeat")]
    assert repeats == ["/data/member"]
    assert root.find(".//x:select", NS) is not None  # select_multiple


def test_translations_in_both_languages_with_vietnamese_first(
    household: xlsform.ImportedForm,
) -> None:
    root = ET.fromstring(household.xform)
    translations = root.findall(".//x:itext/x:translation", NS)
    assert [t.attrib["lang"] for t in translations] == [VI, EN]
    assert translations[0].attrib.get("default") == "true()"
    texts = {
        t.attrib["lang"]: {text.attrib["id"]: text.findtext("x:value", namespaces=NS) for text in t}
        for t in translations
    }
    assert texts[VI]["/data/age:label"] == "Tuổi"
    assert texts[EN]["/data/age:label"] == "Age"
    assert texts[EN]["/data/age:jr:constraintMsg"] == "Age 15 to 119"


def test_province_commune_cascade_from_the_built_in_lists(
    household: xlsform.ImportedForm,
) -> None:
    form = household.form
    provinces, communes = form.choices("dvhc_tinh"), form.choices("dvhc_xa")
    assert len(provinces) == 34 and len(communes) == 3321
    lao_cai = next(p for p in provinces if p.label[VI] == "Lào Cai")
    assert lao_cai.name == "15" and lao_cai.label[EN] == "Lào Cai"
    assert {c.extra["tinh"] for c in communes} == {p.name for p in provinces}
    assert all(set(c.label) == {VI, EN} for c in communes)

    root = ET.fromstring(household.xform)
    itemsets = {
        select.attrib["ref"]: select.find("x:itemset", NS)
        for select in root.iter(f"{{{NS['x']}}}select1")
    }
    commune_set = itemsets["/data/place/xa"]
    assert commune_set is not None
    assert commune_set.attrib["nodeset"].replace(" ", "") == (
        "instance('dvhc_xa')/root/item[tinh=/data/place/tinh]"
    )
    instance = root.find(".//x:instance[@id='dvhc_xa']", NS)
    assert instance is not None
    items = instance.findall("x:root/x:item", NS)
    assert len(items) == 3321
    in_lao_cai = [i for i in items if i.findtext("x:tinh", namespaces=NS) == "15"]
    assert len(in_lao_cai) == len(
        lao_cai_communes := [c for c in communes if c.extra["tinh"] == "15"]
    )
    assert {i.findtext("x:name", namespaces=NS) for i in in_lao_cai} == {
        c.name for c in lao_cai_communes
    }


def test_a_list_in_the_choices_sheet_wins_over_the_built_in_one() -> None:
    survey = [("type", "name", "label"), ("select_one dvhc_tinh", "tinh", "Tỉnh")]
    choices = [("list_name", "name", "label"), ("dvhc_tinh", "15", "Lào Cai")]
    form = read_xlsform(xlsx(survey, choices), "mot_tinh.xlsx").form
    assert [c.name for c in form.choices("dvhc_tinh")] == ["15"]
    assert form.form_id == "mot_tinh" and form.title == "mot_tinh"
    assert form.languages == (NO_LANGUAGE,)
    assert form.find("tinh") == Question(
        name="tinh", type="select_one", choice_list="dvhc_tinh", label={NO_LANGUAGE: "Tỉnh"}, row=2
    )


def test_headers_are_matched_without_regard_to_case_and_aliases() -> None:
    survey = [
        (
            "TYPE",
            "Name",
            "Label::English (en)",
            "Relevance",
            "Calculate",
            "Required",
            "media::image",
        ),
        ("Integer", "n", "Number", "", "", "TRUE", "n.png"),
        ("calculate", "double", "", "${n} > 0", "${n} * 2"),
    ]
    form = read_xlsform(xlsx(survey), "f.xlsx").form
    first, second = form.questions
    assert first.type == "integer" and first.required and first.label == {EN: "Number"}
    assert first.extra == {"media::image": "n.png"}
    assert second.relevant == "${n} > 0" and second.calculation == "${n} * 2"


def test_round_trip_through_write_xlsform(household: xlsform.ImportedForm) -> None:
    written = write_xlsform(household.form)
    again = read_xlsform(written, "written.xlsx")
    assert again.form == household.form
    assert again.xform == household.xform
    names = openpyxl.load_workbook(io.BytesIO(written), read_only=True).sheetnames
    assert names == ["survey", "choices", "settings"]


def test_round_trip_keeps_row_numbers_and_text_that_looks_like_a_formula() -> None:
    survey = [
        ("type", "name", "label", "constraint", "or_other_note"),
        ("text", "a", "Một", "", "x"),
        (),
        (),
        ("select_one yn or_other", "b", "Có hay không?"),
        ("begin group", "g", "Nhóm"),
        (),
        ("text", "c", "Ba"),
        ("end group",),
        ("note", "", "Cảm ơn"),
    ]
    choices = [
        ("list_name", "name", "label", "nhom"),
        ("yn", "1", "Có", "a"),
        ("yn", "2", "Không", "b"),
    ]
    form = read_xlsform(xlsx(survey, choices), "rows.xlsx").form
    assert [(q.name, q.row) for _, q in form.walk()] == [
        ("a", 2),
        ("b", 5),
        ("g", 6),
        ("c", 8),
        ("generated_note_name_10", 10),
    ]
    b = form.find("b")
    assert b is not None and b.or_other and b.choice_list == "yn"
    assert form.choices("yn")[1].extra == {"nhom": "b"}
    assert read_xlsform(write_xlsform(form), "rows.xlsx").form == form
    # Text starting with "=" is written as text, not as a formula Excel would compute.
    a = replace(form.questions[0], label={NO_LANGUAGE: "= Tổng số"})
    formula_like = replace(form, questions=(a, *form.questions[1:]))
    assert read_xlsform(write_xlsform(formula_like), "rows.xlsx").form == formula_like


def test_to_xform_of_a_form_built_without_a_file() -> None:
    from duluan.surveys.form import Choice, Form

    form = Form(
        form_id="editor",
        title="Từ trình soạn thảo",
        questions=(
            Question(name="q", type="select_one", choice_list="yn", label={NO_LANGUAGE: "Hỏi"}),
        ),
        choice_lists={"yn": (Choice(name="1", label={NO_LANGUAGE: "Có"}),)},
    )
    root = ET.fromstring(to_xform(form))
    assert root.findtext(".//h:title", namespaces=NS) == "Từ trình soạn thảo"
    assert root.find(".//x:select1[@ref='/data/q']", NS) is not None


# ---------------------------------------------------------------- bad input


def _says(error: BadInput, *fragments: str) -> None:
    message = translate(error.key, "vi", **error.params)
    for fragment in fragments:
        assert fragment in message, message


def test_a_file_that_is_notxlsx() -> None:
    error = _bad(b"type,name\ntext,q\n", "form.xlsx")
    assert error.key == "xlsform.errors.not_xlsx"
    _says(error, "form.xlsx", ".xlsx")
    assert _bad(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "cu.xls").key == "xlsform.errors.old_xls"


def test_a_corrupt_zip() -> None:
    data = xlsx([("type", "name"), ("text", "q")])
    error = _bad(data[: len(data) // 2])
    assert error.key == "xlsform.errors.not_xlsx"


def test_a_zip_whose_sheet_is_damaged() -> None:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx([("type", "name"), ("text", "q")])))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            part = source.read(name)
            target.writestr(name, part[: len(part) // 2] if "worksheets/" in name else part)
    error = _bad(damaged.getvalue())
    assert error.key == "xlsform.errors.not_xlsx"


def test_a_file_above_the_size_limit() -> None:
    with pytest.raises(PayloadTooLarge) as caught:
        read_xlsform(b"PK" + b"\0" * xlsform.MAX_BYTES, "lon.xlsx")
    _says(caught.value, "lon.xlsx", "20 MB")


def test_a_sheet_above_the_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsform, "MAX_SURVEY_ROWS", 5)
    survey = [("type", "name"), *[("text", f"q{i}") for i in range(6)]]
    error = _bad(xlsx(survey))
    assert error.key == "xlsform.errors.too_many_rows"
    _says(error, "survey", "5 dòng")


def test_no_survey_sheet() -> None:
    error = _bad(xlsx((), settings=[("form_id",), ("x",)], khaosat=[("type",), ("text",)]))
    assert error.key == "xlsform.errors.no_survey_sheet"
    _says(error, "survey", "khaosat")


@pytest.mark.parametrize("missing", ["type", "name"])
def test_missing_type_or_name_column(missing: str) -> None:
    header = [c for c in ("type", "name", "label") if c != missing]
    error = _bad(xlsx([header, ["text", "q"]]))
    assert error.key == "xlsform.errors.missing_column"
    _says(error, "survey", "dòng 1", missing)


def test_duplicate_column() -> None:
    error = _bad(xlsx([("type", "name", "Label", "label"), ("text", "q", "a", "b")]))
    assert error.key == "xlsform.errors.duplicate_column"
    _says(error, "dòng 1", "cột C", "cột D")


def test_unknown_question_type_names_its_row() -> None:
    error = _bad(xlsx([("type", "name"), ("text", "a"), ("texte", "b")]))
    assert (error.key, error.params["row"]) == ("xlsform.errors.unknown_type", 3)
    _says(error, "dòng 3", "texte", "type")


def test_a_row_without_type_names_its_row() -> None:
    error = _bad(xlsx([("type", "name"), ("text", "a"), ("", "b")]))
    assert (error.key, error.params["row"]) == ("xlsform.errors.missing_type", 3)


def test_a_question_without_name_names_its_row() -> None:
    error = _bad(xlsx([("type", "name", "label"), ("integer", "", "Tuổi")]))
    assert (error.key, error.params["row"]) == ("xlsform.errors.missing_name", 2)


def test_duplicate_question_name_names_both_rows() -> None:
    survey = [("type", "name"), ("text", "a"), ("begin group", "g"), ("text", "a"), ("end group",)]
    error = _bad(xlsx(survey))
    assert error.key == "xlsform.errors.duplicate_name"
    assert (error.params["row"], error.params["first_row"]) == (4, 2)
    _says(error, "dòng 4", "dòng 2", "“a”")


def test_an_end_group_without_begin() -> None:
    error = _bad(xlsx([("type", "name"), ("text", "a"), ("end group",)]))
    assert (error.key, error.params["row"]) == ("xlsform.errors.unmatched_end", 3)
    _says(error, "dòng 3")


def test_an_end_group_that_closes_a_repeat() -> None:
    survey = [("type", "name"), ("begin repeat", "r"), ("text", "a"), ("end group",)]
    error = _bad(xlsx(survey))
    assert (error.key, error.params["row"], error.params["open_row"]) == (
        "xlsform.errors.end_mismatch",
        4,
        2,
    )
    _says(error, "dòng 4", "begin repeat", "dòng 2")


def test_a_group_never_closed() -> None:
    survey = [("type", "name"), ("begin group", "g"), ("text", "a")]
    error = _bad(xlsx(survey))
    assert (error.key, error.params["row"]) == ("xlsform.errors.unclosed", 2)
    _says(error, "dòng 2", "end group")


def test_a_select_whose_list_is_missing() -> None:
    survey = [("type", "name"), ("text", "a"), ("select_one colours", "b")]
    choices = [("list_name", "name", "label"), ("sizes", "s", "Nhỏ")]
    error = _bad(xlsx(survey, choices))
    assert (error.key, error.params["row"]) == ("xlsform.errors.list_missing", 3)
    _says(error, "dòng 3", "colours", "choices")


def test_a_duplicate_choice_name_within_a_list() -> None:
    survey = [("type", "name"), ("select_one yn", "a")]
    choices = [
        ("list_name", "name", "label"),
        ("yn", "1", "Có"),
        ("other", "1", "Một"),
        ("yn", "1", "Không"),
    ]
    error = _bad(xlsx(survey, choices))
    assert error.key == "xlsform.errors.duplicate_choice"
    assert (error.params["row"], error.params["first_row"]) == (4, 2)
    _says(error, "choices", "dòng 4", "dòng 2", "yn")


def test_read_only_must_be_yes_or_no() -> None:
    error = _bad(xlsx([("type", "name", "label", "read_only"), ("text", "a", "A", "có")]))
    assert (error.key, error.params["row"]) == ("xlsform.errors.not_yes_no", 2)
    _says(error, "dòng 2", "read_only", "“có”")


def test_required_may_be_an_expression() -> None:
    survey = [
        ("type", "name", "label", "required"),
        ("select_one yn", "consent", "Đồng ý?", "yes"),
        ("text", "phone", "Số điện thoại", "${consent} = '1'"),
    ]
    choices = [("list_name", "name", "label"), ("yn", "1", "Có"), ("yn", "2", "Không")]
    imported = read_xlsform(xlsx(survey, choices), "f.xlsx")
    phone = imported.form.find("phone")
    assert phone is not None and not phone.required
    assert phone.required_if == "${consent} = '1'"
    binds = _binds(imported.xform)
    assert binds["/data/phone"]["required"].split() == ["/data/consent", "=", "'1'"]
    assert binds["/data/consent"]["required"] == "true()"
    assert read_xlsform(write_xlsform(imported.form), "f.xlsx").form == imported.form


def test_a_pyxform_error_is_passed_on_with_its_row() -> None:
    survey = [("type", "name", "label"), ("text", "ok", "Tốt"), ("text", "1bad", "Sai tên")]
    error = _bad(xlsx(survey))
    assert (error.key, error.params["row"], error.params["sheet"]) == (
        "xlsform.errors.pyxform_row",
        3,
        "survey",
    )
    _says(error, "Trang tính “survey”, dòng 3:", "name")
    assert "[row" not in translate(error.key, "vi", **error.params)


def test_a_pyxform_error_without_a_row_keeps_its_text() -> None:
    survey = [("type", "name", "label"), ("select_multiple m", "a", "Chọn")]
    choices = [("list_name", "name", "label"), ("m", "hai tu", "Hai từ")]
    error = _bad(xlsx(survey, choices))
    assert error.key == "xlsform.errors.pyxform"
    _says(error, "hai tu")


def test_an_unsupported_sheet_with_content_is_refused() -> None:
    survey = [("type", "name"), ("text", "a")]
    error = _bad(xlsx(survey, entities=[("list_name", "label"), ("people", "x")]))
    assert error.key == "xlsform.errors.unsupported_sheet"


def test_a_pyxform_error_naming_a_question_gets_its_row() -> None:
    survey = [("type", "name", "label"), ("text", "ok", "Tốt"), ("text", "unlabelled", "")]
    error = _bad(xlsx(survey))
    assert (error.key, error.params["row"]) == ("xlsform.errors.pyxform_row", 3)
    _says(error, "dòng 3", "unlabelled")


def test_a_reference_to_a_missing_question_names_its_row() -> None:
    survey = [
        ("type", "name", "label", "relevant"),
        ("text", "a", "A", ""),
        ("text", "b", "B", "${zz} = 1"),
    ]
    error = _bad(xlsx(survey))
    assert (error.key, error.params["row"]) == ("xlsform.errors.pyxform_row", 3)
    _says(error, "dòng 3", "zz")


def test_text_is_read_as_nfc_and_built_in_lists_follow_a_form_without_languages() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Tỉnh bạn đang sống")
    survey = [("type", "name", "label"), ("select_one dvhc_tinh", "tinh", decomposed)]
    form = read_xlsform(xlsx(survey), "nfd.xlsx").form
    tinh = form.find("tinh")
    assert tinh is not None and tinh.label == {NO_LANGUAGE: "Tỉnh bạn đang sống"}
    assert form.choices("dvhc_tinh")[0].label == {NO_LANGUAGE: "Thành phố Hà Nội"}


def test_questions_below_many_empty_rows_are_kept_with_their_row_numbers() -> None:
    blank = [()] * 100  # pyxform alone would stop reading after 60
    survey = [("type", "name", "label"), ("text", "a", "A"), *blank, ("text", "b", "B")]
    form = read_xlsform(xlsx(survey), "f.xlsx").form
    assert [(q.name, q.row) for q in form.questions] == [("a", 2), ("b", 103)]
    assert read_xlsform(write_xlsform(form), "f.xlsx").form == form
