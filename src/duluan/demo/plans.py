"""Demo loader of plans and scorecards: a SYNTHETIC plan of Lào Cai's provincial board (unit 15)
carrying out Directive 47-CT/TW for the demo's year, built on the structure of the seed plans
(seed 000: tasks "to do at once", "by stage" and "regular"; seed 002: the ward's version), and the
province's evaluation criteria with this year's scorecards.

- 11 tasks with their lead and coordinating bodies as the seeds name them (two led by wards, so
  those wards' staff see the plan), deadlines of every kind the plans write (a date, a month, a
  quarter, "6 tháng cuối năm", a range of years, "Thường xuyên", "Định kỳ hằng tháng", "Theo
  hướng dẫn …"), computed from the demo's day so that some are done, some in progress, some
  overdue and one due soon whatever the day;
- progress notes on the tasks as the office would write them;
- criteria the province scores its communes and wards on (computed ones: monthly reports on time,
  collaborator coverage, petitions answered, alerts handled; and two an inspector scores), with
  Phường Sa Pa and Phường Lào Cai inspected; and criteria the centre scores the province on, with
  the province inspected, so the province has a scorecard of its own.

Everything goes through the plans' services. The plan's title starts with the demo's label and
ends with the year: loading again the same year finds it and adds nothing (criteria and scores
are set again to the same values).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import OrgUnit, User
from duluan.auth.permissions import Actor, Scope
from duluan.db.engine import transaction
from duluan.demo import LABEL
from duluan.demo.plan import DemoPlan
from duluan.ingest.dates import VIETNAM_TIME
from duluan.plans import scorecards, service
from duluan.plans.models import Criterion, Plan
from duluan.plans.service import TaskDraft

ANALYST, ADMIN = "demo-analyst", "demo-admin"
BOARD = "Ban Tuyên giáo và Dân vận Tỉnh ủy"
FRONT = "Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội tỉnh"
SA_PA, LAO_CAI_WARD = "03006", "02647"
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class DemoTask:
    code: str
    content: str
    lead: str
    coordinating: tuple[str, ...]
    deadline: str  # as the plan writes it; `{…}` filled from the demo's day (see `_words`)
    status: str  # todo | in_progress | done
    progress: int
    notes: tuple[str, ...] = ()


TASKS: tuple[DemoTask, ...] = (
    DemoTask(
        "1.1",
        "Tổ chức phổ biến, quán triệt Chỉ thị số 47-CT/TW và Kế hoạch này đến các tổ chức cơ sở "
        "đảng, đảng viên, công chức, viên chức, người lao động và Nhân dân.",
        "Các đảng ủy trực thuộc Tỉnh ủy",
        (FRONT,),
        "Hoàn thành xong trong {quarter_done}",
        "done",
        100,
        ("Đã tổ chức hội nghị quán triệt trực tuyến đến 99 điểm cầu xã, phường.",),
    ),
    DemoTask(
        "1.2",
        "Xây dựng, ban hành Quy định của Ban Thường vụ Tỉnh ủy về hoạt động nắm bắt, phản ánh "
        "dư luận xã hội trên địa bàn tỉnh.",
        BOARD,
        ("Văn phòng Tỉnh ủy",),
        "Ban hành trong {month_late}",
        "in_progress",
        70,
        (
            "Đã xin ý kiến các ban, sở, ngành về dự thảo lần 2.",
            "Đang tiếp thu ý kiến, trình Thường trực Tỉnh ủy.",
        ),
    ),
    DemoTask(
        "2.1",
        "Kiện toàn đội ngũ cộng tác viên dư luận xã hội các cấp theo hướng tinh gọn, hiệu lực, "
        "hiệu quả; thay thế cộng tác viên không còn hoạt động.",
        BOARD,
        ("Đảng ủy các xã, phường",),
        "Trước ngày {date_late}",
        "in_progress",
        60,
        ("Đã rà soát danh sách; 3 địa bàn còn thiếu cộng tác viên theo chỉ tiêu bao phủ.",),
    ),
    DemoTask(
        "2.2",
        "Rà soát, xây dựng cơ chế đãi ngộ và công tác thi đua, khen thưởng đối với tập thể, cá "
        "nhân thực hiện tốt công tác dư luận xã hội.",
        BOARD,
        ("Ban Tổ chức Tỉnh ủy", "Sở Tài chính"),
        "{quarter_now}",
        "in_progress",
        30,
        ("Đã có dự thảo tiêu chí khen thưởng cộng tác viên.",),
    ),
    DemoTask(
        "2.3",
        "Xây dựng tiêu chí đánh giá công tác dư luận xã hội.",
        BOARD,
        (),
        "Theo hướng dẫn của Ban Tuyên giáo và Dân vận Trung ương",
        "done",
        100,
        ("Đã ban hành bộ tiêu chí và nhập vào nền tảng để chấm điểm các đơn vị.",),
    ),
    DemoTask(
        "2.4",
        "Xây dựng và triển khai hệ thống “Dự báo - Phân tích - Ứng dụng” dư luận xã hội, ứng dụng "
        "trí tuệ nhân tạo trong theo dõi, phân tích dư luận trên báo chí và mạng xã hội.",
        BOARD,
        ("Ban Chỉ đạo phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số tỉnh",),
        "Dự kiến từ năm {year} đến {year_end}",
        "in_progress",
        40,
        ("Đã vận hành thử nghiệm nền tảng theo dõi dư luận cho toàn tỉnh.",),
    ),
    DemoTask(
        "2.5",
        "Tổ chức điều tra dư luận xã hội về các vấn đề Nhân dân quan tâm (giá cả, đất đai, "
        "môi trường).",
        BOARD,
        ("Trung tâm Chính trị tỉnh",),
        "Trong {month_missed}",
        "todo",
        0,
    ),
    DemoTask(
        "3.1",
        "Tăng cường tiếp xúc, đối thoại giữa cấp ủy, chính quyền và Nhân dân; kịp thời giải "
        "quyết tư tưởng, những vấn đề bức xúc phát sinh.",
        "Phường Sa Pa",
        ("Ủy ban MTTQ phường", "các tổ chức chính trị - xã hội phường"),
        "Thường xuyên",
        "in_progress",
        50,
        ("Đã tổ chức 2 buổi đối thoại với người dân về bồi thường đất và rác thải.",),
    ),
    DemoTask(
        "3.2",
        "Nắm bắt, tổng hợp, báo cáo tình hình dư luận xã hội trên địa bàn trước ngày 20 hằng "
        "tháng, báo cáo đột xuất khi có vụ việc phát sinh.",
        "Phường Lào Cai",
        ("Công an phường",),
        "Định kỳ hằng tháng hoặc khi có vụ việc đột xuất, phát sinh",
        "in_progress",
        80,
    ),
    DemoTask(
        "3.3",
        "Tập huấn nghiệp vụ nắm bắt, phản ánh dư luận xã hội cho đội ngũ cộng tác viên.",
        BOARD,
        ("Trung tâm Chính trị tỉnh",),
        "{half_year}",
        "done",
        100,
        ("Đã tổ chức 2 lớp tập huấn: trực tiếp và trực tuyến.",),
    ),
    DemoTask(
        "3.4",
        "Sơ kết một năm thực hiện Chỉ thị số 47-CT/TW, báo cáo Ban Thường vụ Tỉnh ủy.",
        BOARD,
        ("Văn phòng Tỉnh ủy", "các đảng ủy trực thuộc"),
        "Trước ngày {date_soon}",
        "todo",
        0,
    ),
)

# (code, title, source, weight, target): what the province scores its communes and wards on.
COMMUNE_CRITERIA: tuple[tuple[str, str, str, float, float], ...] = (
    ("bao_cao", "Báo cáo dư luận xã hội hằng tháng đúng hạn", "reports_on_time", 25, 90),
    ("bao_phu", "Đội ngũ cộng tác viên đủ theo chỉ tiêu bao phủ", "coverage", 20, 100),
    ("kien_nghi", "Trả lời kiến nghị của Nhân dân đúng hạn", "petitions_answered", 15, 100),
    (
        "quan_triet",
        "Quán triệt, cụ thể hóa Chỉ thị 47-CT/TW và Kế hoạch của tỉnh",
        "manual",
        20,
        100,
    ),
    ("kiem_tra", "Kết quả kiểm tra, giám sát công tác dư luận xã hội", "manual", 20, 100),
)
# (commune, criterion, score, the inspector's comment)
COMMUNE_SCORES: tuple[tuple[str, str, float, str], ...] = (
    (SA_PA, "quan_triet", 90, "Ban hành kế hoạch đúng hạn; quán triệt đến 100% chi bộ."),
    (SA_PA, "kiem_tra", 85, "Hồ sơ đầy đủ; cần bổ sung cộng tác viên người dân tộc thiểu số."),
    (LAO_CAI_WARD, "quan_triet", 80, "Kế hoạch ban hành chậm 2 tuần so với yêu cầu."),
    (LAO_CAI_WARD, "kiem_tra", 75, "Báo cáo tháng còn sơ sài phần nguyên nhân, dự báo."),
)
# What the centre scores the province on.
PROVINCE_CRITERIA: tuple[tuple[str, str, str, float, float], ...] = (
    ("dieu_tra", "Số cuộc điều tra dư luận xã hội đã triển khai", "surveys_run", 20, 2),
    ("canh_bao", "Cảnh báo sớm đã được xử lý", "alerts_handled", 20, 100),
    ("bao_phu", "Đội ngũ cộng tác viên đủ theo chỉ tiêu bao phủ", "coverage", 20, 100),
    ("ke_hoach", "Ban hành và thực hiện kế hoạch thực hiện Chỉ thị 47-CT/TW", "manual", 40, 100),
)
PROVINCE_SCORE = 85.0, "Kế hoạch đầy đủ; một số nhiệm vụ quá hạn cần đôn đốc."


def load(plan: DemoPlan) -> dict[str, int]:
    """The plan with its tasks (once a year) and this year's scorecards; the counts of new rows."""
    with transaction(plan.factory, write=True) as session:
        owner = session.scalars(select(User).where(User.username == ANALYST)).one_or_none()
        admin = session.scalars(select(User).where(User.username == ADMIN)).one_or_none()
        if owner is None or admin is None:
            return {"plan_tasks_new": 0}
        lao_cai = units.find_by_code(session, "15")
        made = _plan(session, users.actor_for(owner), lao_cai, plan.anchor)
        _scorecards(session, users.actor_for(admin), lao_cai, plan.anchor.year)
        return {"plan_tasks_new": made}


