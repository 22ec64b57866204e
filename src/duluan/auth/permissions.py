"""Roles and actions declared as data, the acting user's scope, and the checks built on them.

A grant gives a role over a unit and its descendants. An action is allowed on a unit when one of the
actor's grants has a role that includes the action and the grant's unit path is a prefix of the
unit's path. Anything not declared here is denied.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import InstrumentedAttribute

from duluan.errors import PermissionDenied

ROLES = ("admin", "analyst", "leader", "collaborator")

_STAFF = frozenset({"admin", "analyst", "leader"})
_EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Action:
    roles: frozenset[str]
    description: str


ACTIONS: dict[str, Action] = {
    "home.view": Action(_EVERYONE, "Open the home page and the platform shell."),
    "account.manage": Action(_EVERYONE, "Change one's own password, language and API tokens."),
    "listening.view": Action(_STAFF, "Read media and social listening pages."),
    "documents.read": Action(_STAFF, "Read the text of a collected document (audited)."),
    "sources.manage": Action(
        frozenset({"admin", "analyst"}),
        "Add, disable and collect sources; import posts from files.",
    ),
    "documents.push": Action(
        frozenset({"admin", "analyst"}), "Send documents through the push API (API token)."
    ),
    "jobs.view": Action(_STAFF, "See background jobs and their progress."),
    "warning.view": Action(_STAFF, "Read early-warning alerts and hotspot cases."),
    "notifications.view": Action(_EVERYONE, "Read and mark read one's own notifications."),
    "alerts.rules": Action(
        frozenset({"admin", "analyst"}),
        "Set how a unit's staff are told of alerts (filters, channels, rate limit, cool-down).",
    ),
    "alerts.handle": Action(
        _STAFF, "Acknowledge and dismiss (with a reason) early-warning alerts."
    ),
    "cases.handle": Action(
        _STAFF,
        "Escalate alerts to hotspot cases; add notes and documents, follow playbook steps, "
        "assign and close cases.",
    ),
    "playbooks.manage": Action(
        frozenset({"admin"}), "Write the response playbooks of a unit (steps per kind of hotspot)."
    ),
    "surveys.view": Action(_STAFF, "Read surveys and their results."),
    "surveys.manage": Action(
        frozenset({"admin", "analyst"}),
        "Create surveys from XLSForm files, add questionnaire versions, change their settings, "
        "review and export responses.",
    ),
    "surveys.contacts": Action(
        frozenset({"admin"}),
        "Read the contact data respondents left for follow-up (kept apart from the answers).",
    ),
    "surveys.collect": Action(
        frozenset({"admin", "analyst", "collaborator"}), "Enter or submit survey responses."
    ),
    "network.view": Action(_STAFF, "Read the collaborator network and field reports."),
    "network.report": Action(
        frozenset({"admin", "analyst", "collaborator"}), "Submit field reports."
    ),
    "network.manage": Action(
        frozenset({"admin", "analyst"}),
        "Keep the collaborator roster, trainings, coverage targets and reporting schedules.",
    ),
    "network.contacts": Action(
        frozenset({"admin"}),
        "Read collaborators' names and contacts (kept apart from the roster; audited).",
    ),
    "network.lists": Action(
        frozenset({"admin"}), "Edit the sector and stratum lists (admin of the root unit)."
    ),
    "reports.view": Action(_STAFF, "Read periodic and urgent reports."),
    "reports.manage": Action(
        frozenset({"admin", "analyst"}),
        "Generate, edit, finalise and consolidate a unit's reports; keep its letterhead.",
    ),
    "plans.view": Action(_STAFF, "Read plans, tasks and scorecards."),
    "plans.manage": Action(
        frozenset({"admin", "analyst"}),
        "Create and import plans, add tasks, record progress and evidence (also as a task's lead).",
    ),
    "scorecards.manage": Action(
        frozenset({"admin"}),
        "Set the evaluation criteria of the units below and score them as an inspector.",
    ),
    "units.view": Action(_STAFF, "Read units of the organisation tree within scope."),
    "units.manage": Action(frozenset({"admin"}), "Add non-territorial units within scope."),
    "users.manage": Action(
        frozenset({"admin"}), "Create, disable and grant roles to users within scope."
    ),
    "audit.view": Action(frozenset({"admin"}), "Read the audit log of events within scope."),
    "topics.manage": Action(
        frozenset({"admin"}),
        "Add, edit and deactivate the deployment's topics (admin of the root unit).",
    ),
}


@dataclass(frozen=True)
class Scope:
    role: str
    unit_id: int
    unit_path: str


@dataclass(frozen=True)
class Actor:
    """The authenticated user as services see it: identity and grants, nothing from a request."""

    user_id: int
    username: str
    display_name: str
    locale: str
    scopes: tuple[Scope, ...]

    def paths_for(self, action: str) -> tuple[str, ...]:
        """Unit paths under which `action` is allowed (empty: nowhere)."""
        allowed = ACTIONS[action].roles
        return tuple(s.unit_path for s in self.scopes if s.role in allowed)

    def may(self, action: str, unit_path: str | None = None) -> bool:
        """Whether `action` is allowed on the unit at `unit_path`, or anywhere if none is given."""
        paths = self.paths_for(action)
        if unit_path is None:
            return bool(paths)
        return any(unit_path.startswith(p) for p in paths)

    def require(self, action: str, unit_path: str | None = None) -> None:
        if not self.may(action, unit_path):
            raise PermissionDenied("errors.permission_denied")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(s.role for s in self.scopes)


def scope_filter(
    actor: Actor, action: str, path_column: InstrumentedAttribute[str]
) -> ColumnElement[bool]:
    """SQL condition keeping the rows whose unit path lies within the actor's scope for `action`."""
    paths = _outermost(actor.paths_for(action))
    if not paths:
        return false()
    return or_(*(path_column.startswith(p) for p in paths))


def _outermost(paths: tuple[str, ...]) -> list[str]:
    """Drop paths nested inside another, so the SQL condition stays short."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept
