"""jobs: (status, run_at, kind) index for claims that filter by kind

Revision ID: 0006_jobs_claim_index
Revises: 0005_merge
Create Date: 2026-11-27 13:30:00

A gateway claims only carrier submits and a worker every other kind. With kind in the index a claim
walks pending jobs in run_at order and skips the other kinds' rows without reading them.
"""
from __future__ import annotations

from alembic import op

revision = '0006_jobs_claim_index'
down_revision = '0005_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_status_run_at_kind", ["status", "run_at", "kind"], unique=False)
        batch_op.drop_index("ix_jobs_status_run_at")


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_status_run_at", ["status", "run_at"], unique=False)
        batch_op.drop_index("ix_jobs_status_run_at_kind")
