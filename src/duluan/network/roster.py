"""The roster of collaborators: the sector and stratum lists, adding and editing collaborators,
their status, their login, their contact data (kept apart) and the trainings they attended.

Every function checks the actor's role on the managing unit: `network.view` to read the roster,
`network.manage` to change it, `network.contacts` (the unit's admins) to read a name and contact,
each such read audited. The roster itself holds no name: it is what coverage is computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from duluan.auth import audit, users
from duluan.auth.models import OrgUnit, User
from duluan.auth.permissions import Actor, scope_filter
from duluan.errors import BadInput, NotFound, PermissionDenied
from duluan.network.models import (
    CATEGORY_KINDS,
    COLLABORATOR_STATUSES,
    Category,
    Collaborator,
    CollaboratorContact,
    Training,
    TrainingAttendance,
)
from duluan.network.territory import check_place, territory_of

# The lists a new deployment starts with (code, Vietnamese, English); admins add to them.
DEFAULT_CATEGORIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sector": (
        ("economy", "Kinh tế, việc làm", "Economy and jobs"),
        ("agriculture", "Nông nghiệp, nông thôn", "Agriculture and rural life"),
        ("land_environment", "Đất đai, môi trường", "Land and environment"),
        ("healthcare", "Y tế", "Healthcare"),
        ("education", "Giáo dục", "Education"),
        ("culture_society", "Văn hóa, xã hội", "Culture and society"),
        ("public_order", "An ninh, trật tự", "Public order"),
        ("party_government", "Xây dựng Đảng, chính quyền", "Party and government"),
        ("science_digital", "Khoa học, chuyển đổi số", "Science and digital"),
    ),
    "stratum": (
        ("workers", "Công nhân, người lao động", "Workers"),
        ("farmers", "Nông dân", "Farmers"),
        ("intellectuals", "Trí thức", "Intellectuals"),
        ("business", "Doanh nhân, tiểu thương", "Business people and traders"),
        ("officials", "Cán bộ, công chức, viên chức", "Civil servants"),
        ("youth", "Thanh niên, học sinh, sinh viên", "Youth and students"),
        ("women", "Phụ nữ", "Women"),
        ("elderly", "Người cao tuổi", "Older people"),
        ("veterans", "Cựu chiến binh", "Veterans"),
        ("ethnic_minorities", "Đồng bào dân tộc thiểu số", "Ethnic minorities"),
        ("religious", "Đồng bào tôn giáo", "Religious communities"),
    ),
}
MAX_NAME = 255


@dataclass(frozen=True)
class Place:
    """Where and whom a collaborator covers."""

    province_code: str
    commune_code: str
    sector: str
    stratum: str


@dataclass(frozen=True)
class Contact:
    full_name: str
    phone: str = ""
    email: str = ""
    note: str = ""


# --- Lists --------------------------------------------------------------------------------------


def categories(session: Session, kind: str, *, active_only: bool = True) -> list[Category]:
    """The sector or stratum list in its order (the defaults are copied in on first use)."""
    if kind not in CATEGORY_KINDS:
        raise BadInput("network.errors.category_kind", kind=kind)
    _ensure_seeded(session)
    query = select(Category).where(Category.kind == kind)
    if active_only:
        query = query.where(Category.active.is_(True))
    return list(session.scalars(query.order_by(Category.position, Category.id)))


def category_names(session: Session, kind: str, locale: str) -> dict[str, str]:
    """{code: name in `locale`} of every entry of a list, inactive ones included (old rosters)."""
    return {
        c.code: c.name_vi if locale == "vi" else c.name_en
        for c in categories(session, kind, active_only=False)
    }


def add_category(
    session: Session, actor: Actor, kind: str, code: str, name_vi: str, name_en: str
) -> Category:
    """A new entry at the end of a list; the lists are the deployment's (root unit's admins)."""
    _require_root_admin(session, actor)
    existing = categories(session, kind, active_only=False)
    code = code.strip()
    if not code or len(code) > 64 or not code.replace("_", "").isalnum():
        raise BadInput("network.errors.category_code", code=code)
    if any(c.code == code for c in existing):
        raise BadInput("network.errors.category_taken", code=code)
    name_vi, name_en = " ".join(name_vi.split()), " ".join(name_en.split())
    if not name_vi:
        raise BadInput("network.errors.category_name")
    category = Category(
        kind=kind,
        code=code,
        name_vi=name_vi[:MAX_NAME],
        name_en=(name_en or name_vi)[:MAX_NAME],
        position=len(existing),
    )
    session.add(category)
    session.flush()
    audit.record(session, actor=actor, action="network.category_added", target=f"{kind}:{code}")
    return category


def set_category_active(
    session: Session, actor: Actor, kind: str, code: str, active: bool
) -> Category:
    """Retire an entry (rosters keep the code and still show its name) or bring it back."""
    _require_root_admin(session, actor)
    category = next(
        (c for c in categories(session, kind, active_only=False) if c.code == code), None
    )
    if category is None:
        raise NotFound("network.errors.category_unknown", code=code)
    category.active = active
    audit.record(
        session,
        actor=actor,
        action="network.category_changed",
        target=f"{kind}:{code}",
        detail={"active": active},
    )
    return category


# --- Collaborators ------------------------------------------------------------------------------


def roster(
    session: Session, actor: Actor, unit: OrgUnit, *, status: str | None = None
) -> list[Collaborator]:
    """Collaborators managed by `unit` and its descendants, within the actor's scope."""
    actor.require("network.view", unit.path)
    query = (
        select(Collaborator)
        .join(OrgUnit, OrgUnit.id == Collaborator.unit_id)
        .where(
            OrgUnit.path.startswith(unit.path), scope_filter(actor, "network.view", OrgUnit.path)
        )
    )
    if status is not None:
        query = query.where(Collaborator.status == status)
    return list(session.scalars(query.order_by(Collaborator.id)))


