"""ingest: sources, fetch runs, documents, enrichments, near-duplicate keys; jobs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 06:55:01.462007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_jobs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_jobs_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("province_code", sa.String(length=8), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("next_due_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_fetch_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("documents_total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_sources_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_next_due_at"), ["next_due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sources_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("url_key", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("author_hash", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("published_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("collected_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("pii_masked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_documents_source_id_sources")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_documents_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("source_id", "external_id", name="uq_documents_source_external"),
        sa.UniqueConstraint("url_key", name=op.f("uq_documents_url_key")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_cluster_id"), ["cluster_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_content_hash"), ["content_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_documents_published_at"), ["published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_documents_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            "ix_documents_unit_published", ["unit_id", "published_at"], unique=False
        )

    op.create_table(
        "fetch_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("started_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", duluan.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("items_found", sa.Integer(), nullable=False),
        sa.Column("items_new", sa.Integer(), nullable=False),
        sa.Column("items_duplicate", sa.Integer(), nullable=False),
        sa.Column("items_rejected", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_fetch_runs_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_runs")),
    )
    with op.batch_alter_table("fetch_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_runs_source_id"), ["source_id"], unique=False)

    op.create_table(
        "document_topics",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_topics_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "topic", name=op.f("pk_document_topics")),
    )
    with op.batch_alter_table("document_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_topics_topic"), ["topic"], unique=False)

    op.create_table(
        "enrichments",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sentiment", sa.String(length=16), nullable=False),
        sa.Column("sentiment_score", sa.Float(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("text_restored", sa.Text(), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("analysed_at", duluan.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_enrichments_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_enrichments")),
    )
    with op.batch_alter_table("enrichments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrichments_province_code"), ["province_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enrichments_sentiment"), ["sentiment"], unique=False)

    op.create_table(
        "near_duplicate_keys",
        sa.Column("band", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_near_duplicate_keys_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band", "document_id", name=op.f("pk_near_duplicate_keys")),
    )
    with op.batch_alter_table("near_duplicate_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_near_duplicate_keys_document_id"), ["document_id"], unique=False
        )
    _create_search_index()


# Full-text search over documents.search_text (ingest.search); outside the models, so env.py
# tells alembic check to leave these alone.
_SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE documents_fts USING fts5(search_text, content='documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER documents_fts_update AFTER UPDATE OF search_text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO documents_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
_POSTGRES_SEARCH = (
    "CREATE INDEX ix_documents_search ON documents USING gin (to_tsvector('simple', search_text))",
)


def _create_search_index() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE_SEARCH if dialect == "sqlite" else _POSTGRES_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_documents_search")
    with op.batch_alter_table("near_duplicate_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_near_duplicate_keys_document_id"))

    op.drop_table("near_duplicate_keys")
    with op.batch_alter_table("enrichments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrichments_sentiment"))
        batch_op.drop_index(batch_op.f("ix_enrichments_province_code"))

    op.drop_table("enrichments")
    with op.batch_alter_table("document_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_topics_topic"))

    op.drop_table("document_topics")
    with op.batch_alter_table("fetch_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_runs_source_id"))

    op.drop_table("fetch_runs")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_unit_published")
        batch_op.drop_index(batch_op.f("ix_documents_unit_id"))
        batch_op.drop_index(batch_op.f("ix_documents_source_id"))
        batch_op.drop_index(batch_op.f("ix_documents_published_at"))
        batch_op.drop_index(batch_op.f("ix_documents_content_hash"))
        batch_op.drop_index(batch_op.f("ix_documents_cluster_id"))

    op.drop_table("documents")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_unit_id"))
        batch_op.drop_index(batch_op.f("ix_sources_next_due_at"))

    op.drop_table("sources")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_unit_id"))
        batch_op.drop_index(batch_op.f("ix_jobs_state"))
        batch_op.drop_index(batch_op.f("ix_jobs_kind"))

    op.drop_table("jobs")
