"""OpenRosa submissions: the XForm instance XML that ODK Collect and KoboCollect send as
`xml_submission_file`, read into THE ANSWER FORMAT of `surveys/answers.py`, and written back.

The document mirrors the `<instance>` pyxform writes into the XForm (`xlsform.to_xform`):

    <data id="FORM_ID" version="VERSION">          root: the settings' `name`, else "data"
      <age>34</age>                                 a question: its answer as text
      <place><tinh>01</tinh><xa>00004</xa></place>  a group: its questions nested
      <member><member_name>Lan</member_name></member>
      <member><member_name>Minh</member_name></member>   a repeat: one element per instance
      <meta>
        <instanceID>uuid:…</instanceID>             required: the submission's identity
        <deprecatedID>uuid:…</deprecatedID>         an edited resubmission replaces this one
        <instanceName>…</instanceName>              optional
      </meta>
    </data>

Reading is faithful and does not judge answers (`answers.validate` does): groups are flattened,
repeats become lists of objects, empty elements and notes are left out, a `calculate` element is
kept as sent (validation recomputes it), an element the form does not know is kept under its own
name (validation then lists it as unknown; one with children is read like a group). Namespaces are
ignored: elements are matched on their local names, as ODK clients write them with or without the
XForms namespace. What cannot be read is refused with BadInput naming the problem, so that the
client keeps the submission and nothing is half-stored: not UTF-8, not well-formed, any DOCTYPE or
entity declaration (parsed with defusedxml: no entity expansion, no external resources), a
document over `MAX_BYTES`, another form's id, a missing or malformed `meta/instanceID`, an answer
element holding elements, a non-repeat question given twice, nesting deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import ParseError, fromstring  # type: ignore[import-untyped]

from duluan.errors import BadInput, PayloadTooLarge
from duluan.surveys.form import GROUP, REPEAT, Form, Question

__all__ = [
    "MAX_BYTES",
    "Instance",
    "identity",
    "meta_of",
    "parse",
    "read_instance",
    "write_instance",
]

MAX_BYTES = 8 * 1024 * 1024  # far above a real submission (300 questions of long text ≈ 1 MB)
MAX_DEPTH = 64  # levels of elements below the root
MAX_ID_LENGTH = 100  # what surveys/service.py stores
DEFAULT_ROOT = "data"  # pyxform's root element when the settings name none
JAVAROSA = "http://openrosa.org/javarosa"
OPENROSA_XFORMS = "http://openrosa.org/xforms"

_BOM = b"\xef\xbb\xbf"
_DECLARED_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_INSTANCE_ID = re.compile(r"[A-Za-z0-9:._\-]+")
_NOT_ANSWERED = frozenset({"note"})


@dataclass(frozen=True)
class Instance:
    """One submission read: the form id and version it names, its identity (`deprecated_id`: the
    instance this one replaces, for an edited resubmission), and its answers."""

    form_id: str
    version: str
    instance_id: str
    answers: dict[str, Any] = field(default_factory=dict)
    deprecated_id: str = ""
    instance_name: str = ""


def read_instance(form: Form, data: bytes | Element) -> Instance:
    """The submission `data` of `form` (its bytes, or its root as `parse` returned it); BadInput
    (PayloadTooLarge for size) naming the problem."""
    root = parse(data) if isinstance(data, bytes) else data
    form_id = root.get("id", "")
    if not form_id:
        raise BadInput("submission_xml.errors.missing_form_id", root=_local(root.tag))
    if form_id != form.form_id:
        raise BadInput(
            "submission_xml.errors.wrong_form", given=_shown(form_id), expected=form.form_id
        )
    meta = meta_of(root)
    instance_id, deprecated_id = identity(root, meta)
    answers: dict[str, Any] = {}
    _read_scope(root, _scope_of(form.questions), answers, set(), depth=1)
    return Instance(
        form_id=form_id,
        version=root.get("version", ""),
        instance_id=instance_id,
        answers=answers,
        deprecated_id=deprecated_id,
        instance_name=meta.get("instanceName", "").strip(),
    )


def identity(root: Element, meta: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The submission's `meta/instanceID` and `meta/deprecatedID` (empty when it is no edit),
    readable before the form is known; BadInput when the instance id is missing or malformed."""
    meta = meta_of(root) if meta is None else meta
    instance_id = meta.get("instanceID", "").strip()
    if not instance_id:
        raise BadInput("submission_xml.errors.missing_instance_id")
    deprecated_id = meta.get("deprecatedID", "").strip()
    for value in filter(None, (instance_id, deprecated_id)):
        if len(value) > MAX_ID_LENGTH or not _INSTANCE_ID.fullmatch(value):
            raise BadInput("submission_xml.errors.bad_instance_id", value=_shown(value))
    return instance_id, deprecated_id


