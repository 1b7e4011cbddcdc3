"""phone_numbers: the swap allowance (swaps_used, last_swap_at)

Revision ID: 0014_number_swaps
Revises: 0007_drop_unused_indexes
Create Date: 2026-12-03 21:45:00

Issue 17: SwapsRemaining counts down per swap (swap, replace, swap-sim) and resets at NextSwapResetDate.
`swaps_used` counts the swaps of the allowance period `last_swap_at` falls in (numbers/swaps.py); a number
that has never swapped has 0 and no date, so existing rows start with their whole allowance.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mpaas.models.base

revision = "0014_number_swaps"
down_revision = "0007_drop_unused_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("swaps_used", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_swap_at", mpaas.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.drop_column("last_swap_at")
        batch_op.drop_column("swaps_used")
