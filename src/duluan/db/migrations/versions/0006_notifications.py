"""notifications: in-app notifications and delivery rules

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass
