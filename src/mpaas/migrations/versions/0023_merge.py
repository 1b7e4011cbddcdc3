"""Merge the branches of the second wave's voice, AI Guardian and console work (issues 18, 19 and 21).

Each branch was written in parallel off 0016_calls; they create different tables, so their order does not
matter.

Revision ID: 0023_merge
"""

revision = "0023_merge"
down_revision = (
    "0017_guardian",
    "0018_message_filters",
    "0019_workgroups",
    "0020_voice_usage",
    "0022_console_sessions",
)
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