def title_for(year: int) -> str:
    return (
        f"{LABEL} Kế hoạch thực hiện Chỉ thị số 47-CT/TW của Ban Bí thư về tăng cường sự lãnh "
        f"đạo của Đảng đối với công tác dư luận xã hội năm {year}"
    )


def _plan(session: Session, analyst: Actor, lao_cai: OrgUnit, anchor: date) -> int:
    title = title_for(anchor.year)
    found = select(Plan.id).where(Plan.unit_id == lao_cai.id, Plan.title == title)
    if session.scalar(found) is not None:
        return 0
    words = _words(anchor)
    drafts = [
        TaskDraft(t.content, t.code, t.lead, t.coordinating, t.deadline.format(**words))
        for t in TASKS
    ]
    made = service.create_plan(
        session,
        analyst,
        lao_cai,
        title=title,
        number="615-KH/TU",
        issued_on=date(anchor.year, 1, 15) if anchor.month > 1 else anchor - timedelta(days=20),
        source_document="Chỉ thị số 47-CT/TW ngày 23/5/2025 của Ban Bí thư Trung ương Đảng "
        "khóa XIII (dữ liệu mô phỏng).",
        tasks=drafts,
    )
    for spec, task in zip(TASKS, service.tasks_of(session, made), strict=True):
        steps = spec.notes or (("Đang triển khai.",) if spec.status != "todo" else ())
        for index, note in enumerate(steps, start=1):
            last = index == len(steps)
            status = spec.status if last else "in_progress"
            progress = spec.progress if last else spec.progress * index // (len(steps) + 1)
            on = min(anchor, task.due_on) if task.due_on else anchor
            on -= timedelta(days=14 * (len(steps) - index))  # earlier steps, earlier notes
            entry = service.update_task(
                session, analyst, task, status=status, progress=progress, note=note, today=on
            )
            entry.created_at = datetime.combine(on, time(9), VIETNAM_TIME)
    return len(drafts)


