"""guardian: AI Guardian features, relations, call filters, alerts and the alert SMS gate (issues 18 and 19)

Revision ID: 0017_guardian
Revises: 0016_calls
Create Date: 2026-12-04 02:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = "0017_guardian"
down_revision = "0016_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guardian_features",
        sa.Column("subscriber_id", sa.String(length=64), nullable=False),
        sa.Column("calls", sa.Boolean(), nullable=False),
        sa.Column("messages", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscribers.id"], name=op.f("fk_guardian_features_subscriber_id_subscribers")
        ),
        sa.PrimaryKeyConstraint("subscriber_id", name=op.f("pk_guardian_features")),
    )
    op.create_table(
        "guardian_relations",
        sa.Column("parent_id", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.String(length=64), nullable=False),
        sa.Column("relation", sa.String(length=255), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["subscribers.id"], name=op.f("fk_guardian_relations_parent_id_subscribers")
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["subscribers.id"], name=op.f("fk_guardian_relations_child_id_subscribers")
        ),
        sa.PrimaryKeyConstraint("parent_id", "child_id", name=op.f("pk_guardian_relations")),
    )
    op.create_index("ix_guardian_relations_child", "guardian_relations", ["child_id"], unique=False)
    op.create_table(
        "guardian_call_filters",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("subscriber_id", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("filter_mode", sa.String(length=16), nullable=False),
        sa.Column("enforcement", sa.String(length=16), nullable=False),
        sa.Column("allowed_numbers", sa.JSON(), nullable=False),
        sa.Column("blocked_numbers", sa.JSON(), nullable=False),
        sa.Column("enable_transcription", sa.Boolean(), nullable=False),
        sa.Column("keyword_filter", sa.Text(), nullable=True),
        sa.Column("transcription_action", sa.String(length=16), nullable=True),
        sa.Column("warning_message", sa.Text(), nullable=True),
        sa.Column("notification_phones", sa.JSON(), nullable=False),
        sa.Column("apply_to_outbound", sa.Boolean(), nullable=False),
        sa.Column("apply_to_inbound", sa.Boolean(), nullable=False),
        sa.Column("block_unknown_numbers", sa.Boolean(), nullable=False),
        sa.Column("block_international", sa.Boolean(), nullable=False),
        sa.Column("record_flagged_calls", sa.Boolean(), nullable=False),
        sa.Column("time_restrictions", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_guardian_call_filters_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"], ["subscribers.id"], name=op.f("fk_guardian_call_filters_subscriber_id_subscribers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_call_filters")),
        sa.UniqueConstraint("subscriber_id", "phone", name="uq_guardian_call_filters_subscriber_phone"),
    )
    op.create_index(
        "ix_guardian_call_filters_account_phone", "guardian_call_filters", ["account_id", "phone"], unique=False
    )
    op.create_table(
        "guardian_alerts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("subscriber_id", sa.String(length=64), nullable=False),
        sa.Column("filter_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("own_number", sa.String(length=64), nullable=False),
        sa.Column("other_number", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("sms_sent", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_guardian_alerts_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian_alerts")),
    )
    op.create_index("ix_guardian_alerts_account_created", "guardian_alerts", ["account_id", "created_at"], unique=False)
    op.create_index("ix_guardian_alerts_filter", "guardian_alerts", ["filter_id"], unique=False)
    op.create_table(
        "guardian_alert_gates",
        sa.Column("filter_id", sa.String(length=64), nullable=False),
        sa.Column("last_sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("filter_id", name=op.f("pk_guardian_alert_gates")),
    )


def downgrade() -> None:
    op.drop_table("guardian_alert_gates")
    op.drop_index("ix_guardian_alerts_filter", table_name="guardian_alerts")
    op.drop_index("ix_guardian_alerts_account_created", table_name="guardian_alerts")
    op.drop_table("guardian_alerts")
    op.drop_index("ix_guardian_call_filters_account_phone", table_name="guardian_call_filters")
    op.drop_table("guardian_call_filters")
    op.drop_index("ix_guardian_relations_child", table_name="guardian_relations")
    op.drop_table("guardian_relations")
    op.drop_table("guardian_features")
