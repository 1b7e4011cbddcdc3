"""What the numbers handlers are given beyond the platform's dependencies: the number policy (reactivation
window, aging, swap fee, time zone, eSIM server), read from the settings, and the platform's sealer (port-out
PINs and port-in passwords are stored encrypted), and what a number's record is shown with: the eSIM QR image
links for this request's base URL and the swap allowance (`View`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mpaas.core.security.sealing import Sealer
from mpaas.dependencies import PlatformDep, SettingsDep
from mpaas.numbers.lifecycle.service import NumberPolicy
from mpaas.numbers.presenters import NumberView
from mpaas.numbers.provisioning import qr
from mpaas.numbers.swaps import SwapAllowance


def _policy(settings: SettingsDep) -> NumberPolicy:
    return NumberPolicy.of(settings)


Policy = Annotated[NumberPolicy, Depends(_policy)]


def _sealer(platform: PlatformDep) -> Sealer:
    assert platform.sealer is not None, "the platform is started before the API serves requests"
    return platform.sealer


Sealed = Annotated[Sealer, Depends(_sealer)]


async def _qr_links(request: Request, platform: PlatformDep) -> qr.QrLinks:
    """eSIM QR image links under MPAAS_PUBLIC_URL when it is set, else under the base URL the request came to
    (its scheme, Host and root path)."""
    assert platform.tokens is not None, "the platform is started before the API serves requests"
    base = platform.settings.public_url or str(request.base_url)
    return qr.QrLinks(base, platform.tokens.derived_key(qr.KEY_PURPOSE))


QrLinksDep = Annotated[qr.QrLinks, Depends(_qr_links)]


async def _view(links: QrLinksDep, platform: PlatformDep) -> NumberView:
    return NumberView(platform.clock.now(), links, SwapAllowance.of(platform.settings))


View = Annotated[NumberView, Depends(_view)]
