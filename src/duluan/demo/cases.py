"""Demo loader of hotspot cases: the two older Lào Cai hotspots handled as an office would, so a
new user sees finished examples; the latest one (the Cam Đường land dispute) stays an open
alert for them to escalate.

- the Bát Xát flood: a case following the disaster playbook, every step done, closed;
- the Bảo Thắng pollution: a case following the environment playbook, in progress.

Changes go through `warning.cases` as the demo analyst, so timelines and the audit log read as
they would in use. A hotspot whose case exists already (by title) is left alone: loading again
adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import users
from duluan.auth.models import User
from duluan.auth.permissions import Actor
from duluan.db.engine import transaction
from duluan.demo.hotspots import HOTSPOTS, Hotspot
from duluan.demo.plan import DemoPlan
from duluan.warning import cases, playbooks
from duluan.warning.models import Alert, HotspotCase

HANDLER = "demo-analyst"


@dataclass(frozen=True)
class DemoCase:
    hotspot: str  # code in demo.hotspots
    title: str
    notes: tuple[str, ...]  # one per step done, in order
    close_with: str  # summary when all steps are done and the case closes; "" leaves it open


DEMO_CASES = (
    DemoCase(
        "lu-quet-bat-xat",
        "[Mô phỏng] Lũ quét, sạt lở ở xã Bát Xát",
        (
            "Cộng tác viên các thôn báo: 12 hộ phải sơ tán, đường liên thôn bị sạt.",
            "Đã phối hợp Ban chỉ huy phòng chống thiên tai xã; điểm tiếp nhận cứu trợ tại trụ sở.",
            "Cải chính tin “vỡ hồ thủy điện” lan trên mạng: không có sự cố hồ đập.",
            "Dư luận ghi nhận công tác cứu trợ kịp thời; ý kiến đề nghị sớm thông tuyến đường.",
        ),
        "Đã cứu trợ, thông tuyến đường sau 5 ngày; tin sai về hồ thủy điện đã được cải chính.",
    ),
    DemoCase(
        "o-nhiem-bao-thang",
        "[Mô phỏng] Ô nhiễm nguồn nước, cá chết ở xã Bảo Thắng",
        ("Cộng tác viên xác nhận cá chết dọc 2 km suối; đã đề nghị lấy mẫu nước.",),
        "",
    ),
)


def load(plan: DemoPlan) -> dict[str, int]:
    """Open (and follow) the demo cases whose hotspot raised an alert; the cases opened."""
    opened = 0
    with transaction(plan.factory, write=True) as session:
        actor = _handler(session)
        if actor is None:
            return {"cases_new": 0}
        for demo in DEMO_CASES:
            hotspot = next(h for h in HOTSPOTS if h.code == demo.hotspot)
            opened += _open(session, actor, demo, hotspot)
    return {"cases_new": opened}


def _handler(session: Session) -> Actor | None:
    user = session.scalars(select(User).where(User.username == HANDLER)).one_or_none()
    return users.actor_for(user) if user is not None else None


def _open(session: Session, actor: Actor, demo: DemoCase, hotspot: Hotspot) -> int:
    if session.scalar(select(HotspotCase.id).where(HotspotCase.title == demo.title)):
        return 0
    found = session.scalars(
        select(Alert)
        .where(
            Alert.topic == hotspot.topic,
            Alert.province_code == hotspot.province_code,
            Alert.state.in_(cases.CAN_ESCALATE),
        )
        .order_by(Alert.significance, Alert.id)
    ).all()
    if not found:  # the detectors did not flag it at this scale
        return 0
    first, *others = found
    shown = playbooks.visible_playbooks(session, actor, active_only=True)
    playbook = playbooks.suggested(shown, first.topic)
    case = cases.escalate(
        session,
        actor,
        first.id,
        title=demo.title,
        playbook_id=playbook.id if playbook else None,
    )
    for alert in others:  # the hotspot's other alerts (the other detector) join the case
        cases.escalate(session, actor, alert.id, case_id=case.id)
    for step, note in zip(case.steps, demo.notes, strict=False):
        cases.update_step(session, actor, case.id, step.id, "done", note)
    if demo.close_with and all(step.state != "todo" for step in case.steps):
        cases.set_status(session, actor, case.id, "closed", demo.close_with)
    return 1
