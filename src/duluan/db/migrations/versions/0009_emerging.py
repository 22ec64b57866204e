"""emerging: emerging-topic clusters

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass
