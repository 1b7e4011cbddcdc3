"""Who is signed in to the console, and how they signed in.

Four kinds of sign-in, each checked the way the API checks the same credential, and each charged to the API's
failed-credential budget (core/security/failures.py) on a miss, so the console is no side door for guessing:

- a subscriber's email and password (the argon2 hash stored by POST /v1.0/subscribers/create), acting with its
  Role: `Account Admin` manages its account, `Manager` reads it all and sends, `Subscriber` sees its own numbers;
- a distributor's AccountKey and AccountSecret: every one of its accounts, like its API tokens;
- the operator token (MPAAS_OPERATOR_TOKEN, or the data dir's operator-token file): the platform pages.

The session is a row (console/models.py) keyed by the hash of a random cookie value; the cookie is HttpOnly,
SameSite=Lax, Secure when the request came over TLS. Every form carries the session's CSRF token; the sign-in
form, before any session exists, a double-submit token (a cookie and the same value in the form).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from mpaas.accounts.repository import active_account_ids
from mpaas.accounts.service import Principal
from mpaas.console import repository
from mpaas.console.models import ConsoleSession
from mpaas.core.security.failures import Locked
from mpaas.core.security.hashing import hash_secret
from mpaas.core.security.operator import load_operator_token, token_matches
from mpaas.roles.platform import Platform
from mpaas.subscribers import repository as subscribers

COOKIE = "mpaas_console"
LOGIN_CSRF_COOKIE = "mpaas_console_login"
LIFETIME = timedelta(hours=8)

ROLE_ADMIN = "Account Admin"
ROLE_MANAGER = "Manager"
ROLE_SUBSCRIBER = "Subscriber"

BAD_SIGN_IN = "Sign-in failed: the email and password, AccountKey and AccountSecret, or operator token is wrong."
LOCKED = "Too many failed sign-ins from this address. Try again in {seconds} seconds."


class SignInError(Exception):
    pass


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the pages see them."""

    kind: str  # subscriber | distributor | operator
    name: str
    role: str  # Account Admin | Manager | Subscriber | Distributor | Operator
    csrf: str
    principal: Principal | None = None  # None for the operator
    subscriber_id: str | None = None
    own_numbers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_operator(self) -> bool:
        return self.kind == "operator"

    @property
    def can_manage(self) -> bool:
        """Provision, change a number's status, edit webhooks and routes."""
        return self.kind == "distributor" or self.role == ROLE_ADMIN

    @property
    def can_send(self) -> bool:
        return self.kind == "distributor" or self.role in (ROLE_ADMIN, ROLE_MANAGER)

    @property
    def sees_account(self) -> bool:
        """Reads everything in the account(s), as opposed to a Subscriber's own numbers."""
        return self.kind == "distributor" or self.role in (ROLE_ADMIN, ROLE_MANAGER)

    def may_see_number(self, number: str) -> bool:
        return self.sees_account or number in self.own_numbers


def hash_id(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_generation(password_hash: str | None) -> int:
    """A subscriber session's generation: 31 bits of the SHA-256 of the stored password hash (a new password is a
    new hash with a new salt), so a password changed through the API ends the console sessions signed in with the
    old one, as a rotated AccountSecret ends a distributor's."""
    return int.from_bytes(hashlib.sha256((password_hash or "").encode()).digest()[:4], "big") & 0x7FFFFFFF


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, presented: str | None) -> bool:
    return bool(expected) and bool(presented) and hmac.compare_digest(str(expected), str(presented))


async def _budget(platform: Platform, key: str, address: str) -> None:
    try:
        await platform.auth_failures.check(key, address)
    except Locked as locked:
        raise SignInError(LOCKED.format(seconds=locked.retry_after)) from None


async def _fail(platform: Platform, key: str, address: str) -> SignInError:
    await platform.auth_failures.record_failure(key, address)
    return SignInError(BAD_SIGN_IN)


