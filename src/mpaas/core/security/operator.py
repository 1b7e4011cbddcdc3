"""The operator's bearer token for /ops/v1: a setting, or a file generated into the data dir."""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from mpaas.config import Settings
from mpaas.core.security.hashing import new_secret

TOKEN_FILE = "operator-token"


def token_path(settings: Settings) -> Path:
    return settings.data_dir / TOKEN_FILE


def load_operator_token(settings: Settings) -> str | None:
    if settings.operator_token:
        return settings.operator_token
    path = token_path(settings)
    return path.read_text().strip() if path.exists() else None


def ensure_operator_token(settings: Settings) -> tuple[str, Path | None]:
    """The configured token, or the one in the data dir, generating it (mode 0600) on first use."""
    if settings.operator_token:
        return settings.operator_token, None
    path = token_path(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(new_secret(32) + "\n")
    return path.read_text().strip(), path


def token_matches(expected: str | None, presented: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), presented.encode())
