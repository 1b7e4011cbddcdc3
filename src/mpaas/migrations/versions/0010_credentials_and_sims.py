"""distributors.credential_generation; ICCID unique across the platform; room for encrypted PINs

Revision ID: 0010_credentials_and_sims
Revises: 0007_drop_unused_indexes
Create Date: 2026-12-03 21:40:00

- distributors.credential_generation (0): every token carries it; a secret rotation or a deactivation raises
  it, so tokens minted before are refused (auth/dependencies.py).
- uq_phone_numbers_iccid: an ICCID is one physical SIM, so it may be held by one number on the whole
  platform (NULLs, numbers without a SIM, do not collide in SQLite or PostgreSQL). Rows that already share an
  ICCID (possible before: the check was per caller) cannot take a unique index; the oldest number keeps the
  SIM, the later ones lose it (ICCID and QR code cleared, SIM status Empty) and are printed here, so the
  operator can tell their owners to attach their real SIM again.
- phone_numbers.port_out_pin and port_requests.account_password become TEXT: they hold Fernet tokens now
  (core/security/sealing.py). The clear-text values already stored are NOT encrypted here: a migration runs
  from the database URL alone and has no MPAAS_SECRETS_KEY; the platform encrypts every clear value the first
  time it starts with its key (mpaas.core.security.sealing.seal_clear_rows), and reads either form meanwhile.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_credentials_and_sims"
down_revision = "0007_drop_unused_indexes"
branch_labels = None
depends_on = None


def _release_duplicate_iccids() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, number, iccid FROM phone_numbers WHERE iccid IN "
            "(SELECT iccid FROM phone_numbers WHERE iccid IS NOT NULL GROUP BY iccid HAVING COUNT(*) > 1) "
            "ORDER BY iccid, created_at, id"
        )
    ).all()
    seen: set[str] = set()
    for row in rows:
        if row.iccid not in seen:
            seen.add(row.iccid)  # the oldest holder keeps it
            continue
        print(f"0010: ICCID {row.iccid} was also held by {row.number} ({row.id}); cleared there")
        bind.execute(
            sa.text("UPDATE phone_numbers SET iccid = NULL, qr_code = NULL, sim_status = 'Empty' WHERE id = :id"),
            {"id": row.id},
        )


def upgrade() -> None:
    with op.batch_alter_table("distributors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credential_generation", sa.Integer(), server_default="0", nullable=False))
    _release_duplicate_iccids()
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.alter_column(
            "port_out_pin", existing_type=sa.String(length=16), type_=sa.Text(), existing_nullable=True
        )
        batch_op.create_index("uq_phone_numbers_iccid", ["iccid"], unique=True)
    with op.batch_alter_table("port_requests", schema=None) as batch_op:
        batch_op.alter_column(
            "account_password", existing_type=sa.String(length=64), type_=sa.Text(), existing_nullable=True
        )


def downgrade() -> None:
    with op.batch_alter_table("port_requests", schema=None) as batch_op:
        batch_op.alter_column(
            "account_password", existing_type=sa.Text(), type_=sa.String(length=64), existing_nullable=True
        )
    with op.batch_alter_table("phone_numbers", schema=None) as batch_op:
        batch_op.drop_index("uq_phone_numbers_iccid")
        batch_op.alter_column(
            "port_out_pin", existing_type=sa.Text(), type_=sa.String(length=16), existing_nullable=True
        )
    with op.batch_alter_table("distributors", schema=None) as batch_op:
        batch_op.drop_column("credential_generation")
