"""Merge the branches of the second wave's hardening and compatibility work (issues 16 and 17).

Each branch was written in parallel off 0007; they touch different tables, so their order does not matter.

Revision ID: 0015_merge
"""

revision = "0015_merge"
down_revision = (
    "0009_webhook_secret_rotation",
    "0010_credentials_and_sims",
    "0011_message_media",
    "0012_message_receipt_check",
    "0014_number_swaps",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
