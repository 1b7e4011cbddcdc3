"""messages, webhook_attempts: drop the indexes no query uses

Revision ID: 0007_drop_unused_indexes
Revises: 0006_jobs_claim_index
Create Date: 2026-11-27 16:10:00

Every index is written on each send, submit, receipt and webhook attempt, and on SQLite those writes run
under the one write lock all processes share. None of these serves a query:
- ix_messages_account_id: account_id leads ix_messages_account_created, which serves the same lookups;
- ix_messages_batch_id, ix_messages_carrier_id: never searched (receipts go through message_parts' key);
- ix_messages_owner: the by-number search ORs owner, from and to, which one column's index cannot serve;
- ix_webhook_attempts_event_id, ix_webhook_attempts_account_id: attempts are listed per message.
"""
from __future__ import annotations

from alembic import op

revision = '0007_drop_unused_indexes'
down_revision = '0006_jobs_claim_index'
branch_labels = None
depends_on = None

DROPPED = {
    "messages": [("ix_messages_account_id", ["account_id"]), ("ix_messages_batch_id", ["batch_id"]),
                 ("ix_messages_carrier_id", ["carrier_id"]), ("ix_messages_owner", ["owner"])],
    "webhook_attempts": [("ix_webhook_attempts_event_id", ["event_id"]),
                         ("ix_webhook_attempts_account_id", ["account_id"])],
}


def upgrade() -> None:
    for table, indexes in DROPPED.items():
        for name, _ in indexes:
            op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, indexes in DROPPED.items():
        for name, columns in indexes:
            op.create_index(name, table, columns, unique=False)
