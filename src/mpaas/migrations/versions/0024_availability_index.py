"""inventory_numbers, number_area_stock: covering indexes for the availability search (issue 20)

Revision ID: 0024_availability_index
Revises: 0023_merge
Create Date: 2026-12-04 06:00:00

POST /v1.0/numbers/availability by AreaCode or ZipCode reads two things (numbers/provisioning/search.py):
- the stock keys of the area or ZIP, grouped and ordered by (area_code, zipcode, ngp), filtered on number_type,
  the capabilities and available > 0, with their counts. The old single-column indexes (area_code), (zipcode)
  found the keys but every row was then read from the table, grouped in one temporary B-tree and sorted in
  another. The new indexes hold every column the search reads, in the order it groups and sorts by (for a ZIP,
  zipcode first and then the same order), so it is one index range, read in order, and nothing else;
- up to 100 available numbers of the area or ZIP with the requested capabilities. The old (status, area_code)
  and (status, zipcode) indexes needed a table read per candidate to test the capabilities and fetch the
  number; the new ones have the capabilities and the number after the same leading columns (an index-only
  scan on PostgreSQL). They keep (status, area_code) as their prefix, which claims and the unfiltered search
  read in order (numbers/repository.py).

Building the inventory's two indexes reads the whole table once: seconds per million numbers.
"""

from __future__ import annotations

from alembic import op

revision = "0024_availability_index"
down_revision = "0023_merge"
branch_labels = None
depends_on = None

CAPS = ["message_capable", "voice_capable"]
NEW = {
    "inventory_numbers": [
        ("ix_inventory_search_area", ["status", "area_code", *CAPS, "number"]),
        ("ix_inventory_search_zip", ["status", "zipcode", *CAPS, "number"]),
    ],
    "number_area_stock": [
        ("ix_stock_search_area", ["area_code", "zipcode", "ngp", "number_type", *CAPS, "available"]),
        ("ix_stock_search_zip", ["zipcode", "area_code", "ngp", "number_type", *CAPS, "available"]),
    ],
}
OLD = {
    "inventory_numbers": [
        ("ix_inventory_status_area", ["status", "area_code"]),
        ("ix_inventory_status_zip", ["status", "zipcode"]),
    ],
    "number_area_stock": [("ix_stock_area", ["area_code"]), ("ix_stock_zip", ["zipcode"])],
}


def _swap(create: dict, drop: dict) -> None:
    for table, indexes in create.items():
        for name, columns in indexes:
            op.create_index(name, table, columns, unique=False)
    for table, indexes in drop.items():
        for name, _ in indexes:
            op.drop_index(name, table_name=table)


def upgrade() -> None:
    _swap(NEW, OLD)


def downgrade() -> None:
    _swap(OLD, NEW)
