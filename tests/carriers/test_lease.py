"""The bind lease: one holder at a time; a released (or dead) holder's lease is free at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from mpaas.carriers.base import NullEvents
from mpaas.carriers.gateway import Gateway
from mpaas.carriers.lease import AdvisoryLockLease, FileLockLease, advisory_key, lease_for
from mpaas.carriers.sandbox import SandboxConnector


async def test_file_lease_has_one_holder_and_frees_on_release(tmp_path):
    first, second = FileLockLease(tmp_path / "db.gateway-lock"), FileLockLease(tmp_path / "db.gateway-lock")
    assert await first.try_acquire()
    assert not await second.try_acquire()
    assert await first.still_held()
    await first.release()
    assert not await first.still_held()
    assert await second.try_acquire()
    await second.release()


@pytest.mark.process
async def test_file_lease_of_a_killed_process_is_free(tmp_path):
    path = tmp_path / "db.gateway-lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, os, sys, time\n"
                f"fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(60)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    lease = FileLockLease(path)
    assert not await lease.try_acquire()
    holder.kill()
    holder.wait()
    assert await lease.try_acquire()
    await lease.release()


def test_lease_kind_follows_the_database(tmp_path):
    assert isinstance(lease_for(f"sqlite+aiosqlite:///{tmp_path / 'mpaas.db'}"), FileLockLease)
    assert lease_for(f"sqlite+aiosqlite:///{tmp_path / 'mpaas.db'}").path == tmp_path / "mpaas.db.gateway-lock"
    assert isinstance(lease_for("postgresql+psycopg://u@h/db"), AdvisoryLockLease)
    assert advisory_key("a") == advisory_key("a") != advisory_key("b")


async def test_advisory_lease_has_one_holder_and_dies_with_its_connection():
    url = os.environ.get("MPAAS_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("advisory locks are PostgreSQL's; runs in .ci/run's PostgreSQL pass")
    name = f"test lease {os.getpid()}"
    first, second = AdvisoryLockLease(url, name), AdvisoryLockLease(url, name)
    try:
        assert await first.try_acquire()
        assert await first.try_acquire()  # re-entrant for its holder
        # The server probes a silent holder (a host that died without closing its socket) after 5 s.
        assert (await (await first._conn.execute("SHOW tcp_keepalives_idle")).fetchone())[0] == "5"
        assert not await second.try_acquire()
        # The holder's session ends (as when its process is killed): the lock goes with it. The server frees
        # it when the backend exits, which follows the client's close by a moment, not before close returns;
        # the standby retries on its own cadence, so the test polls, bounded, as it would.
        await first._conn.close()
        assert not await first.still_held()
        deadline = asyncio.get_running_loop().time() + 10
        while not await second.try_acquire():
            assert asyncio.get_running_loop().time() < deadline, "the dead holder's lock was never freed"
            await asyncio.sleep(0.05)
    finally:
        await first.release()
        await second.release()


def _sandbox_gateway(platform, tmp_path, **options) -> Gateway:
    """A gateway on the test's file lease with the sandbox connector and nothing to submit; `options` add what
    the test watches (its sweep, its bind-state publisher)."""

    async def no_submits(jobs):
        return []

    return Gateway(
        platform.jobs,
        FileLockLease(tmp_path / "db.gateway-lock"),
        submit_kind="message.submit",
        submit_side=lambda connector: (NullEvents(), no_submits),
        build_connector=lambda: SandboxConnector(0.0, []),
        poll_seconds=0.05,
        **options,
    )


async def test_only_the_gateway_holding_the_binds_runs_the_receipt_sweep(tmp_path, platform):
    """Two gateways on one lease: the standby never sweeps; when the holder lets go, the standby takes the binds
    and the sweep with them (so several gateways never ask the carriers, or expire messages, at once)."""
    ticks = {"first": 0, "second": 0}

    def gateway(name: str) -> Gateway:
        def sweep(connector):
            async def tick():
                ticks[name] += 1

            return tick

        return _sandbox_gateway(platform, tmp_path, sweep=sweep, sweep_seconds=0.05)

    first, second = gateway("first"), gateway("second")
    await first.start()
    await second.start()
    try:
        await asyncio.sleep(0.5)
        assert first.holding and not second.holding
        assert ticks["first"] >= 3 and ticks["second"] == 0
        await first.stop()
        deadline = asyncio.get_running_loop().time() + 5
        while ticks["second"] < 3 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        swept_by_first = ticks["first"]
        await asyncio.sleep(0.2)
        assert second.holding and ticks["second"] >= 3 and ticks["first"] == swept_by_first
    finally:
        await first.stop()
        await second.stop()


async def test_the_gateway_holding_the_binds_reports_them_and_clears_them_when_it_lets_go(tmp_path, platform):
    """The holder publishes its connector's state when it takes the binds (ops/bind_states.py), so a process without
    binds (the console of `mpaas api`) can show them; a standby publishes nothing; letting go clears the report."""
    from mpaas.ops import bind_states

    def gateway() -> Gateway:
        return _sandbox_gateway(platform, tmp_path, publish=bind_states.publisher(platform.db, platform.clock))

    async def reported() -> list[dict]:
        async with platform.db.read() as session:
            return await bind_states.published(session, platform.clock.now())

    holder, standby = gateway(), gateway()
    await holder.start()
    await standby.start()
    try:
        [bind] = await reported()
        assert bind["name"] == "sandbox" and bind["bound"] is True and not bind["stale"]
        assert bind["holder"] == bind_states.this_process()
        await holder.stop()  # cleared first; the standby takes the binds within a second or two, then reports them
        deadline = asyncio.get_running_loop().time() + 5
        while [b["name"] for b in await reported()] != ["sandbox"] and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        assert standby.holding and [b["name"] for b in await reported()] == ["sandbox"]
        await standby.stop()
        assert await reported() == []
    finally:
        await holder.stop()
        await standby.stop()
