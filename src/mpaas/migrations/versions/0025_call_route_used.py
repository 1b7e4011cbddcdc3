"""calls.route_id: the voice route a call was routed by (issue 18)

Revision ID: 0025_call_route_used
Revises: 0023_merge
Create Date: 2026-12-04 05:30:00

The routing decision records the route (CRID-) it routed the call by, so that the call's status callbacks go to
that route's CallbackVoiceUrl even if the number is moved to another route while the call lasts
(voice/voice_callbacks.py). NULL for the calls recorded before (their callbacks use the number's route).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_call_route_used"
down_revision = "0023_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("route_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("route_id")
