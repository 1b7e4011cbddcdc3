"""A routing decision's refusal: the SIP code and reason phrase Kamailio answers the INVITE with.

Its own module so that every part of the decision (admission, screening, workgroups, URL routing) can raise it
without importing voice/routing.py, which imports them. The class lives in mpaas.core.call_refusal, so that AI
Guardian's call screening (mpaas.guardian, which voice imports) raises the same class without importing voice."""

from __future__ import annotations

from mpaas.core.call_refusal import Reject

__all__ = ["Reject"]
