"""Run the Alembic history programmatically (serve and every CLI command call this first)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from mpaas.core.db.database import sync_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", sync_url(database_url))
    return cfg


def upgrade(database_url: str) -> None:
    # "heads": a domain may add its own revision branch off an earlier one until a merge revision joins it.
    command.upgrade(alembic_config(database_url), "heads")
