"""accounts: the previous webhook signing secret and until when it still signs (rotation with a grace period)

Revision ID: 0009_webhook_secret_rotation
Revises: 0007_drop_unused_indexes
Create Date: 2026-12-03 22:00:00

An account's owner can now read and rotate its webhook signing secret (/ext/v1/accounts/webhook-signing-secret).
A rotation keeps the secret it replaced valid for MPAAS_WEBHOOK_SECRET_GRACE_SECONDS: until then every callback
carries a signature with each, so receivers can switch without refusing one.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = '0009_webhook_secret_rotation'
down_revision = '0007_drop_unused_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("previous_webhook_signing_secret", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("previous_webhook_signing_secret_until", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("previous_webhook_signing_secret_until")
        batch.drop_column("previous_webhook_signing_secret")
