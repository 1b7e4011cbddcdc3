"""message_media: MmsBase64 items stored once per send (content-addressed), not copied into every message

Revision ID: 0011_message_media
Revises: 0007_drop_unused_indexes
Create Date: 2026-12-03 21:55:00

A send's MmsBase64 items were copied into each recipient's messages.media (100 recipients x 10 x 100 KB
stored 102 MB and wrote 287 MB of WAL). They are now rows of message_media keyed by the SHA-256 of the
Base64 text, and messages.media holds {"Sha256", "BaseType"} references. Messages stored before this
revision keep their inline items: reads understand both forms (messaging/media.py).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = '0011_message_media'
down_revision = '0007_drop_unused_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_media",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("base64", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )


def downgrade() -> None:
    op.drop_table("message_media")
