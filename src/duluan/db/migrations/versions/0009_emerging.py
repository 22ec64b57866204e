"""emerging: emerging-topic clusters

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emerging_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("recent", sa.Integer(), nullable=False),
        sa.Column("earlier", sa.Integer(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("detected_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_emerging_clusters_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emerging_clusters")),
    )
    with op.batch_alter_table("emerging_clusters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emerging_clusters_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_emerging_clusters_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "emerging_cluster_documents",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_emerging_cluster_documents_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["emerging_clusters.id"],
            name=op.f("fk_emerging_cluster_documents_cluster_id_emerging_clusters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "cluster_id", "document_id", name=op.f("pk_emerging_cluster_documents")
        ),
    )
    with op.batch_alter_table("emerging_cluster_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emerging_cluster_documents_document_id"), ["document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("emerging_cluster_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emerging_cluster_documents_document_id"))
    op.drop_table("emerging_cluster_documents")

    with op.batch_alter_table("emerging_clusters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emerging_clusters_unit_id"))
        batch_op.drop_index(batch_op.f("ix_emerging_clusters_active"))
    op.drop_table("emerging_clusters")
