from datetime import UTC, datetime, timedelta

import pytest

from mpaas.core.security.tokens import TokenError, TokenIssuer, scope_of


@pytest.mark.parametrize(
    "endpoint,scope",
    [
        ("https://api.telegent.com/v1.0/numbers/provision", "/v1.0/numbers/provision"),
        ("http://127.0.0.1:8080/V1.0/Numbers/Provision?x=1", "/v1.0/numbers/provision"),
        ("/v1.0/numbers/provision/", "/v1.0/numbers/provision"),
        ("v1.0/numbers/provision", "/v1.0/numbers/provision"),
    ],
)
def test_scope_of(endpoint, scope):
    assert scope_of(endpoint) == scope


def test_round_trip_and_tamper():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    issuer = TokenIssuer("k" * 40, timedelta(minutes=15))
    token, expires = issuer.mint("DID-1", "/v1.0/x", 50, now)
    claims = issuer.verify(token, now)
    assert claims.distributor_id == "DID-1" and claims.scope == "/v1.0/x" and claims.rate_limit == 50
    assert expires == now + timedelta(minutes=15)
    with pytest.raises(TokenError):
        TokenIssuer("other" * 10, timedelta(minutes=15)).verify(token, now)
    with pytest.raises(TokenError):
        issuer.verify(token, now + timedelta(minutes=15))
