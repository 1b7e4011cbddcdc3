"""A call's refusal: the SIP code and reason phrase Kamailio answers an INVITE with.

In core so that a part of the routing decision that lives outside the voice package (AI Guardian's call
screening, mpaas.guardian, which voice imports) can raise it without importing voice: packages import each other
one way only (tests/test_architecture.py). voice.reject re-exports it, and voice code names it from there."""

from __future__ import annotations


class Reject(Exception):
    """A decision to refuse the call with a SIP code and reason phrase."""

    def __init__(self, code: int, reason: str):
        self.code, self.reason = code, reason
        super().__init__(f"{code} {reason}")
