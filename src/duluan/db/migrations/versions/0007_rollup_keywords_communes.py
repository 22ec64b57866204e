"""rollup_keywords_communes: keyword and commune roll-ups

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the change that adds these tables


def downgrade() -> None:
    pass
