import re
from pathlib import Path

from duluan.i18n import catalogue, translate

PACKAGE = Path(__file__).parents[1] / "src" / "duluan"


def test_catalogues_have_the_same_keys_and_no_empty_text() -> None:
    vi, en = catalogue("vi"), catalogue("en")
    assert set(vi) == set(en)
    assert [k for k in vi if not vi[k].strip() or not en[k].strip()] == []


def test_every_key_used_in_templates_and_code_exists() -> None:
    keys = set(catalogue("vi"))
    used: set[str] = set()
    for path in (PACKAGE / "web" / "templates").rglob("*.html"):
        used |= set(
            re.findall(
                r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""", path.read_text(encoding="utf-8")
            )
        )
    for path in PACKAGE.rglob("*.py"):
        used |= set(
            re.findall(
                r"""["']((?:errors|nav|section)\.[a-z_]+)["']""", path.read_text(encoding="utf-8")
            )
        )
    assert sorted(used - keys) == []


def test_placeholders_are_filled() -> None:
    assert (
        translate("errors.unit_not_found", "vi", code="99") == "Không tìm thấy đơn vị có mã “99”."
    )
    assert translate("errors.unit_not_found", "en", code="99") == "No unit with code “99”."


def test_vietnamese_text_is_stored_nfc() -> None:
    import unicodedata

    assert all(unicodedata.is_normalized("NFC", v) for v in catalogue("vi").values())


def test_every_job_kind_and_audited_action_has_a_label() -> None:
    from duluan.auth.audit import AUDITED_ACTIONS
    from duluan.jobs.registry import JOBS

    keys = set(catalogue("vi"))
    built_in = [kind for kind, fn in JOBS.items() if fn.__module__.startswith("duluan.")]
    wanted = {f"jobs.kinds.{kind}" for kind in built_in} | {
        f"audit.actions.{action}" for action in AUDITED_ACTIONS
    }
    assert sorted(wanted - keys) == []
