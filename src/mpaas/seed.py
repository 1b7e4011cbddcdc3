"""Idempotent start-up seeding for the embedded sandbox: a demo distributor and a number inventory."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from mpaas.accounts import repository
from mpaas.accounts.service import IssuedCredential, create_distributor
from mpaas.config import Settings
from mpaas.core.security.hashing import hash_secret, new_secret
from mpaas.numbers.inventory import data as inventory_data
from mpaas.numbers.inventory import store as inventory
from mpaas.roles.platform import Platform

DEMO_NAME = "Demo Distributor"
DEMO_FILE = "demo-credentials.json"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


async def ensure_demo_distributor(platform: Platform) -> IssuedCredential:
    """The demo credential, created once. Its secret is kept (mode 0600) in the data dir so each start can
    print it; if that file is lost the secret is rotated, since only its hash is in the database."""
    settings: Settings = platform.settings
    path = settings.data_dir / DEMO_FILE
    async with platform.db.write() as session:
        existing = await repository.find_distributor_by_name(session, DEMO_NAME)
        if existing is None:
            issued = await create_distributor(
                session, name=DEMO_NAME, rate_limit=None, now=platform.clock.now(), account_name="Demo Account"
            )
        else:
            saved = json.loads(path.read_text()) if path.exists() else {}
            if saved.get("AccountKey") == existing.id:
                return IssuedCredential(saved["AccountKey"], saved["AccountSecret"], saved["AccountId"])
            secret = new_secret(24)  # a rotation: tokens minted with the lost secret end too
            await repository.set_credential(session, existing.id, secret_hash=hash_secret(secret))
            account_ids = await repository.account_ids_of(session, existing.id)
            issued = IssuedCredential(existing.id, secret, account_ids[0])
    _write_private(path, json.dumps(issued.as_wire(), indent=2) + "\n")
    return issued


async def ensure_inventory(platform: Platform, count: int, progress: Callable[[int], None] | None = None) -> int:
    """Generate the default sandbox inventory when the inventory is empty. Returns numbers added."""
    if count <= 0 or not await inventory.inventory_is_empty(platform.db):
        return 0
    rows = inventory_data.generate(count, seed=2026)
    return await inventory.load(platform.db, rows, platform.clock.now(), progress)
