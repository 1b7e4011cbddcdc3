"""Secrets the platform must give back (a port-out PIN shown to its owner, a port-in account password sent on
to the losing carrier) are encrypted at rest with a key from settings: Fernet (AES-128-CBC + HMAC-SHA256).

The key is `MPAAS_SECRETS_KEY`, or the file `secrets-key` in the data dir, which `mpaas serve` and the admin
commands generate (mode 0600) when neither exists, as for the operator token. The production roles (`mpaas
api`, `worker`, `gateway`) refuse to start without one of the two: every process must hold the same key, and
a key made up by one process would leave the others unable to read what it wrote.

A sealed value is stored as `enc1:<Fernet token>`. Anything else is a clear value written before this
existed: it reads as itself, and `seal_clear_rows` encrypts such values when the platform starts.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path
from typing import cast

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mpaas.config import Settings
from mpaas.models import PhoneNumber, PortRequest

KEY_FILE = "secrets-key"
PREFIX = "enc1:"


class SealingError(Exception):
    pass


def key_path(settings: Settings) -> Path:
    return settings.data_dir / KEY_FILE


def load_key(settings: Settings) -> str | None:
    if settings.secrets_key:
        return settings.secrets_key
    path = key_path(settings)
    return path.read_text().strip() if path.exists() else None


def ensure_key(settings: Settings) -> tuple[str, Path | None]:
    """The configured key, or the one in the data dir, generating it (mode 0600) on first use."""
    if settings.secrets_key:
        return settings.secrets_key, None
    path = key_path(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(Fernet.generate_key().decode() + "\n")
    return path.read_text().strip(), path


class Sealer:
    def __init__(self, key: str):
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError) as exc:
            raise SealingError(
                "MPAAS_SECRETS_KEY must be 32 bytes in urlsafe base64 (a Fernet key), e.g. the output of "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            ) from exc

    def seal(self, value: str | None) -> str | None:
        if value is None:
            return None
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, stored: str | None) -> str | None:
        """The clear value (a clear value written before encryption reads as itself)."""
        if stored is None or not stored.startswith(PREFIX):
            return stored
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise SealingError(
                "a stored secret does not decrypt with MPAAS_SECRETS_KEY (was the key changed?)"
            ) from exc

    def matches(self, stored: str | None, presented: str) -> bool:
        """Whether `presented` is the sealed value (compared in constant time)."""
        clear = self.open(stored)
        return clear is not None and hmac.compare_digest(clear.encode(), presented.encode())


SEALED_COLUMNS = (
    (PhoneNumber, PhoneNumber.id, PhoneNumber.port_out_pin),
    (PortRequest, PortRequest.order_id, PortRequest.account_password),
)


async def seal_clear_rows(session: AsyncSession, sealer: Sealer) -> int:
    """Encrypt the values stored in clear before 0010. Each UPDATE names the clear value it replaces, so two
    processes starting at once never encrypt a value twice. Returns how many were sealed."""
    sealed = 0
    for model, key, column in SEALED_COLUMNS:
        rows = await session.execute(select(key, column).where(column.is_not(None), column.not_like(PREFIX + "%")))
        for row_id, clear in rows.all():
            result = cast(
                CursorResult,
                await session.execute(
                    update(model).where(key == row_id, column == clear).values({column.key: sealer.seal(clear)})
                ),
            )
            sealed += result.rowcount or 0
    return sealed
