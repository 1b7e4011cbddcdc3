"""calls: a partial index of the calls not yet completed, for the voice reconciliation

Revision ID: 0028_calls_open_index
Revises: 0027_carrier_bind_states
Create Date: 2026-12-05 06:00:00

Every minute the supervisor's reconciliation (voice/reconcile.py) reads the calls that are not completed and were
made before a cutoff. Without an index that read scanned every call ever made; this index holds only the open ones
(a row leaves it when its call completes), so the read costs what is open, whatever the history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028_calls_open_index"
down_revision = "0027_carrier_bind_states"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_calls_open",
        "calls",
        ["created_at"],
        sqlite_where=sa.text("status != 'completed'"),
        postgresql_where=sa.text("status != 'completed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_calls_open", table_name="calls")
