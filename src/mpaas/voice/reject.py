"""A routing decision's refusal: the SIP code and reason phrase Kamailio answers the INVITE with.

Its own module so that every part of the decision (admission, screening, workgroups, URL routing) can raise it
without importing voice/routing.py, which imports them."""

from __future__ import annotations


class Reject(Exception):
    """A decision to refuse the call with a SIP code and reason phrase."""

    def __init__(self, code: int, reason: str):
        self.code, self.reason = code, reason
        super().__init__(f"{code} {reason}")
