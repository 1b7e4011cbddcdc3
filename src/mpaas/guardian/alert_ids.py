"""The id prefix of Guardian alerts (GAID-), in a module of its own: an alert SMS carries its alert's id as the
message's batch id, and the message pipeline recognises alerts by it without importing guardian/alerts.py (which
imports the pipeline's jobs)."""

from __future__ import annotations

ALERT_PREFIX = "GAID"


def is_alert_batch(batch_id: str | None) -> bool:
    """Whether a message is an alert SMS guardian/alerts.py queued. A client's send cannot have such a batch id:
    a send's batch id is its MessageId, which the server makes."""
    return bool(batch_id) and str(batch_id).startswith(f"{ALERT_PREFIX}-")
