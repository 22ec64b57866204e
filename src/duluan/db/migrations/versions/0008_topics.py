"""topics: the deployment's editable topic taxonomy

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass
