"""The shared secret of the internal /sip/v1 endpoints, which only Kamailio calls (docs/voice.md).

`X-Mpaas-Sip-Secret: <MPAAS_SIP_SHARED_SECRET>`, compared in constant time. A missing or wrong secret is 401;
a tenant's or the operator's bearer token is never looked at, so it never opens these endpoints. When the
setting is unset the secret is read from `<data dir>/sip-secret` (where `mpaas serve` generates it, as it does
the operator token); with neither, every request is refused.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from mpaas.config import Settings
from mpaas.core.errors import ApiError
from mpaas.dependencies import PlatformDep

HEADER = "X-Mpaas-Sip-Secret"
SECRET_FILE = "sip-secret"
UNAUTHORIZED = f"Unauthorized: the {HEADER} header is missing or does not match MPAAS_SIP_SHARED_SECRET."


def load_sip_secret(settings: Settings) -> str | None:
    if settings.sip_shared_secret:
        return settings.sip_shared_secret
    path = settings.data_dir / SECRET_FILE
    return path.read_text().strip() or None if path.exists() else None


# Read once per process and settings object: the route decision is on every INVITE's path (p99 <= 5 ms).
_loaded: dict[int, tuple[Settings, str | None]] = {}


def _secret(settings: Settings) -> str | None:
    cached = _loaded.get(id(settings))
    if cached is None or cached[0] is not settings or cached[1] is None:
        if len(_loaded) > 64:  # tests build many apps; a server has one settings object
            _loaded.clear()
        cached = (settings, load_sip_secret(settings))
        _loaded[id(settings)] = cached
    return cached[1]


async def sip_secret(request: Request, platform: PlatformDep) -> None:
    """Dependency of every /sip/v1 operation: the shared secret, or 401."""
    presented = request.headers.get(HEADER)
    expected = _secret(platform.settings)
    if not presented or not expected or not hmac.compare_digest(expected.encode(), presented.encode()):
        raise ApiError(401, UNAUTHORIZED)


SipSecret = Depends(sip_secret)  # for `dependencies=[SipSecret]` on a router or an operation
SipAuthenticated = Annotated[None, SipSecret]