def parse(data: bytes) -> Element:
    """The root element of submission bytes, safely parsed; BadInput naming what is wrong."""
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(
            "submission_xml.errors.too_large",
            size_mb=f"{len(data) / (1024 * 1024):.1f}",
            limit_mb=MAX_BYTES // (1024 * 1024),
        )
    body = data.removeprefix(_BOM)
    if not body.strip():
        raise BadInput("submission_xml.errors.empty")
    declared = _DECLARED_ENCODING.match(body)
    if declared:
        encoding = declared.group(1).decode("ascii", "replace")
        if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise BadInput("submission_xml.errors.wrong_encoding", encoding=_shown(encoding))
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput("submission_xml.errors.not_utf8", position=error.start + 1) from error
    try:
        root: Element = fromstring(body, forbid_dtd=True)
    except DefusedXmlException as error:
        raise BadInput("submission_xml.errors.forbidden_dtd") from error
    except ParseError as error:
        line, column = error.position
        raise BadInput(
            "submission_xml.errors.not_xml", line=line, column=column + 1, detail=str(error)[:200]
        ) from error
    return root


def meta_of(root: Element) -> dict[str, str]:
    """The texts of the `meta` block's elements (`instanceID`, …)."""
    for child in root:
        if _local(child.tag) == "meta":
            return {_local(item.tag): item.text or "" for item in child}
    return {}


@dataclass(frozen=True)
class _Scope:
    """The questions answered at one level (the top, or inside one repeat instance), by name,
    groups included so that their elements are recognised."""

    questions: dict[str, Question]


def _scope_of(questions: Sequence[Question]) -> _Scope:
    found: dict[str, Question] = {}
    waiting = list(questions)
    while waiting:
        question = waiting.pop()
        found[question.name] = question
        if question.type == GROUP:
            waiting.extend(question.children)
    return _Scope(found)


def _read_scope(
    parent: Element, scope: _Scope, answers: dict[str, Any], seen: set[str], depth: int
) -> None:
    """Flatten the children of `parent` (the root, a group or a repeat instance) into `answers`;
    `seen` holds the answer elements met so far at this level, empty ones included."""
    if depth > MAX_DEPTH:
        raise BadInput("submission_xml.errors.too_deep", limit=MAX_DEPTH)
    for child in parent:
        if child.get(f"{{{JAVAROSA}}}template") is not None:
            continue  # a repeat's template, should a client send the form's own instance
        name = _local(child.tag)
        if depth == 1 and name == "meta":
            continue
        question = scope.questions.get(name)
        kind = question.type if question else (GROUP if len(child) else "")
        if kind == GROUP:
            _read_scope(child, scope, answers, seen, depth + 1)
        elif kind == REPEAT and question is not None:
            instance: dict[str, Any] = {}
            _read_scope(child, _scope_of(question.children), instance, set(), depth + 1)
            answers.setdefault(name, []).append(instance)
        elif kind not in _NOT_ANSWERED:
            if len(child):
                raise BadInput("submission_xml.errors.unexpected_children", element=name)
            if name in seen:
                raise BadInput("submission_xml.errors.duplicate_element", element=name)
            seen.add(name)
            if child.text:
                answers[name] = child.text


def _local(tag: str) -> str:
    """An element's name without its namespace (`{http://…}age` → `age`)."""
    return tag.rpartition("}")[2]


def _shown(value: str) -> str:
    return value if len(value) <= 80 else value[:79] + "…"


def write_instance(
    form: Form,
    answers: Mapping[str, Any],
    instance_id: str,
    *,
    deprecated_id: str = "",
    instance_name: str = "",
) -> bytes:
    """The submission XML ODK Collect would send for `answers` (THE ANSWER FORMAT, values as
    `answers.validate` returns them): every question's element in form order, empty when
    unanswered, and the `meta` block, as in the form's own instance."""
    root = Element(
        form.settings.get("name") or DEFAULT_ROOT,
        {"xmlns:jr": JAVAROSA, "xmlns:orx": OPENROSA_XFORMS, "id": form.form_id},
    )
    if form.version:
        root.set("version", form.version)
    _write_scope(root, form.questions, answers)
    meta = SubElement(root, "meta")
    SubElement(meta, "instanceID").text = instance_id
    if form.settings.get("instance_name") or instance_name:
        SubElement(meta, "instanceName").text = instance_name or None
    if deprecated_id:
        SubElement(meta, "deprecatedID").text = deprecated_id
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode()


def _write_scope(
    parent: Element, questions: Sequence[Question], answers: Mapping[str, Any]
) -> None:
    for question in questions:
        if question.type == GROUP:
            _write_scope(SubElement(parent, question.name), question.children, answers)
        elif question.type == REPEAT:
            for instance in answers.get(question.name) or ():
                _write_scope(SubElement(parent, question.name), question.children, instance)
        else:
            value = answers.get(question.name)
            SubElement(parent, question.name).text = None if value is None else str(value)
