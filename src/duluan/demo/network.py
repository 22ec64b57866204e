"""Demo loader of the collaborator network: a SYNTHETIC network of Lào Cai (code 15) with its
gaps, so that a new user finds the coverage matrix, the submission board, urgent reports and
petitions filled in as an office's would be.

- 30 collaborators managed by 12 communes and wards, across sectors and strata; 2 have left and
  1 is paused (their cells fall short of the province's targets), 3 went quiet three months ago
  (flagged for follow-up);
- monthly reports over the last three months and this one, most on time, some late, and the
  other communes missing; three urgent reports on the demo's hotspots (the Bát Xát flood one
  tied to its hotspot case when the demo opened one);
- the province's schedules (monthly by the 20th, quarterly by the 25th), coverage targets, two
  trainings, last month's consolidated report, and two dialogue sessions with petitions, one of
  them overdue.

Everything goes through the network's services. Collaborators are marked in their admin-only
note (`[Mô phỏng] #n`), reports and petitions by deterministic ids and texts, so loading again
stores nothing twice. `demo-ctv` (a collaborator of Phường Sa Pa) is the first collaborator's
login.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from duluan.auth import units, users
from duluan.auth.models import User
from duluan.auth.permissions import Actor
from duluan.db.engine import transaction
from duluan.demo import LABEL
from duluan.demo.plan import DemoPlan
from duluan.ingest.dates import VIETNAM_TIME
from duluan.network import coverage, deadlines, field_reports, periods, petitions, rollup, roster
from duluan.network.field_reports import Draft, Stream
from duluan.network.models import (
    Collaborator,
    CollaboratorContact,
    DialogueSession,
    FieldReport,
    Training,
)
from duluan.network.roster import Contact, Place
from duluan.warning.models import HotspotCase

ANALYST = "demo-analyst"
COLLABORATOR_LOGIN = "demo-ctv"
SA_PA = "03006"


@dataclass(frozen=True)
class DemoCollaborator:
    commune: str
    sector: str
    stratum: str
    name: str
    habit: str  # steady | late | quiet | left | paused


ROSTER: tuple[DemoCollaborator, ...] = (
    DemoCollaborator(SA_PA, "economy", "business", "Vàng Thị Mai", "steady"),
    DemoCollaborator(SA_PA, "culture_society", "ethnic_minorities", "Sùng A Páo", "steady"),
    DemoCollaborator(SA_PA, "land_environment", "farmers", "Lý Láo Tả", "late"),
    DemoCollaborator("02647", "economy", "workers", "Nguyễn Văn Hải", "steady"),
    DemoCollaborator("02647", "healthcare", "elderly", "Trần Thị Thu", "steady"),
    DemoCollaborator("02647", "public_order", "veterans", "Phạm Văn Đức", "late"),
    DemoCollaborator("02647", "science_digital", "youth", "Đỗ Minh Khôi", "quiet"),
    DemoCollaborator("02674", "land_environment", "farmers", "Hoàng Văn Tiến", "steady"),
    DemoCollaborator("02674", "economy", "business", "Lê Thị Hương", "steady"),
    DemoCollaborator("02674", "education", "intellectuals", "Bùi Quang Vinh", "left"),
    DemoCollaborator("04252", "party_government", "officials", "Đặng Thị Lan", "steady"),
    DemoCollaborator("04252", "economy", "workers", "Vũ Đình Long", "late"),
    DemoCollaborator("04252", "culture_society", "religious", "Ngô Thị Hạnh", "steady"),
    DemoCollaborator("02839", "agriculture", "ethnic_minorities", "Giàng Seo Chứ", "steady"),
    DemoCollaborator("02839", "agriculture", "farmers", "Lù Văn Sinh", "quiet"),
    DemoCollaborator("02947", "agriculture", "farmers", "Hà Văn Khánh", "steady"),
    DemoCollaborator("02947", "education", "women", "Nông Thị Yến", "late"),
    DemoCollaborator("02683", "land_environment", "ethnic_minorities", "Má A Dơ", "steady"),
    DemoCollaborator("02683", "agriculture", "farmers", "Chảo Láo Lở", "steady"),
    DemoCollaborator("02905", "land_environment", "farmers", "Phùng Văn Quý", "steady"),
    DemoCollaborator("02905", "healthcare", "women", "Cao Thị Nga", "paused"),
    DemoCollaborator("03043", "agriculture", "ethnic_minorities", "Lồ Thị Dín", "late"),
    DemoCollaborator("04456", "culture_society", "ethnic_minorities", "Giàng A Tủa", "steady"),
    DemoCollaborator("04456", "agriculture", "youth", "Thào Seo Lử", "quiet"),
    DemoCollaborator("04288", "economy", "business", "Đinh Văn Thắng", "steady"),
    DemoCollaborator("04288", "culture_society", "religious", "Lò Thị Ngọc", "left"),
    DemoCollaborator("02761", "public_order", "veterans", "Hầu Seo Pao", "steady"),
    DemoCollaborator("03082", "agriculture", "farmers", "Triệu Văn Lâm", "late"),
    DemoCollaborator("04303", "economy", "workers", "Hoàng Thị Sen", "steady"),
    DemoCollaborator("04498", "culture_society", "elderly", "Mai Văn Bình", "steady"),
)
# What collaborators hear, by topic: (topic, tone, spread, text). Synthetic, no one is named.
OPINIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "economy_livelihood",
        "negative",
        "many",
        "Bà con phàn nàn giá phân bón, thức ăn chăn nuôi tăng trong khi giá nông sản đứng yên.",
    ),
    (
        "economy_livelihood",
        "positive",
        "some",
        "Tiểu thương phấn khởi vì lượng khách du lịch tăng, chợ đông hơn tháng trước.",
    ),
    (
        "land_projects",
        "negative",
        "some",
        "Một số hộ chưa đồng thuận mức bồi thường đất của dự án đường nối, đề nghị đối thoại lại.",
    ),
    (
        "environment",
        "negative",
        "some",
        "Người dân lo rác thải sinh hoạt dồn ứ ở khu chợ và đầu nguồn suối.",
    ),
    (
        "traffic_safety",
        "negative",
        "few",
        "Đường liên thôn xuống cấp, xe chở nông sản đi lại khó khăn mùa mưa.",
    ),
    (
        "healthcare",
        "neutral",
        "some",
        "Người cao tuổi hỏi về cấp đổi thẻ bảo hiểm y tế sau sắp xếp đơn vị hành chính.",
    ),
    (
        "education",
        "positive",
        "some",
        "Phụ huynh đồng tình việc sửa sang điểm trường, học sinh vùng cao được hỗ trợ bữa trưa.",
    ),
    (
        "apparatus_restructuring",
        "neutral",
        "many",
        "Người dân quan tâm việc đổi địa chỉ, giấy tờ sau khi sáp nhập xã, mong thủ tục đơn giản.",
    ),
    (
        "science_digital",
        "mixed",
        "some",
        "Thanh niên hào hứng với dịch vụ công trực tuyến, người cao tuổi còn lúng túng khi dùng.",
    ),
    (
        "social_welfare",
        "positive",
        "many",
        "Bà con đánh giá cao việc chi trả trợ cấp kịp thời cho hộ nghèo trước mùa rét.",
    ),
    (
        "public_order",
        "neutral",
        "few",
        "Có ý kiến đề nghị tăng tuần tra ban đêm ở khu vực chợ đêm.",
    ),
    (
        "culture_customs",
        "positive",
        "some",
        "Lễ hội truyền thống được tổ chức chu đáo, đồng bào phấn khởi.",
    ),
)
URGENT: tuple[tuple[str, str, int, str, tuple[str, ...]], ...] = (
    # (commune, title, days before the anchor, topic, what people say)
    (
        "02683",
        "Lũ quét, sạt lở đất ở xã Bát Xát: nhiều hộ phải di dời",
        12,
        "disaster_epidemic",
        (
            "Người dân lo thiếu nước sạch và lương thực sau lũ, đề nghị hỗ trợ khẩn cấp.",
            "Bà con ở khu vực sạt lở mong được bố trí nơi ở tạm an toàn trước mùa mưa tới.",
        ),
    ),
    (
        "02905",
        "Cá chết hàng loạt trên suối ở xã Bảo Thắng",
        25,
        "environment",
        ("Người dân bức xúc vì nguồn nước có mùi lạ, nghi do xả thải của cơ sở sản xuất.",),
    ),
    (
        "02647",
        "Chó thả rông đuổi cắn người ở khu vực Cốc Lếu cũ",
        1,
        "public_order",
        ("Phụ huynh lo lắng khi đưa đón con, đề nghị phường xử lý việc thả rông chó.",),
    ),
)


def load(plan: DemoPlan) -> dict[str, int]:
    """Build the demo network (once) and file its reports; the new reports and petitions."""
    with transaction(plan.factory, write=True) as session:
        owner = session.scalars(select(User).where(User.username == ANALYST)).one_or_none()
        if owner is None:
            return {"field_reports_new": 0, "petitions_new": 0}
        analyst = users.actor_for(owner)
        made = _collaborators(session, analyst, plan.anchor)
        _settings(session, analyst, plan.anchor, made)
        reports = _monthly_reports(session, analyst, plan, made)
        reports += _urgent_reports(session, analyst, plan, made)
        reports += _consolidated(session, analyst, plan)
        return {"field_reports_new": reports, "petitions_new": _petitions(session, analyst, plan)}


def _collaborators(
    session: Session, analyst: Actor, anchor: date
) -> list[tuple[DemoCollaborator, Collaborator]]:
    notes = {
        contact.note: contact.collaborator_id
        for contact in session.scalars(
            select(CollaboratorContact).where(CollaboratorContact.note.startswith(LABEL))
        )
    }
    made = []
    for index, spec in enumerate(ROSTER, start=1):
        note = f"{LABEL} #{index}"
        found = session.get(Collaborator, notes[note]) if note in notes else None
        if found is None:
            found = roster.add(
                session,
                analyst,
                units.find_by_code(session, spec.commune),
                Place("15", spec.commune, spec.sector, spec.stratum),
                Contact(spec.name, phone=f"09{index:02d} 000 {index:03d}", note=note),
                joined_on=anchor - timedelta(days=400 - index * 7),
            )
            if spec.habit in ("left", "paused"):
                status = "left" if spec.habit == "left" else "paused"
                roster.set_status(session, analyst, found, status, on=anchor - timedelta(days=50))
        made.append((spec, found))
    login = session.scalars(select(User).where(User.username == COLLABORATOR_LOGIN)).one_or_none()
    first = made[0][1]
    if login is not None and first.user_id is None:
        first.user_id = login.id
    session.flush()
    return made


def _settings(
    session: Session,
    analyst: Actor,
    anchor: date,
    made: list[tuple[DemoCollaborator, Collaborator]],
) -> None:
    """Schedules, targets and trainings of the province (set again on each load: idempotent)."""
    lao_cai = units.find_by_code(session, "15")
    deadlines.set_schedule(session, analyst, lao_cai, cadence="monthly", due_day=20)
    deadlines.set_schedule(session, analyst, lao_cai, cadence="quarterly", due_day=25)
    for commune in dict.fromkeys(spec.commune for spec in ROSTER):
        coverage.set_target(session, analyst, lao_cai, locality_code=commune, minimum=3)
    coverage.set_target(
        session, analyst, lao_cai, locality_code=SA_PA, stratum="ethnic_minorities", minimum=2
    )
    coverage.set_target(
        session, analyst, lao_cai, locality_code="02674", sector="education", minimum=1
    )
    coverage.set_target(
        session, analyst, lao_cai, locality_code="04288", stratum="religious", minimum=1
    )
    if not _has_trainings(session, lao_cai.id):
        active = [c.id for spec, c in made if spec.habit != "left"]
        roster.add_training(
            session,
            analyst,
            lao_cai,
            title="Kỹ năng nắm bắt và phản ánh dư luận xã hội",
            held_on=anchor - timedelta(days=80),
            place="Trung tâm Chính trị tỉnh",
            attendees=active[:18],
        )
        roster.add_training(
            session,
            analyst,
            lao_cai,
            title="Báo cáo nhanh khi có sự việc đột xuất",
            held_on=anchor - timedelta(days=30),
            place="Trực tuyến",
            attendees=active[10:],
        )


def _has_trainings(session: Session, unit_id: int) -> bool:
    return (
        session.scalar(select(Training.id).where(Training.unit_id == unit_id).limit(1)) is not None
    )


def _monthly_reports(
    session: Session,
    analyst: Actor,
    plan: DemoPlan,
    made: list[tuple[DemoCollaborator, Collaborator]],
) -> int:
    current = periods.period_of("monthly", plan.anchor)
    months = [periods.previous("monthly", current, k) for k in (3, 2, 1, 0)]
    rng = random.Random(f"network:{plan.anchor.isoformat()}")  # noqa: S311 - synthetic
    created = 0
    for index, (spec, collaborator) in enumerate(made, start=1):
        for age, period in zip((3, 2, 1, 0), months, strict=True):
            if not _reports_in(spec.habit, age):
                continue
            year, month, _ = periods.months("monthly", period)
            day = (
                rng.randint(21, 27)
                if spec.habit == "late" and rng.random() < 0.6
                else rng.randint(5, 19)
            )
            at = datetime.combine(date(year, month, day), time(rng.randint(8, 17)), VIETNAM_TIME)
            if at.date() > plan.anchor:
                continue
            picks = rng.sample(OPINIONS, 2)
            draft = Draft(
                instance_id=f"demo-network:{index}:{period}",
                kind="periodic",
                cadence="monthly",
                period=period,
                topics=tuple(dict.fromkeys(p[0] for p in picks)),
                streams=tuple(
                    Stream(text, spread, tone, topic) for topic, tone, spread, text in picks
                ),
                causes="Tổng hợp từ ý kiến người dân tại địa bàn (dữ liệu mô phỏng).",
                forecast="Dư luận có thể tiếp tục quan tâm nếu chưa có thông tin chính thức.",
                proposals="Đề nghị cơ quan chức năng thông tin kịp thời cho người dân.",
            )
            created += _file(session, analyst, spec.commune, collaborator, draft, at)
    return created


def _reports_in(habit: str, age: int) -> bool:
    """Whether a collaborator of this habit reported in the month `age` months back."""
    if habit in ("left", "paused"):
        return age >= 2  # reported until they stopped, about two months ago
    if habit == "quiet":
        return age == 3
    return True


def _urgent_reports(
    session: Session,
    analyst: Actor,
    plan: DemoPlan,
    made: list[tuple[DemoCollaborator, Collaborator]],
) -> int:
    created = 0
    for commune, title, days_before, topic, sayings in URGENT:
        collaborator = next(
            c for spec, c in made if spec.commune == commune and c.status == "active"
        )
        happened = plan.anchor - timedelta(days=days_before)
        draft = Draft(
            instance_id=f"demo-network:urgent:{commune}:{happened.isoformat()}",
            kind="urgent",
            title=title,
            occurred_on=happened,
            topics=(topic,),
            streams=tuple(Stream(text, "widespread", "negative", topic) for text in sayings),
            forecast="Nếu không xử lý sớm, sự việc có thể lan rộng trên mạng xã hội.",
            proposals="Đề nghị chính quyền địa phương thông tin, hỗ trợ người dân ngay.",
        )
        at = datetime.combine(happened, time(15), VIETNAM_TIME)
        created += _file(session, analyst, commune, collaborator, draft, at)
    flood = session.scalar(
        select(FieldReport).where(FieldReport.instance_id.like("demo-network:urgent:02683:%"))
    )
    case = session.scalar(select(HotspotCase).where(HotspotCase.title.like("%Bát Xát%")))
    if flood is not None and case is not None and flood.case_id is None:
        flood.case_id = case.id
    return created


def _file(
    session: Session,
    analyst: Actor,
    commune: str,
    collaborator: Collaborator,
    draft: Draft,
    at: datetime,
) -> int:
    """File a collaborator's report through the service, dated when it was sent."""
    if session.scalar(select(FieldReport.id).where(FieldReport.instance_id == draft.instance_id)):
        return 0
    author = _author(session, analyst, collaborator)
    report, created = field_reports.submit(
        session, author, units.find_by_code(session, commune), draft
    )
    report.collaborator_id = collaborator.id
    report.submitted_at = report.created_at = at.astimezone(UTC)
    return int(created)


