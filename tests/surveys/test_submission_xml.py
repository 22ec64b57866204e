"""OpenRosa submission XML (surveys/submission_xml.py): the layout pyxform gives the instance, what
ODK Collect sends, round trips through validation, and every kind of document refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree as ET

from duluan.errors import BadInput, PayloadTooLarge
from duluan.i18n import translate
from duluan.surveys.answers import validate
from duluan.surveys.form import Form
from duluan.surveys.submission_xml import MAX_BYTES, read_instance, write_instance
from duluan.surveys.xlsform import read_xlsform, to_xform
from tests.surveys.test_answers import CHOICES, SETTINGS, SURVEY, TODAY, VALID
from tests.surveys.workbooks import xlsx

UUID = "uuid:6b8f4c1e-2f0a-4c55-9d1e-0a7d3c9e5f21"
XFORMS = "http://www.w3.org/2002/xforms"
JR_TEMPLATE = "{http://openrosa.org/javarosa}template"


@pytest.fixture(scope="module")
def form() -> Form:
    return read_xlsform(xlsx(SURVEY, CHOICES, SETTINGS), "ho_gia_dinh.xlsx").form


def _refused(form: Form, data: bytes) -> BadInput:
    with pytest.raises(BadInput) as caught:
        read_instance(form, data)
    error = caught.value
    assert error.key.startswith("submission_xml.errors.")
    for locale in ("vi", "en"):
        assert not re.search(r"\{[a-z_]+\}", translate(error.key, locale, **error.params))
    return error


def _document(body: str, *, form_id: str = "ho_gia_dinh", meta: str = "") -> bytes:
    meta = meta or f"<instanceID>{UUID}</instanceID>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<data xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="2026112401">'
        f"{body}<orx:meta>{meta}</orx:meta></data>"
    ).encode()


def _without_templates(element: Element) -> Element:
    """The form's own instance holds a template and one instance of each repeat: keep the one."""
    for parent in list(element.iter()):
        for template in [e for e in parent if e.get(JR_TEMPLATE) is not None]:
            parent.remove(template)
    return element


def _shape(element: Element) -> Iterator[str]:
    """The element names of a tree, depth-first, with their depth."""
    stack = [(element, 0)]
    while stack:
        node, depth = stack.pop()
        yield f"{depth}:{node.tag.rpartition('}')[2]}"
        stack.extend((child, depth + 1) for child in reversed(list(node)))


@pytest.mark.parametrize("instance_name", [False, True])
def test_written_instance_has_the_layout_of_the_xforms_own_instance(
    form: Form, instance_name: bool
) -> None:
    if instance_name:  # pyxform then adds meta/instanceName
        form = replace(form, settings={"instance_name": "concat('hộ-', ${size})"})
    xform = ET.fromstring(to_xform(form))
    model_instance = next(xform.iter(f"{{{XFORMS}}}instance"))
    expected = _without_templates(model_instance[0])
    written = ET.fromstring(write_instance(form, {"member": [{}]}, UUID))
    assert written.tag == "data" and expected.tag == f"{{{XFORMS}}}data"
    assert (written.get("id"), written.get("version")) == ("ho_gia_dinh", "2026112401")
    assert list(_shape(written)) == list(_shape(expected))


def test_instance_name_and_deprecated_id_round_trip(form: Form) -> None:
    data = write_instance(
        form, {"age": "40"}, UUID, deprecated_id="uuid:old-1", instance_name="hộ-3"
    )
    instance = read_instance(form, data)
    assert (instance.instance_name, instance.deprecated_id) == ("hộ-3", "uuid:old-1")
    assert instance.answers == {"age": "40"}


def test_round_trip_through_validation(form: Form) -> None:
    checked = validate(form, VALID, today=TODAY)
    assert checked.ok
    data = write_instance(form, checked.answers, UUID)
    instance = read_instance(form, data)
    assert (instance.form_id, instance.version, instance.instance_id) == (
        "ho_gia_dinh",
        "2026112401",
        UUID,
    )
    assert instance.deprecated_id == ""
    assert instance.answers == checked.answers  # calculations included, as ODK sends them
    assert validate(form, instance.answers, today=TODAY) == checked


def test_round_trip_of_hostile_text(form: Form) -> None:
    text = "<script>alert('x')</script> & ]]> \"Nguyễn\" \t\n 😀"
    data = write_instance(form, {"comment": text, "member": []}, UUID)
    assert b"<script>" not in data
    assert read_instance(form, data).answers == {"comment": text}


