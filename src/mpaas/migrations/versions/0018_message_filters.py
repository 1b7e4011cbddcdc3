"""message_filters: AI Guardian message filters (issue 19)

Revision ID: 0018_message_filters
Revises: 0016_calls
Create Date: 2026-12-04 02:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = "0018_message_filters"
down_revision = "0016_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_filters",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("subscriber_id", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("allowed_contacts", sa.JSON(), nullable=False),
        sa.Column("blocked_contacts", sa.JSON(), nullable=False),
        sa.Column("keyword_filter", sa.Text(), nullable=True),
        sa.Column("notification_phones", sa.JSON(), nullable=False),
        sa.Column("apply_to_outbound", sa.Boolean(), nullable=False),
        sa.Column("apply_to_inbound", sa.Boolean(), nullable=False),
        sa.Column("block_unknown_numbers", sa.Boolean(), nullable=False),
        sa.Column("block_links", sa.Boolean(), nullable=False),
        sa.Column("block_media", sa.Boolean(), nullable=False),
        sa.Column("filter_level", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_message_filters_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_filters")),
        sa.UniqueConstraint("subscriber_id", "phone", name="uq_message_filters_subscriber_phone"),
    )
    op.create_index("ix_message_filters_phone", "message_filters", ["phone"])
    op.create_index(op.f("ix_message_filters_account_id"), "message_filters", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_message_filters_account_id"), table_name="message_filters")
    op.drop_index("ix_message_filters_phone", table_name="message_filters")
    op.drop_table("message_filters")