def get(session: Session, actor: Actor, collaborator_id: int, action: str) -> Collaborator:
    """The collaborator if the actor may do `action` on their managing unit; NotFound for one
    outside every scope of the actor (existence is not revealed), PermissionDenied otherwise."""
    collaborator = session.get(Collaborator, collaborator_id)
    unit = session.get(OrgUnit, collaborator.unit_id) if collaborator else None
    if collaborator is None or unit is None or not actor.may("network.view", unit.path):
        raise NotFound("network.errors.collaborator_unknown", id=collaborator_id)
    actor.require(action, unit.path)
    return collaborator


def add(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    place: Place,
    contact: Contact,
    *,
    joined_on: date,
) -> Collaborator:
    """A new active collaborator of `unit`, with their contact kept apart."""
    actor.require("network.manage", unit.path)
    collaborator = Collaborator(unit_id=unit.id, joined_on=joined_on, status="active")
    _apply_place(session, unit, collaborator, place)
    session.add(collaborator)
    session.flush()
    session.add(CollaboratorContact(collaborator_id=collaborator.id, **_checked(contact)))
    audit.record(
        session,
        actor=actor,
        action="network.collaborator_added",
        target=str(collaborator.id),
        unit_id=unit.id,
    )
    return collaborator


def update(session: Session, actor: Actor, collaborator: Collaborator, place: Place) -> None:
    """Change where and whom a collaborator covers."""
    unit = _unit(session, collaborator, actor, "network.manage")
    _apply_place(session, unit, collaborator, place)
    audit.record(
        session,
        actor=actor,
        action="network.collaborator_changed",
        target=str(collaborator.id),
        unit_id=unit.id,
    )


def set_status(
    session: Session, actor: Actor, collaborator: Collaborator, status: str, *, on: date
) -> None:
    """Pause, end or resume a collaboration; ending it records the date and closes the login."""
    unit = _unit(session, collaborator, actor, "network.manage")
    if status not in COLLABORATOR_STATUSES:
        raise BadInput("network.errors.status", status=status)
    collaborator.status = status
    collaborator.left_on = on if status == "left" else None
    if collaborator.user_id is not None:
        user = session.get(User, collaborator.user_id)
        if user is not None:
            user.is_active = status != "left"
    audit.record(
        session,
        actor=actor,
        action="network.collaborator_status",
        target=str(collaborator.id),
        unit_id=unit.id,
        detail={"status": status},
    )


def create_login(
    session: Session, actor: Actor, collaborator: Collaborator, username: str, password: str
) -> User:
    """A platform account with the `collaborator` role on the managing unit, linked to them."""
    unit = _unit(session, collaborator, actor, "network.manage")
    if collaborator.user_id is not None:
        raise BadInput("network.errors.has_login")
    user = users.create_user(
        session, actor=actor, username=username, password=password, role="collaborator", unit=unit
    )
    collaborator.user_id = user.id
    return user


def of_user(session: Session, user_id: int) -> Collaborator | None:
    """The roster entry of a signed-in collaborator, if they have one."""
    return session.scalar(select(Collaborator).where(Collaborator.user_id == user_id))


def contact(session: Session, actor: Actor, collaborator: Collaborator) -> CollaboratorContact:
    """A collaborator's name and contact, for the managing unit's admins; the read is audited."""
    unit = _unit(session, collaborator, actor, "network.contacts")
    found = session.get(CollaboratorContact, collaborator.id)
    if found is None:
        raise NotFound("network.errors.collaborator_unknown", id=collaborator.id)
    audit.record(
        session,
        actor=actor,
        action="network.contact_read",
        target=str(collaborator.id),
        unit_id=unit.id,
    )
    return found