def test_reads_what_odk_collect_sends(form: Form) -> None:
    body = (
        "<intro/><age>34</age><voted>1</voted><sources>tv online</sources><income/>"
        "<born>1992-03-01</born><where>21.0285 105.8542 12.0 5.0</where>"
        "<comment><![CDATA[a < b & c]]></comment><consent>2</consent><phone/>"
        "<grown>yes</grown><age_next>35</age_next><work><job>Giáo viên</job></work>"
        "<place><tinh>01</tinh><xa>00070</xa></place><size>2</size>"
        "<member><member_name>Lan</member_name><member_age>30</member_age><member_sex>2</member_sex>"
        "</member><member><member_name>Minh</member_name><member_age/><member_sex/></member>"
    )
    meta = f"<instanceID>{UUID}</instanceID><deprecatedID>uuid:old-1</deprecatedID>"
    instance = read_instance(form, _document(body, meta=meta))
    assert instance.deprecated_id == "uuid:old-1"
    assert instance.answers == {
        "age": "34",
        "voted": "1",
        "sources": "tv online",
        "born": "1992-03-01",
        "where": "21.0285 105.8542 12.0 5.0",
        "comment": "a < b & c",
        "consent": "2",
        "grown": "yes",
        "age_next": "35",
        "job": "Giáo viên",
        "tinh": "01",
        "xa": "00070",
        "size": "2",
        "member": [
            {"member_name": "Lan", "member_age": "30", "member_sex": "2"},
            {"member_name": "Minh"},
        ],
    }
    assert validate(form, instance.answers, today=TODAY).ok


def test_namespaces_pretty_printing_templates_and_unknown_elements(form: Form) -> None:
    data = (
        f'<data xmlns="{XFORMS}" xmlns:jr="http://openrosa.org/javarosa" id="ho_gia_dinh">\n'
        "  <age>34</age>\n"
        '  <member jr:template=""><member_name>mẫu</member_name></member>\n'
        "  <old_question>gone</old_question>\n"
        "  <old_group>\n    <old_inner>x</old_inner>\n  </old_group>\n"
        f"  <meta>\n    <instanceID>{UUID}</instanceID>\n  </meta>\n</data>\n"
    ).encode()
    instance = read_instance(form, data)
    assert instance.version == ""
    assert instance.answers == {"age": "34", "old_question": "gone", "old_inner": "x"}
    checked = validate(form, instance.answers, today=TODAY)
    assert checked.unknown == ("old_question", "old_inner")
    assert "old_question" not in checked.answers


def test_zero_repeat_instances_and_a_byte_order_mark(form: Form) -> None:
    data = b"\xef\xbb\xbf" + _document("<age>20</age><size>0</size>")
    assert read_instance(form, data).answers == {"age": "20", "size": "0"}


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"not xml at all", "not_xml"),
        (b"<data id='ho_gia_dinh'><age>3</data>", "not_xml"),
        (b"\x00\x01\x02", "not_xml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            b"<data id='ho_gia_dinh'><comment>&c;</comment></data>",
            "forbidden_dtd",
        ),
        (
            b'<!DOCTYPE data [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<data id='ho_gia_dinh'><comment>&x;</comment></data>",
            "forbidden_dtd",
        ),
        (b'<!DOCTYPE data SYSTEM "http://example.com/x.dtd"><data/>', "forbidden_dtd"),
        (
            b'<?xml version="1.0" encoding="ISO-8859-1"?><data id="ho_gia_dinh"/>',
            "wrong_encoding",
        ),
        (
            '<?xml version="1.0"?><data id="ho_gia_dinh"><comment>Đà</comment></data>'.encode(
                "cp1258"
            ),
            "not_utf8",
        ),
        ('<data id="ho_gia_dinh"/>'.encode("utf-16"), "not_utf8"),
        (b"<data><age>3</age></data>", "missing_form_id"),
        (b"<data id='khac'><age>3</age></data>", "wrong_form"),
        (b"<data id='ho_gia_dinh'><age>3</age></data>", "missing_instance_id"),
        (_document("", meta="<instanceID>  </instanceID>"), "missing_instance_id"),
        (_document("", meta="<instanceID>uuid:a b</instanceID>"), "bad_instance_id"),
        (_document("", meta=f"<instanceID>uuid:{'a' * 100}</instanceID>"), "bad_instance_id"),
        (
            _document("", meta=f"<instanceID>{UUID}</instanceID><deprecatedID>x y</deprecatedID>"),
            "bad_instance_id",
        ),
        (_document("<comment>hi <b>there</b></comment>"), "unexpected_children"),
        (_document("<age>1</age><age>2</age>"), "duplicate_element"),
        (_document("<age/><place><age>2</age></place>"), "duplicate_element"),
        (_document("<x>" * 100 + "</x>" * 100), "too_deep"),
    ],
)
def test_refused_documents(form: Form, data: bytes, key: str) -> None:
    assert _refused(form, data).key == f"submission_xml.errors.{key}"


