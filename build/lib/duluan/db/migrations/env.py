"""Alembic environment: the metadata of every domain's tables, run online against the given URL.

Migrations know every table by design, so this file (and only it) imports the domain models; the
layer test exempts this directory.
"""

from __future__ import annotations

from alembic import context

import duluan.auth.models  # noqa: F401 - registers the tables
from duluan.db.base import Base
from duluan.db.engine import create_db_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("sqlalchemy.url must be set by duluan.db.migrate")

engine = create_db_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
