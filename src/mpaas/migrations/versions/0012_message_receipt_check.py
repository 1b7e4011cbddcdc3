"""messages: receipt_check_at and expires_at, with a partial index, for receipts that never come

Revision ID: 0012_message_receipt_check
Revises: 0007_drop_unused_indexes
Create Date: 2026-12-03 21:50:00

A message the carrier accepted but sent no final receipt for is asked about with query_sm at
receipt_check_at, and given a final status once expires_at (its validity period) is over
(messaging/receipt_sweep.py). The index holds only the rows whose check is pending (Sent messages), so it
costs one entry per message in flight, not one per message stored.

Messages already Sent when this runs (some may be waiting for receipts that will never come) are due at once
and expire 48 hours (the default validity) after the upgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = "0012_message_receipt_check"
down_revision = "0007_drop_unused_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("receipt_check_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("expires_at", UTCDateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_messages_receipt_check",
        "messages",
        ["receipt_check_at"],
        unique=False,
        sqlite_where=sa.text("receipt_check_at IS NOT NULL"),
        postgresql_where=sa.text("receipt_check_at IS NOT NULL"),
    )
    messages = sa.table(
        "messages",
        sa.column("status", sa.String()),
        sa.column("receipt_check_at", UTCDateTime(timezone=True)),
        sa.column("expires_at", UTCDateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.execute(
        messages.update()
        .where(messages.c.status == "Sent")
        .values(receipt_check_at=now, expires_at=now + timedelta(hours=48))
    )


def downgrade() -> None:
    op.drop_index("ix_messages_receipt_check", table_name="messages")
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("receipt_check_at")
