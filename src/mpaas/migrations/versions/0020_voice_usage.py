"""voice_usage: the minutes each answered call counted as Voice usage (issue 18)

Revision ID: 0020_voice_usage
Revises: 0016_calls
Create Date: 2026-12-04 02:50:00

One row per call record (calls.id) that ended answered: the subscription it counted against, the period, and
its seconds and minutes, so a redelivered end event counts nothing more (voice/usage.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = "0020_voice_usage"
down_revision = "0016_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "voice_usage",
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("subscription_id", sa.String(length=64), nullable=True),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("counted_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_voice_usage_call_id_calls")),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_voice_usage")),
    )
    op.create_index(op.f("ix_voice_usage_subscription_id"), "voice_usage", ["subscription_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_voice_usage_subscription_id"), table_name="voice_usage")
    op.drop_table("voice_usage")
