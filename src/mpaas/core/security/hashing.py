"""Secrets are stored as argon2 hashes; verification runs off the event loop (it is CPU-bound)."""

from __future__ import annotations

import secrets

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


async def hash_secret_off_loop(secret: str) -> str:
    """For request paths: hashing takes tens of milliseconds of CPU, which must not stall the event loop."""
    return await anyio.to_thread.run_sync(hash_secret, secret)


def verify_secret_sync(hashed: str, secret: str) -> bool:
    try:
        return _hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


async def verify_secret(hashed: str, secret: str) -> bool:
    return await anyio.to_thread.run_sync(verify_secret_sync, hashed, secret)


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
