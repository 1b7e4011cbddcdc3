"""Merge the availability index (issue 20) and the call's route (issue 18), written in parallel off 0023_merge.

They touch different tables (numbers, calls), so their order does not matter.

Revision ID: 0026_merge
"""

revision = "0026_merge"
down_revision = ("0024_availability_index", "0025_call_route_used")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
