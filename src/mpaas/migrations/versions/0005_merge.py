"""merge numbers, catalog and messaging branches

Revision ID: 0005_merge
Revises: 0002_numbers_lifecycle, 0003_catalog_billing, 0004_messaging
Create Date: 2026-11-27 06:10:40.595219
"""
from __future__ import annotations

revision = '0005_merge'
down_revision = ('0002_numbers_lifecycle', '0003_catalog_billing', '0004_messaging')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
