"""Alembic environment: the metadata of every domain's tables, run online against the given URL.

Migrations know every table by design, so this file (and only it) imports the domain models; the
layer test exempts this directory.
"""

from __future__ import annotations

from alembic import context

import duluan.analysis.emerging_store
import duluan.analysis.rollups
import duluan.analysis.topics
import duluan.auth.models
import duluan.ingest.models
import duluan.jobs.models
import duluan.network.models
import duluan.plans.models
import duluan.reports.models
import duluan.surveys.models
import duluan.surveys.publication_models
import duluan.surveys.weighting_models
import duluan.warning.forecast
import duluan.warning.models
import duluan.warning.notifications  # noqa: F401
from duluan.db.base import Base
from duluan.db.engine import create_db_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("sqlalchemy.url must be set by duluan.db.migrate")

# Full-text search structures are created by hand in migration 0002 (ingest.search).
UNMODELLED = ("documents_fts", "ix_documents_search")


def include_object(
    obj: object, name: str | None, kind: str, reflected: bool, other: object
) -> bool:
    return not (reflected and name is not None and name.startswith(UNMODELLED))


engine = create_db_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
