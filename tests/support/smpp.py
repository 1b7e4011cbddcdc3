"""SMPP settings for tests that bind the gateway to the in-process SMSC simulator: short timeouts and quick
reconnects, so a test that breaks a bind recovers in tenths of a second instead of the production defaults'."""

from __future__ import annotations

from dataclasses import replace

from mpaas.carriers.config import SmppSettings


def sim_smpp_settings(port: int, name: str = "sim", **overrides) -> SmppSettings:
    base = SmppSettings(
        name=name,
        host="127.0.0.1",
        port=port,
        system_id="mpaas",
        password="secret",
        response_timeout_seconds=2.0,
        reconnect_min_seconds=0.05,
        reconnect_max_seconds=0.2,
        bind_wait_seconds=2.0,
        connect_timeout_seconds=1.0,
        bind_timeout_seconds=1.0,
    )
    return replace(base, **overrides)
