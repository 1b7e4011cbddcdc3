"""Failed credential checks have a budget of their own (core/security/failures.py), apart from the working rate
limit: per (AccountKey, address), per address and per key, with backoff; the owner with the right secret is
never locked out by wrong guesses from elsewhere. Secret checks run in a bounded number of argon2 slots."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from mpaas.core.security import failures
from mpaas.core.security.failures import FailureBudget, FailurePolicy, Locked, MemoryCounters
from support.api import BASE_URL
from support.processes import redis_or_skip
from support.seed import new_distributor

pytestmark = pytest.mark.no_workers  # only calls the API: no job needs to run

ENDPOINT = f"{BASE_URL}/v1.0/account/message/routes"
UNKNOWN = "DID-00000000-0000-0000-0000-000000000000"


def _from(app, address: str) -> httpx2.AsyncClient:
    """A client whose requests come from `address` (the ASGI scope's client)."""
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app, client=(address, 40000)), base_url=BASE_URL)


async def _mint(client: httpx2.AsyncClient, key: str, secret: str) -> httpx2.Response:
    return await client.post(
        "/v1.0/OAuth2/tokens", json={"AccountKey": key, "AccountSecret": secret, "ApiEndpoint": ENDPOINT}
    )


def _small_budget(platform, **overrides) -> None:
    policy = dict(per_key_address=3, per_address=6, per_key=8, window_seconds=900, lockout_seconds=60)
    platform.auth_failures = FailureBudget(FailurePolicy(**{**policy, **overrides}), MemoryCounters())


async def test_wrong_secrets_do_not_spend_the_owners_rate_limit(platform, app):
    """60 wrong secrets on a 50/min credential used to make the owner's next token request 429 for 52 s."""
    credential = await new_distributor(platform, "Limited", rate_limit=5)
    async with _from(app, "203.0.113.66") as attacker, _from(app, "198.51.100.7") as owner:
        codes = [(await _mint(attacker, credential.account_key, "guess")).status_code for _ in range(60)]
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}  # the pair's failure budget, not the limit
        response = await _mint(owner, credential.account_key, credential.account_secret)
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Remaining"] == "4"  # only the owner's own request counted


async def test_a_locked_pair_is_told_when_to_retry(platform, app):
    credential = await new_distributor(platform, "Acme")
    async with _from(app, "203.0.113.66") as attacker:
        for _ in range(5):
            assert (await _mint(attacker, credential.account_key, "guess")).status_code == 401
        response = await _mint(attacker, credential.account_key, credential.account_secret)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.json()["Message"].startswith("Too many requests: too many failed credential checks")


async def test_unknown_keys_are_throttled(platform, app):
    async with _from(app, "203.0.113.66") as attacker:
        codes = [(await _mint(attacker, UNKNOWN, "guess")).status_code for _ in range(8)]
    assert codes == [401] * 5 + [429] * 3


async def test_an_address_guessing_many_keys_is_locked_out(platform, app):
    _small_budget(platform)
    credential = await new_distributor(platform, "Acme")
    async with _from(app, "203.0.113.66") as attacker, _from(app, "198.51.100.7") as owner:
        for n in range(6):  # two failures on each of three keys: no pair reaches 3, the address reaches 6
            key = UNKNOWN[:-1] + str(n // 2)
            assert (await _mint(attacker, key, "guess")).status_code == 401
        assert (await _mint(attacker, UNKNOWN[:-1] + "9", "guess")).status_code == 429
        # Even the right secret from that address waits; from the owner's address it works.
        assert (await _mint(attacker, credential.account_key, credential.account_secret)).status_code == 429
        assert (await _mint(owner, credential.account_key, credential.account_secret)).status_code == 200


async def test_a_key_under_attack_still_admits_its_owner(platform, app):
    """Past per_key failures from many addresses, an address that already failed on the key gets no further
    try, while the owner's address (no failure) is checked as usual."""
    _small_budget(platform)
    credential = await new_distributor(platform, "Acme")
    for n in range(8):
        async with _from(app, f"203.0.113.{n}") as attacker:
            assert (await _mint(attacker, credential.account_key, "guess")).status_code == 401
    async with _from(app, "203.0.113.0") as attacker:
        assert (await _mint(attacker, credential.account_key, "guess")).status_code == 429
    async with _from(app, "198.51.100.7") as owner:
        for _ in range(3):
            assert (await _mint(owner, credential.account_key, credential.account_secret)).status_code == 200


async def test_a_correct_secret_is_not_charged(platform, app):
    _small_budget(platform)
    credential = await new_distributor(platform, "Acme")
    async with _from(app, "198.51.100.7") as owner:
        assert (await _mint(owner, credential.account_key, "typo")).status_code == 401
        for _ in range(5):
            assert (await _mint(owner, credential.account_key, credential.account_secret)).status_code == 200
        assert (await _mint(owner, credential.account_key, "typo")).status_code == 401  # 2 of 3 spent
        assert (await _mint(owner, credential.account_key, credential.account_secret)).status_code == 200


async def test_lockouts_back_off(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(failures.time, "monotonic", lambda: now[0])
    budget = FailureBudget(
        FailurePolicy(per_key_address=3, per_address=100, lockout_seconds=60, lockout_max_seconds=200),
        MemoryCounters(),
    )
    waits = []
    for _ in range(4):
        for _ in range(3):
            await budget.check("DID-x", "203.0.113.66")
            await budget.record_failure("DID-x", "203.0.113.66")
        with pytest.raises(Locked) as locked:
            await budget.check("DID-x", "203.0.113.66")
        waits.append(locked.value.retry_after)
        now[0] += locked.value.retry_after + 1  # the lockout ends
    assert waits == [60, 120, 200, 200]  # doubling, up to the maximum


async def test_the_budget_is_shared_through_redis():
    """Two API processes' budgets on one Redis see each other's failures."""
    url = redis_or_skip()
    policy = FailurePolicy(per_key_address=2, per_address=100)
    first, second = FailureBudget.build(policy, url), FailureBudget.build(policy, url)
    key, address = "DID-shared-" + str(id(policy)), "203.0.113.77"
    await first.record_failure(key, address)
    await second.record_failure(key, address)
    with pytest.raises(Locked):
        await first.check(key, address)
    await first.close()
    await second.close()


def test_memory_counters_are_bounded():
    async def fill() -> int:
        store = MemoryCounters(max_keys=100)
        for n in range(1000):
            await store.incr(f"k{n}", 60)
        return len(store._data)

    assert asyncio.run(fill()) == 100


async def test_secret_checks_run_in_bounded_slots(platform, app):
    """30 concurrent wrong secrets from 30 addresses (no budget stops them): at most `concurrency` argon2
    checks run at once, the rest wait for a slot."""
    from mpaas.core.security.hashing import SecretVerifier

    platform.verifier = SecretVerifier(2)
    credential = await new_distributor(platform, "Acme")

    async def guess(n: int) -> int:
        async with _from(app, f"203.0.113.{n}") as client:
            return (await _mint(client, credential.account_key, f"guess-{n}")).status_code

    codes = await asyncio.gather(*(guess(n) for n in range(30)))
    assert set(codes) == {401}
    assert platform.verifier.max_in_flight == 2
