"""A bare submit loop: the SMPP connector alone against an SMSC, as the base rate for pipeline benchmarks.

    python -m mpaas.carriers.loadgen smpp://mpaas:secret@127.0.0.1:2775?window=50 --count 10000

Prints submits/s (all submit_sm_resp received) and receipts/s (all receipts received)."""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass

from mpaas.carriers.base import OutboundSms
from mpaas.carriers.config import parse_smpp_url
from mpaas.carriers.smpp import SmppConnector


@dataclass
class LoopResult:
    count: int
    submit_seconds: float
    receipt_seconds: float | None

    @property
    def submits_per_second(self) -> float:
        return self.count / self.submit_seconds

    @property
    def receipts_per_second(self) -> float | None:
        return self.count / self.receipt_seconds if self.receipt_seconds else None


async def bare_submit_loop(
    url: str,
    count: int,
    wait_receipts: bool = True,
    timeout: float = 120.0,
    source: str = "+18015550100",
    destination: str = "+12125550100",
) -> LoopResult:
    class Counter:
        receipts = 0

        async def on_receipt(self, *args) -> None:
            self.receipts += 1

        async def on_inbound(self, *args) -> None:
            return None

    events = Counter()
    connector = SmppConnector(parse_smpp_url(url, name="loadgen"))
    await connector.start(events)
    try:
        start = time.perf_counter()
        await asyncio.gather(
            *(
                connector.submit(OutboundSms(f"bench{i}", source, destination, f"bench {start} {i}"))
                for i in range(count)
            )
        )
        submitted = time.perf_counter() - start
        received = None
        if wait_receipts:
            deadline = time.monotonic() + timeout
            while events.receipts < count and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            received = time.perf_counter() - start if events.receipts >= count else None
        return LoopResult(count, submitted, received)
    finally:
        await connector.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--no-receipts", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(bare_submit_loop(args.url, args.count, not args.no_receipts))
    line = f"{result.count} submits in {result.submit_seconds:.2f}s = {result.submits_per_second:.0f} msg/s"
    if result.receipts_per_second:
        line += f"; all receipts in {result.receipt_seconds:.2f}s = {result.receipts_per_second:.0f} msg/s"
    print(line)


if __name__ == "__main__":
    main()
