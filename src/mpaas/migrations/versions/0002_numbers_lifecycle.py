"""numbers lifecycle: number state columns, E911, voicemail, port requests, data plans, usage, RADIUS sessions

Revision ID: 0002_numbers_lifecycle
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mpaas.models.base

revision = "0002_numbers_lifecycle"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = mpaas.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("nnid", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("port_out_pin", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("sim_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("cnam_first_name", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("cnam_last_name", sa.String(length=32), nullable=True))
    with op.batch_alter_table("number_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee", mpaas.models.base.Money(), nullable=True))

    op.create_table(
        "number_e911",
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("street1", sa.String(length=128), nullable=False),
        sa.Column("street2", sa.String(length=128), nullable=True),
        sa.Column("city", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip", sa.String(length=10), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["phone_number_id"], ["phone_numbers.id"],
                                name=op.f("fk_number_e911_phone_number_id_phone_numbers")),
        sa.PrimaryKeyConstraint("phone_number_id", name=op.f("pk_number_e911")),
    )
    op.create_table(
        "number_voicemail",
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("first_name", sa.String(length=64), nullable=True),
        sa.Column("last_name", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["phone_number_id"], ["phone_numbers.id"],
                                name=op.f("fk_number_voicemail_phone_number_id_phone_numbers")),
        sa.PrimaryKeyConstraint("phone_number_id", name=op.f("pk_number_voicemail")),
    )
    op.create_table(
        "port_requests",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("carrier_name", sa.String(length=128), nullable=True),
        sa.Column("account_number", sa.String(length=64), nullable=True),
        sa.Column("account_password", sa.String(length=64), nullable=True),
        sa.Column("billing_address", sa.JSON(), nullable=True),
        sa.Column("iccid", sa.String(length=22), nullable=True),
        sa.Column("classification", sa.String(length=16), nullable=True),
        sa.Column("subscriber_name", sa.String(length=128), nullable=True),
        sa.Column("port_date", sa.String(length=10), nullable=True),
        sa.Column("message_route_id", sa.String(length=64), nullable=True),
        sa.Column("voice_route_id", sa.String(length=64), nullable=True),
        sa.Column("subscriber_id", sa.String(length=64), nullable=True),
        sa.Column("phone_number_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["number_orders.id"],
                                name=op.f("fk_port_requests_order_id_number_orders")),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_port_requests")),
    )
    with op.batch_alter_table("port_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_port_requests_number"), ["number"], unique=False)

    op.create_table(
        "data_plans",
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("value_unit", sa.String(length=4), nullable=False),
        sa.Column("notify_value", sa.Integer(), nullable=True),
        sa.Column("throttle_value", sa.Integer(), nullable=True),
        sa.Column("throttle_speed", sa.String(length=16), nullable=True),
        sa.Column("limit_value", sa.Integer(), nullable=False),
        sa.Column("used_bytes", sa.BigInteger(), nullable=False),
        sa.Column("behavior", sa.String(length=16), nullable=False),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.Column("period_type", sa.String(length=1), nullable=False),
        sa.Column("period_value", sa.Integer(), nullable=False),
        sa.Column("renewal_day", sa.Integer(), nullable=True),
        sa.Column("auto_renew", sa.Boolean(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("next_renewal_at", UTC, nullable=True),
        sa.Column("imei", sa.String(length=16), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["phone_number_id"], ["phone_numbers.id"],
                                name=op.f("fk_data_plans_phone_number_id_phone_numbers")),
        sa.PrimaryKeyConstraint("phone_number_id", name=op.f("pk_data_plans")),
        sa.UniqueConstraint("number", name=op.f("uq_data_plans_number")),
    )
    op.create_table(
        "usage_records",
        sa.Column("record_id", sa.String(length=128), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", UTC, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_usage_records")),
    )
    with op.batch_alter_table("usage_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_usage_records_number"), ["number"], unique=False)
    op.create_table(
        "radius_sessions",
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("octets", sa.BigInteger(), nullable=False),
        sa.Column("stopped", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "number", name=op.f("pk_radius_sessions")),
    )


def downgrade() -> None:
    for table in ("radius_sessions", "usage_records", "data_plans", "port_requests", "number_voicemail",
                  "number_e911"):
        op.drop_table(table)
    with op.batch_alter_table("number_orders", schema=None) as batch_op:
        batch_op.drop_column("fee")
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        for column in ("cnam_last_name", "cnam_first_name", "sim_status", "port_out_pin", "nnid", "cancelled_at"):
            batch_op.drop_column(column)
