"""Group commit (core/db/group_commit.py): concurrent submissions share one transaction, each is answered only
after that transaction commits, an item's own failure is its own, and a failed transaction fails its whole batch
while the next batch still runs."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest

from mpaas.core.db.group_commit import GroupCommit


class FakeDb:
    """Database.write()'s shape: records each transaction's items and whether it committed."""

    def __init__(self):
        self.transactions: list[dict] = []
        self.fail_commit_of: set[int] = set()  # transaction numbers whose commit fails

    @asynccontextmanager
    async def write(self):
        tx = {"items": [], "committed": False}
        self.transactions.append(tx)
        yield tx
        await asyncio.sleep(0)  # the commit is a suspension point, as on PostgreSQL
        if len(self.transactions) - 1 in self.fail_commit_of:
            raise RuntimeError("commit failed")
        tx["committed"] = True


async def _apply(tx, items):
    results = []
    for item in items:
        if item == "refused":
            results.append(ValueError(f"{item} alone"))
            continue
        tx["items"].append(item)
        results.append((item, tx))
    return results


async def test_concurrent_items_share_one_transaction_and_are_answered_after_its_commit():
    db = FakeDb()
    writer = GroupCommit(db, _apply)
    commits_seen = []

    async def one(item):
        result, tx = await writer.submit(item)
        commits_seen.append(tx["committed"])
        return result

    first = await one("a")  # alone: written at once
    assert first == "a" and [t["items"] for t in db.transactions] == [["a"]]
    results = await asyncio.gather(*(one(f"m{i}") for i in range(20)))
    assert results == [f"m{i}" for i in range(20)]
    assert len(db.transactions) <= 3  # 21 items, not 21 transactions
    assert [i for t in db.transactions[1:] for i in t["items"]] == results  # in submission order
    assert all(commits_seen)


async def test_an_items_failure_is_its_own():
    db = FakeDb()
    writer = GroupCommit(db, _apply)
    outcomes = await asyncio.gather(
        writer.submit("x"), writer.submit("refused"), writer.submit("y"), return_exceptions=True
    )
    assert isinstance(outcomes[1], ValueError) and str(outcomes[1]) == "refused alone"
    assert [o[0] for o in (outcomes[0], outcomes[2])] == ["x", "y"]
    assert all(t["committed"] for t in db.transactions)


async def test_a_failed_transaction_fails_its_batch_and_the_next_batch_still_runs():
    db = FakeDb()
    db.fail_commit_of = {0}
    writer = GroupCommit(db, _apply)
    outcomes = await asyncio.gather(writer.submit("p"), writer.submit("q"), return_exceptions=True)
    assert all(isinstance(o, RuntimeError) for o in outcomes)
    assert db.transactions[0]["committed"] is False
    assert (await writer.submit("r"))[0] == "r"
    assert db.transactions[-1]["committed"] is True


async def test_after_commit_runs_once_per_committed_batch():
    db = FakeDb()
    woken = []
    writer = GroupCommit(db, _apply, after_commit=lambda: woken.append(len(db.transactions)))
    await asyncio.gather(*(writer.submit(str(i)) for i in range(5)))
    assert woken == list(range(1, len(db.transactions) + 1))


async def test_a_cancelled_submitter_does_not_cancel_its_batch():
    db = FakeDb()
    writer = GroupCommit(db, _apply)
    doomed = asyncio.create_task(writer.submit("gone"))
    kept = asyncio.create_task(writer.submit("kept"))
    await asyncio.sleep(0)
    doomed.cancel()
    assert (await kept)[0] == "kept"
    with pytest.raises(asyncio.CancelledError):
        await doomed
    assert [i for t in db.transactions for i in t["items"]] == ["gone", "kept"]


async def test_items_submitted_in_the_next_turns_of_the_loop_join_the_batch():
    """Requests read after the batch's first submitter (the next turns of the event loop, as a socket's bytes are
    read in a turn's poll and the request runs in the next) are in its transaction, not the next one."""
    db = FakeDb()
    writer = GroupCommit(db, _apply)
    late: list[asyncio.Task] = []

    async def submit_after_turns(item, turns):
        for _ in range(turns):
            await asyncio.sleep(0)
        return await writer.submit(item)

    first = asyncio.ensure_future(writer.submit("first"))
    late += [asyncio.ensure_future(submit_after_turns(f"late{n}", n)) for n in (1, 2, 3, 4)]
    await asyncio.gather(first, *late)
    assert [t["items"] for t in db.transactions] == [["first", "late1", "late2", "late3", "late4"]]


async def test_a_lone_item_waits_two_turns_of_the_loop():
    db = FakeDb()
    writer = GroupCommit(db, _apply)
    turns = 0

    async def count_turns():
        nonlocal turns
        while True:
            await asyncio.sleep(0)
            turns += 1

    counter = asyncio.ensure_future(count_turns())
    try:
        await writer.submit("alone")
    finally:
        counter.cancel()
    assert [t["items"] for t in db.transactions] == [["alone"]]
    assert turns <= 5  # two turns, the commit's suspension point, and the answer's hand-off: no timer