def test_messages_name_what_is_wrong(form: Form) -> None:
    error = _refused(form, b"<data id='khac'/>")
    assert translate(error.key, "vi", **error.params) == (
        "Bản gửi thuộc bảng hỏi “khac”, không phải bảng hỏi “ho_gia_dinh”."
    )
    error = _refused(form, b"<data id='ho_gia_dinh'>\n<age>3</data>")
    assert error.params["line"] == 2
    error = _refused(form, b'<?xml version="1.0" encoding="windows-1258"?><data/>')
    assert "windows-1258" in translate(error.key, "vi", **error.params)


def test_documents_over_the_size_limit_are_refused_before_parsing(form: Form) -> None:
    huge = _document("<comment>" + "x" * (10 * 1024 * 1024) + "</comment>")
    with pytest.raises(PayloadTooLarge) as caught:
        read_instance(form, huge)
    assert caught.value.params["limit_mb"] == MAX_BYTES // (1024 * 1024)
    # just under the limit it is read, and validation then refuses the overlong answer
    big = _document("<comment>" + "x" * (MAX_BYTES - 1000) + "</comment>")
    answers: dict[str, Any] = read_instance(form, big).answers
    problems = {p.name: p.key for p in validate(form, answers, today=TODAY).problems}
    assert problems["comment"] == "answers.errors.too_long"


NESTED = [
    ("type", "name", "label", "relevant", "constraint"),
    ("begin repeat", "hh", "Hộ"),
    ("text", "head", "Chủ hộ"),
    ("begin group", "counts", "Số người"),
    ("integer", "n", "Số người", "", ". > 0"),
    ("end group",),
    ("begin repeat", "person", "Người", "${n} > 1"),
    ("text", "pname", "Tên", "", "string-length(.) < string-length(${head}) + 10"),
    ("end repeat",),
    ("end repeat",),
]


def test_nested_repeats_with_a_group_inside() -> None:
    nested = read_xlsform(xlsx(NESTED), "nested.xlsx").form
    expected = _without_templates(
        next(ET.fromstring(to_xform(nested)).iter(f"{{{XFORMS}}}instance"))[0]
    )
    written = ET.fromstring(write_instance(nested, {"hh": [{"person": [{}]}]}, UUID))
    assert list(_shape(written)) == list(_shape(expected))
    answers = {
        "hh": [
            {"head": "An", "n": "2", "person": [{"pname": "Bình"}, {"pname": "Chi"}]},
            {"head": "Dung", "n": "1", "person": [{"pname": "Em"}]},  # not relevant: dropped
            {"head": "Hà", "n": "3", "person": [{"pname": "x" * 20}]},
        ]
    }
    checked = validate(nested, answers)
    assert checked.not_relevant == ("hh[2]/person",)
    assert [(p.name, p.repeat_path) for p in checked.problems] == [
        ("pname", (("hh", 3), ("person", 1)))
    ]
    assert checked.problems[0].message("vi").startswith("Hộ (lượt thứ 3) — Người (lượt thứ 1) — ")
    instance = read_instance(nested, write_instance(nested, checked.answers, UUID))
    assert instance.answers == checked.answers
    assert checked.answers["hh"][1] == {"head": "Dung", "n": "1"}


if __name__ == "__main__":  # the benchmark: .venv/bin/python -m tests.surveys.test_submission_xml
    import time

    from tests.surveys.test_answers import _big_form

    big, big_answers = _big_form(300)
    document = write_instance(big, big_answers, UUID)
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        read_instance(big, document)
    read_ms = (time.perf_counter() - started) * 1000 / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        write_instance(big, big_answers, UUID)
    write_ms = (time.perf_counter() - started) * 1000 / rounds
    print(f"300-question submission ({len(document):,} bytes): read in {read_ms:.2f} ms, ", end="")
    print(f"written in {write_ms:.2f} ms")
