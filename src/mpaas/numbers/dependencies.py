"""What the numbers handlers are given beyond the platform's dependencies: the number policy (reactivation
window, aging, swap fee, time zone, eSIM server), read from the settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mpaas.dependencies import SettingsDep
from mpaas.numbers.lifecycle.service import NumberPolicy


def _policy(settings: SettingsDep) -> NumberPolicy:
    return NumberPolicy.of(settings)


Policy = Annotated[NumberPolicy, Depends(_policy)]