def _words(anchor: date) -> dict[str, str]:
    """Deadlines relative to the demo's day: done ones well past, overdue ones past, one due in
    ten days, the current quarter still open."""

    def month(day: date) -> str:
        return f"tháng {day.month}/{day.year}"

    def quarter(day: date) -> str:
        return f"quý {_ROMAN[(day.month - 1) // 3]}/{day.year}"

    earlier = anchor - timedelta(days=200)
    half = "6 tháng đầu năm" if earlier.month <= 6 else "6 tháng cuối năm"
    return {
        "quarter_done": quarter(anchor - timedelta(days=240)),
        "month_late": month(anchor - timedelta(days=75)),
        "date_late": f"{anchor - timedelta(days=25):%d/%m/%Y}",
        "quarter_now": f"Hoàn thành trong {quarter(anchor + timedelta(days=45))}",
        "month_missed": month(anchor - timedelta(days=40)),
        "half_year": f"{half} {earlier.year}",
        "date_soon": f"{anchor + timedelta(days=10):%d/%m/%Y}",
        "year": str(anchor.year),
        "year_end": str(anchor.year + 2),
    }


def _scorecards(session: Session, admin: Actor, lao_cai: OrgUnit, year: int) -> None:
    """The province's criteria for its communes with two of them inspected, and the centre's
    criteria for the province with the province inspected (set again on each load)."""
    by_code = _criteria(session, admin, lao_cai, year, COMMUNE_CRITERIA)
    for commune, code, value, note in COMMUNE_SCORES:
        unit = units.find_by_code(session, commune)
        scorecards.score(session, admin, by_code[code], unit, value, note)
    centre = units.root(session)
    inspector = Actor(  # the centre's inspector: the demo has no account at the root
        0, "demo-tw", f"{LABEL} Trung ương", "vi", (Scope("admin", centre.id, centre.path),)
    )
    by_code = _criteria(session, inspector, centre, year, PROVINCE_CRITERIA)
    scorecards.score(session, inspector, by_code["ke_hoach"], lao_cai, *PROVINCE_SCORE)


def _criteria(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    year: int,
    specs: tuple[tuple[str, str, str, float, float], ...],
) -> dict[str, Criterion]:
    for code, title, source, weight, target in specs:
        scorecards.set_criterion(
            session,
            actor,
            unit,
            year=year,
            code=code,
            title=title,
            weight=weight,
            source=source,
            target=target,
        )
    return {c.code: c for c in scorecards.criteria(session, unit, year)}
