"""The platform's sections as data: one entry per pillar, the action that opens it, its icon."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # message keys nav.<key> and section.<key>.*
    path: str
    action: str
    icon: str  # name of an inline SVG symbol in templates/icons.html


PILLARS = (
    Section("listening", "/listening", "listening.view", "radar"),
    Section("warning", "/warning", "warning.view", "alert"),
    Section("surveys", "/surveys", "surveys.view", "clipboard"),
    Section("network", "/network", "network.view", "people"),
    Section("reports", "/reports", "reports.view", "document"),
    Section("plans", "/plans", "plans.view", "checklist"),
)

ADMIN = (
    Section("units", "/units", "units.view", "tree"),
    Section("users", "/admin/users", "users.manage", "key"),
    Section("audit", "/admin/audit", "audit.view", "log"),
)
