"""Bearer tokens verified once per process, not on every request.

An HS256 token's signature and claims are a function of the token's text and the issuer's signing key, both fixed:
a token that verified once verifies the same way every time, so its claims are kept, by issuer and token, and
only its expiry is checked again, against the injected clock, on every use (as TokenIssuer.verify checks it).
Nothing a distributor or the operator can change lives in the claims: a deactivated distributor or a rotated
secret is refused by the principal's read on every request (the token's credential generation against the
distributor's: auth/dependencies.py), which no cache stands in front of. A token that fails verification is never
kept. The cache is bounded: at MAX_TOKENS it starts again from empty.
"""

from __future__ import annotations

import weakref
from datetime import datetime

from mpaas.core.security.tokens import TokenClaims, TokenError, TokenIssuer

MAX_TOKENS = 10_000
_verified: weakref.WeakKeyDictionary[TokenIssuer, dict[str, TokenClaims]] = weakref.WeakKeyDictionary()


def verify_token(issuer: TokenIssuer, token: str, now: datetime) -> TokenClaims:
    """issuer.verify(token, now), remembered: TokenError for a token that is invalid or expired at `now`."""
    known = _verified.get(issuer)
    if known is None:
        known = _verified[issuer] = {}
    claims = known.get(token)
    if claims is None:
        claims = issuer.verify(token, now)
        if len(known) >= MAX_TOKENS:
            known.clear()
        known[token] = claims
    elif int(claims.expires_at.timestamp()) <= int(now.timestamp()):
        raise TokenError("expired")
    return claims
