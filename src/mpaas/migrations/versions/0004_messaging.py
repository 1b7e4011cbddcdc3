"""messaging: account webhooks, webhook attempts, message parts, early receipts, device delivery

Revision ID: 0004_messaging
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mpaas.models.base

revision = "0004_messaging"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_webhooks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("data_format", sa.String(length=50), nullable=False),
        sa.Column("authentication_type", sa.String(length=10), nullable=False),
        sa.Column("authentication_username", sa.String(length=255), nullable=True),
        sa.Column("authentication_password", sa.String(length=255), nullable=True),
        sa.Column("authentication_token", sa.String(length=255), nullable=True),
        sa.Column("subscribed_events", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_account_webhooks_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_webhooks")),
    )
    with op.batch_alter_table("account_webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_webhooks_account_id"), ["account_id"], unique=False)

    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=True),
        sa.Column("webhook_id", sa.String(length=64), nullable=True),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("created_at", mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_attempts_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_attempts_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_webhook_attempts_message", ["message_id"], unique=False)

    op.create_table(
        "message_parts",
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("carrier_message_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("part_index", sa.Integer(), nullable=False),
        sa.Column("parts_total", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("updated_at", mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_message_parts_message_id_messages")),
        sa.PrimaryKeyConstraint("carrier", "carrier_message_id", name=op.f("pk_message_parts")),
    )
    with op.batch_alter_table("message_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_parts_message_id"), ["message_id"], unique=False)

    op.create_table(
        "early_receipts",
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("carrier_message_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("received_at", mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("carrier", "carrier_message_id", name=op.f("pk_early_receipts")),
    )

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_delivered_at", mpaas.models.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("device_delivered_at")
    op.drop_table("early_receipts")
    with op.batch_alter_table("message_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_parts_message_id"))
    op.drop_table("message_parts")
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_attempts_message")
        batch_op.drop_index(batch_op.f("ix_webhook_attempts_account_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_attempts_event_id"))
    op.drop_table("webhook_attempts")
    with op.batch_alter_table("account_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_webhooks_account_id"))
    op.drop_table("account_webhooks")