def _author(session: Session, analyst: Actor, collaborator: Collaborator) -> Actor:
    """The collaborator's own login when they have one (so they see their reports), else the
    province analyst who keyed in what they phoned in."""
    if collaborator.user_id is None:
        return analyst
    user = session.get(User, collaborator.user_id)
    return users.actor_for(user) if user is not None else analyst


def _consolidated(session: Session, analyst: Actor, plan: DemoPlan) -> int:
    """The province's consolidated report for last month, made of a few picked quotes."""
    period = periods.previous("monthly", periods.period_of("monthly", plan.anchor))
    lao_cai = units.find_by_code(session, "15")
    key = f"consolidated:{lao_cai.id}:monthly:{period}"
    if session.scalar(select(FieldReport.id).where(FieldReport.instance_id == key)):
        return 0
    found = rollup.rollup(session, analyst, lao_cai, "monthly", period)
    if not found.streams:
        return 0
    for stream in found.streams[:: max(1, len(found.streams) // 4)][:4]:
        rollup.pick(session, analyst, stream.id, True)
    report = rollup.consolidate(
        session,
        analyst,
        lao_cai,
        "monthly",
        period,
        causes="Giá cả, thủ tục sau sắp xếp đơn vị hành chính và môi trường được quan tâm nhất.",
        forecast="Dư luận về bồi thường đất và môi trường có thể tăng trong tháng tới.",
        proposals=(
            "Tăng cường đối thoại với người dân tại các xã có dự án; "
            "thông tin kịp thời về thủ tục hành chính."
        ),
    )
    year, month, _ = periods.months("monthly", period)
    report.submitted_at = datetime.combine(
        date(year, month, 18), time(10), VIETNAM_TIME
    ).astimezone(UTC)
    return 1


def _petitions(session: Session, analyst: Actor, plan: DemoPlan) -> int:
    existing = session.scalar(
        select(DialogueSession.id).where(DialogueSession.place.startswith(LABEL))
    )
    if existing is not None:
        return 0
    made = 0
    for commune, days_before, place, attendees, items in (
        (
            SA_PA,
            40,
            f"{LABEL} Nhà văn hóa tổ dân phố 3, phường Sa Pa",
            86,
            (
                ("traffic_safety", "Đề nghị sửa đường lên bản Cát Cát trước mùa mưa.", 30, None),
                (
                    "environment",
                    "Đề nghị tăng chuyến thu gom rác ở khu chợ trung tâm.",
                    20,
                    "Đã bổ sung 2 chuyến thu gom mỗi ngày.",
                ),
                (
                    "apparatus_restructuring",
                    "Đề nghị hướng dẫn đổi địa chỉ trên giấy tờ sau sắp xếp đơn vị hành chính.",
                    60,
                    None,
                ),
            ),
        ),
        (
            "02947",
            70,
            f"{LABEL} Hội trường UBND xã Bảo Yên",
            120,
            (
                (
                    "economy_livelihood",
                    "Đề nghị hỗ trợ giống cây trồng cho hộ bị thiệt hại do mưa đá.",
                    20,
                    "Đã cấp giống cho 46 hộ.",
                ),
                ("healthcare", "Đề nghị bố trí bác sĩ khám định kỳ tại trạm y tế xã.", 45, None),
                (
                    "land_projects",
                    "Đề nghị công khai phương án bồi thường dự án thủy điện nhỏ.",
                    90,
                    None,
                ),
            ),
        ),
    ):
        unit = units.find_by_code(session, commune)
        held = plan.anchor - timedelta(days=days_before)
        dialogue = petitions.record_session(
            session,
            analyst,
            unit,
            petitions.SessionDraft(
                held_on=held,
                place=place,
                units_present="UBND, MTTQ, Hội Nông dân",
                attendees=attendees,
            ),
        )
        for topic, content, due_in, answer in items:
            petition = petitions.add_petition(
                session,
                analyst,
                unit,
                petitions.PetitionDraft(
                    content,
                    topic=topic,
                    responsible=f"UBND {unit.name}",
                    due_on=held + timedelta(days=due_in),
                ),
                dialogue=dialogue,
            )
            if answer is not None:
                petitions.answer(
                    session, analyst, petition.id, answer, on=held + timedelta(days=due_in - 3)
                )
            made += 1
    return made
