"""schedules, workgroups, workgroup_members: call distribution and business hours (issue 18)

Revision ID: 0019_workgroups
Revises: 0016_calls
Create Date: 2026-12-04 02:40:00

A workgroup (WID-) answers a number (TelegentPhone) and rings its members (WAID-: numbers or nested
workgroups); a schedule (SID-) picks on-hours or off-hours routing (docs/voice.md, "Workgroups and schedules").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mpaas.models.base import UTCDateTime

revision = "0019_workgroups"
down_revision = "0016_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_schedules_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    op.create_index(op.f("ix_schedules_account_id"), "schedules", ["account_id"], unique=False)
    op.create_table(
        "workgroups",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("telegent_phone", sa.String(length=32), nullable=True),
        sa.Column("schedule_id", sa.String(length=64), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("wait_between", sa.Integer(), nullable=True),
        sa.Column("call_order", sa.String(length=255), nullable=True),
        sa.Column("on_hours_type", sa.String(length=16), nullable=True),
        sa.Column("on_hours_id", sa.String(length=255), nullable=True),
        sa.Column("off_hours_type", sa.String(length=16), nullable=True),
        sa.Column("off_hours_id", sa.String(length=255), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("last_member_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_workgroups_account_id_accounts")),
        sa.ForeignKeyConstraint(["schedule_id"], ["schedules.id"], name=op.f("fk_workgroups_schedule_id_schedules")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workgroups")),
    )
    op.create_index("ix_workgroups_account_phone", "workgroups", ["account_id", "telegent_phone"], unique=False)
    op.create_index(op.f("ix_workgroups_schedule_id"), "workgroups", ["schedule_id"], unique=False)
    op.create_table(
        "workgroup_members",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("workgroup_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("phone_number", sa.String(length=32), nullable=True),
        sa.Column("reference_workgroup_id", sa.String(length=64), nullable=True),
        sa.Column("reference_user_id", sa.String(length=255), nullable=True),
        sa.Column("digit_order", sa.Integer(), nullable=True),
        sa.Column("sms_notification", sa.Boolean(), nullable=False),
        sa.Column("email_notification", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_workgroup_members_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["workgroup_id"], ["workgroups.id"], name=op.f("fk_workgroup_members_workgroup_id_workgroups")
        ),
        sa.ForeignKeyConstraint(
            ["reference_workgroup_id"],
            ["workgroups.id"],
            name=op.f("fk_workgroup_members_reference_workgroup_id_workgroups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workgroup_members")),
    )
    op.create_index(op.f("ix_workgroup_members_account_id"), "workgroup_members", ["account_id"], unique=False)
    op.create_index(op.f("ix_workgroup_members_workgroup_id"), "workgroup_members", ["workgroup_id"], unique=False)
    op.create_index(
        op.f("ix_workgroup_members_reference_workgroup_id"),
        "workgroup_members",
        ["reference_workgroup_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_workgroup_members_reference_workgroup_id"), table_name="workgroup_members")
    op.drop_index(op.f("ix_workgroup_members_workgroup_id"), table_name="workgroup_members")
    op.drop_index(op.f("ix_workgroup_members_account_id"), table_name="workgroup_members")
    op.drop_table("workgroup_members")
    op.drop_index(op.f("ix_workgroups_schedule_id"), table_name="workgroups")
    op.drop_index("ix_workgroups_account_phone", table_name="workgroups")
    op.drop_table("workgroups")
    op.drop_index(op.f("ix_schedules_account_id"), table_name="schedules")
    op.drop_table("schedules")