# --- Trainings ----------------------------------------------------------------------------------


def add_training(
    session: Session,
    actor: Actor,
    unit: OrgUnit,
    *,
    title: str,
    held_on: date,
    place: str = "",
    attendees: list[int] = (),  # type: ignore[assignment]
) -> Training:
    """A training session of `unit` and who of its network attended."""
    actor.require("network.manage", unit.path)
    title = " ".join(title.split())
    if not title:
        raise BadInput("network.errors.training_title")
    training = Training(unit_id=unit.id, title=title[:MAX_NAME], held_on=held_on, place=place[:255])
    session.add(training)
    session.flush()
    managed = {c.id for c in roster(session, actor, unit)}
    for collaborator_id in dict.fromkeys(attendees):
        if collaborator_id not in managed:
            raise BadInput("network.errors.attendee_unknown", id=collaborator_id)
        session.add(TrainingAttendance(training_id=training.id, collaborator_id=collaborator_id))
    audit.record(
        session,
        actor=actor,
        action="network.training_added",
        target=str(training.id),
        unit_id=unit.id,
        detail={"attendees": len(set(attendees))},
    )
    return training


def trainings_attended(session: Session, collaborator_ids: list[int]) -> dict[int, int]:
    """{collaborator id: number of trainings attended}."""
    rows = session.execute(
        select(TrainingAttendance.collaborator_id, TrainingAttendance.training_id).where(
            TrainingAttendance.collaborator_id.in_(collaborator_ids)
        )
    )
    counts: dict[int, int] = {}
    for collaborator_id, _ in rows:
        counts[collaborator_id] = counts.get(collaborator_id, 0) + 1
    return counts


def trainings(session: Session, actor: Actor, unit: OrgUnit) -> list[tuple[Training, list[int]]]:
    """The trainings held by `unit` and its descendants within the actor's scope, newest first,
    each with the ids of the collaborators who attended."""
    actor.require("network.view", unit.path)
    held = list(
        session.scalars(
            select(Training)
            .join(OrgUnit, OrgUnit.id == Training.unit_id)
            .where(
                OrgUnit.path.startswith(unit.path),
                scope_filter(actor, "network.view", OrgUnit.path),
            )
            .order_by(Training.held_on.desc(), Training.id.desc())
        )
    )
    attended: dict[int, list[int]] = {t.id: [] for t in held}
    rows = session.execute(
        select(TrainingAttendance.training_id, TrainingAttendance.collaborator_id)
        .where(TrainingAttendance.training_id.in_(attended))
        .order_by(TrainingAttendance.collaborator_id)
    )
    for training_id, collaborator_id in rows:
        attended[training_id].append(collaborator_id)
    return [(t, attended[t.id]) for t in held]


# --- Helpers ------------------------------------------------------------------------------------


def _apply_place(session: Session, unit: OrgUnit, collaborator: Collaborator, place: Place) -> None:
    province_code, commune_code = check_place(
        territory_of(session, unit), place.province_code, place.commune_code
    )
    for kind, code in (("sector", place.sector), ("stratum", place.stratum)):
        if code not in {c.code for c in categories(session, kind)}:
            raise BadInput(f"network.errors.{kind}_unknown", code=code)
    collaborator.province_code, collaborator.commune_code = province_code, commune_code
    collaborator.sector, collaborator.stratum = place.sector, place.stratum


def _checked(contact: Contact) -> dict[str, str]:
    full_name = " ".join(contact.full_name.split())
    if not full_name:
        raise BadInput("network.errors.name_required")
    return {
        "full_name": full_name[:MAX_NAME],
        "phone": contact.phone.strip()[:64],
        "email": contact.email.strip()[:254],
        "note": contact.note.strip(),
    }


def _unit(session: Session, collaborator: Collaborator, actor: Actor, action: str) -> OrgUnit:
    unit = session.get(OrgUnit, collaborator.unit_id)
    if unit is None:
        raise NotFound("network.errors.collaborator_unknown", id=collaborator.id)
    actor.require(action, unit.path)
    return unit


def _require_root_admin(session: Session, actor: Actor) -> None:
    root = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
    if root is None or not actor.may("network.lists", root.path):
        raise PermissionDenied("errors.permission_denied")


def _ensure_seeded(session: Session) -> None:
    """Copy the default lists in when the table is empty (a new deployment); a concurrent first
    use conflicts on the codes and is dropped."""
    if session.scalar(select(Category.id).limit(1)) is not None:
        return
    try:
        with session.begin_nested():
            session.add_all(
                Category(kind=kind, code=code, name_vi=vi, name_en=en, position=position)
                for kind, entries in DEFAULT_CATEGORIES.items()
                for position, (code, vi, en) in enumerate(entries)
            )
    except IntegrityError:
        pass
