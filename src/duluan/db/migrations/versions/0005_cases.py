"""cases: hotspot cases, playbooks and their steps

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass
