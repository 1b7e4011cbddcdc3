"""calls, call_events: durable call records and the progress events Kamailio reports (issue 18)

Revision ID: 0016_calls
Revises: 0015_merge
Create Date: 2026-12-03 22:45:00

One row of `calls` per SIP Call-ID that reached a routing decision (voice/calls.py); `call_events` keeps each
reported event once, keyed by the protocol's idempotency key (call, event, timestamp).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = "0016_calls"
down_revision = "0015_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("number_id", sa.String(length=64), nullable=True),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("from_number", sa.String(length=64), nullable=False),
        sa.Column("to_number", sa.String(length=64), nullable=False),
        sa.Column("sip_call_id", sa.String(length=255), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ringing_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("held_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("disposition", sa.String(length=16), nullable=True),
        sa.Column("sip_code", sa.Integer(), nullable=True),
        sa.Column("sip_reason", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_calls_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("sip_call_id", name=op.f("uq_calls_sip_call_id")),
    )
    op.create_index("ix_calls_account_created", "calls", ["account_id", "created_at"], unique=False)
    op.create_table(
        "call_events",
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sip_code", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=255), nullable=True),
        sa.Column("branch", sa.String(length=255), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_events_call_id_calls")),
        sa.PrimaryKeyConstraint("call_id", "event", "occurred_at", name=op.f("pk_call_events")),
    )


def downgrade() -> None:
    op.drop_table("call_events")
    op.drop_index("ix_calls_account_created", table_name="calls")
    op.drop_table("calls")
