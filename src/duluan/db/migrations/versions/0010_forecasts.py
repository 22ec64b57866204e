"""forecasts: forecasts and their backtests

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass
