"""The pipeline's reads per batch are Core statements over the tables (no ORM compile state or ORM result): a
statement naming a mapped class's attributes is an ORM statement, which Session.execute runs through the ORM's
machinery on every batch (65 us more per read of one row on SQLite, 200 us for 80), for rows only read."""

from __future__ import annotations

import pytest

from mpaas.guardian.message_filters_repository import ACTIVE_FILTERS, ACTIVE_FILTERS_OF_ONE
from mpaas.messaging.repository import SUBMITTABLE
from mpaas.webhooks.delivery import EVENT_MESSAGES_ROUTED, HOOKS, SECRETS


@pytest.mark.parametrize(
    "statement",
    [SUBMITTABLE, EVENT_MESSAGES_ROUTED, SECRETS, HOOKS, ACTIVE_FILTERS, ACTIVE_FILTERS_OF_ONE],
    ids=["submittable", "event_messages", "secrets", "hooks", "active_filters", "active_filters_of_one"],
)
def test_the_pipelines_batch_reads_are_core_statements(statement):
    assert statement._propagate_attrs.get("compile_state_plugin") != "orm"
