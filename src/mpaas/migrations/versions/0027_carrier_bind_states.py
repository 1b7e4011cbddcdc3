"""carrier_bind_states: each carrier bind's state as the process holding the binds last reported it (issue 21)

Revision ID: 0027_carrier_bind_states
Revises: 0026_merge
Create Date: 2026-12-04 17:15:00

In the production layout the gateway holds the binds and serves no HTTP; it writes each carrier's state here every
few seconds, so the console's operator page on an API process shows the binds and how old the report is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = "0027_carrier_bind_states"
down_revision = "0026_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carrier_bind_states",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("reported_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("carrier_bind_states")