async def sign_in(platform: Platform, kind: str, login: str, secret: str, address: str) -> str:
    """Check the credential; on success store a session and return the cookie's value."""
    login, secret = (login or "").strip(), secret or ""
    budget_key = login if kind != "operator" else "console-operator"
    await _budget(platform, budget_key, address)
    if not secret or (kind != "operator" and not login):
        raise await _fail(platform, budget_key, address)
    generation = 0
    if kind == "operator":
        expected = load_operator_token(platform.settings)
        if expected is None or not token_matches(expected, secret):
            raise await _fail(platform, budget_key, address)
        subject = hash_id(expected)  # a changed operator token ends the operator's sessions
    elif kind in ("subscriber", "distributor"):
        async with platform.db.read() as session:
            if kind == "subscriber":
                found = await repository.subscriber_by_email(session, login)
                hashed = found.password_hash if found else None
                active = found is not None and await _subscriber_active(session, found.account_id)
            else:
                dist = await repository.distributor(session, login)
                hashed = dist.secret_hash if dist else None
                active = dist is not None and dist.active
                generation = dist.credential_generation if dist else 0
        if hashed is None or not active:
            # the same argon2 work as a wrong password, so the answer's timing does not tell which emails exist
            await platform.verifier.verify(_dummy_hash(), secret)
            raise await _fail(platform, budget_key, address)
        async with platform.verifier.slot():
            await _budget(platform, budget_key, address)
            good = await platform.verifier.verify_in_slot(hashed, secret)
        if not good:
            raise await _fail(platform, budget_key, address)
        subject = found.id if kind == "subscriber" else dist.id  # type: ignore[union-attr]
        if kind == "subscriber":
            generation = password_generation(hashed)
    else:
        raise SignInError("Choose how to sign in: subscriber, distributor or operator.")
    raw = new_token()
    now = platform.clock.now()
    async with platform.db.write() as session:
        await repository.delete_expired(session, now)
        await repository.add_session(
            session,
            ConsoleSession(
                id_hash=hash_id(raw),
                kind=kind,
                subject_id=subject,
                generation=generation,
                csrf_token=new_token(),
                created_at=now,
                expires_at=now + LIFETIME,
            ),
        )
    return raw


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(hash_secret(new_token()))
    return _DUMMY[0]


async def _subscriber_active(session, account_id: str) -> bool:
    account = await repository.account(session, account_id)
    if account is None or not account.active:
        return False
    dist = await repository.distributor(session, account.distributor_id)
    return dist is not None and dist.active


async def sign_out(platform: Platform, raw: str) -> None:
    async with platform.db.write() as session:
        await repository.delete_session(session, hash_id(raw))


async def viewer(platform: Platform, raw: str | None) -> Viewer | None:
    """The session's viewer, or None (no cookie, expired, or the credential behind it gone or changed)."""
    if not raw:
        return None
    async with platform.db.quick_read() as session:
        row = await repository.get_session(session, hash_id(raw), platform.clock.now())
        if row is None:
            return None
        if row.kind == "operator":
            expected = load_operator_token(platform.settings)
            if expected is None or not hmac.compare_digest(hash_id(expected), row.subject_id):
                return None
            return Viewer("operator", "Operator", "Operator", row.csrf_token)
        if row.kind == "distributor":
            ids = await active_account_ids(session, row.subject_id, row.generation)
            if ids is None:
                return None
            dist = await repository.distributor(session, row.subject_id)
            principal = Principal(distributor_id=row.subject_id, account_ids=tuple(ids))
            return Viewer(
                "distributor", dist.name if dist else row.subject_id, "Distributor", row.csrf_token, principal
            )
        sub = await repository.subscriber(session, row.subject_id)
        if sub is None or row.generation != password_generation(sub.password_hash):
            return None  # removed, or its password changed since this session signed in
        account = await repository.account(session, sub.account_id)
        if account is None or not account.active:
            return None
        dist = await repository.distributor(session, account.distributor_id)
        if dist is None or not dist.active:
            return None
        return Viewer(
            "subscriber",
            sub.name,
            sub.role,
            row.csrf_token,
            Principal(distributor_id=account.distributor_id, account_ids=(account.id,)),
            subscriber_id=sub.id,
            # as the API's subscriber record lists them: its PhoneNumbers and the numbers assigned to it
            own_numbers=tuple(
                dict.fromkeys([*(sub.phone_numbers or ()), *await subscribers.assigned_numbers(session, sub.id)])
            ),
        )
