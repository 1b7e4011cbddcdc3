"""Endpoint-scoped bearer tokens: HS256 JWTs bound to one API path.

The scope is the path of the `ApiEndpoint` URL the client named, lower-cased, without host or query
string: the vendor binds a token to a single endpoint URL and this server may sit behind any host.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import jwt

ISSUER = "mpaas"
ALGORITHM = "HS256"


def scope_of(endpoint: str) -> str:
    """`https://api.example.com/v1.0/Numbers/Provision?x=1` -> `/v1.0/numbers/provision`."""
    raw = endpoint.strip()
    path = urlsplit(raw).path if "://" in raw else raw.split("?", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    return path.rstrip("/").lower() or "/"


@dataclass(frozen=True)
class TokenClaims:
    distributor_id: str
    scope: str
    rate_limit: int  # requests per minute at mint time; 0 = unlimited
    expires_at: datetime
    # The distributor's credential generation at mint time (`gen`; 0 in tokens minted before it existed).
    # Rotating the secret or deactivating the distributor raises it, which refuses every older token.
    generation: int = 0


class TokenError(Exception):
    pass


class TokenIssuer:
    def __init__(self, signing_key: str, lifetime: timedelta):
        self._key = signing_key
        self.lifetime = lifetime

    def derived_key(self, purpose: str) -> bytes:
        """A key for another signature (e.g. the eSIM QR links), HMAC-SHA256 of the signing key over `purpose`:
        one secret to keep, and nothing signed for one purpose verifies for another or as a token."""
        return hmac.new(self._key.encode(), f"mpaas derived key: {purpose}".encode(), hashlib.sha256).digest()

    def mint(
        self, distributor_id: str, endpoint: str, rate_limit: int, now: datetime, generation: int = 0
    ) -> tuple[str, datetime]:
        expires = now + self.lifetime
        claims = {
            "sub": distributor_id,
            "scope": scope_of(endpoint),
            "rl": rate_limit,
            "gen": generation,
            "iss": ISSUER,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), expires

    def verify(self, token: str, now: datetime) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "sub", "scope", "iss"], "verify_exp": False},
            )
        except jwt.PyJWTError as exc:
            raise TokenError(str(exc)) from exc
        # Expiry is checked against the injected clock, not the wall clock, so tests can move time.
        if int(claims["exp"]) <= int(now.timestamp()):
            raise TokenError("expired")
        return TokenClaims(
            distributor_id=claims["sub"],
            scope=claims["scope"],
            rate_limit=int(claims.get("rl", 0)),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo),
            generation=int(claims.get("gen", 0)),
        )
