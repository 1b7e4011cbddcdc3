"""Verified tokens kept per process (auth/verified.py): a token's signature is checked once, its expiry every
time, a token that fails is never kept, and nothing a distributor can change is cached (the principal is read
per request: a deactivation acts on the very next request)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mpaas.auth.verified import verify_token
from mpaas.core.security.tokens import TokenError, TokenIssuer


class CountingIssuer(TokenIssuer):
    def __init__(self, *args):
        super().__init__(*args)
        self.verified = 0

    def verify(self, token, now):
        self.verified += 1
        return super().verify(token, now)


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_token_is_verified_once_and_its_expiry_checked_every_time():
    issuer = CountingIssuer("k" * 32, timedelta(minutes=15))
    token, _ = issuer.mint("DID-1", "/v1.0/message/outbound", 0, NOW, generation=3)
    first = verify_token(issuer, token, NOW)
    again = verify_token(issuer, token, NOW + timedelta(minutes=14))
    assert again == first and (first.distributor_id, first.scope, first.generation) == (
        "DID-1",
        "/v1.0/message/outbound",
        3,
    )
    assert issuer.verified == 1
    with pytest.raises(TokenError):
        verify_token(issuer, token, NOW + timedelta(minutes=15))


def test_a_bad_token_is_refused_every_time_and_never_kept():
    issuer = CountingIssuer("k" * 32, timedelta(minutes=15))
    other = TokenIssuer("x" * 32, timedelta(minutes=15))
    forged, _ = other.mint("DID-1", "/v1.0/message/outbound", 0, NOW)
    for _ in range(2):
        with pytest.raises(TokenError):
            verify_token(issuer, forged, NOW)
    assert issuer.verified == 2


def test_tokens_are_kept_per_issuer():
    """Another signing key (another platform in the same process) verifies for itself."""
    one = TokenIssuer("k" * 32, timedelta(minutes=15))
    two = TokenIssuer("y" * 32, timedelta(minutes=15))
    token, _ = one.mint("DID-1", "/v1.0/message/outbound", 0, NOW)
    verify_token(one, token, NOW)
    with pytest.raises(TokenError):
        verify_token(two, token, NOW)
