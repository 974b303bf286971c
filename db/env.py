"""Alembic environment: runs migrations on the kiosk's engine or its configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from kiosk.storage.database import create_database_engine
from kiosk.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    # Run from the command line (`alembic ...` in a checkout): use the kiosk's settings.
    from kiosk.config.loader import load_settings

    settings, _ = load_settings()
    return create_database_engine(settings.database.resolved_url())


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        # Batch mode copies and swaps tables, the only way SQLite can alter columns.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
