"""The heap built at startup moved out of the cyclic collector's way (`gc.freeze`), once per process.

Measured (issue 20; bench/send_path.py --role api with a `gc.callbacks` probe): under the one-recipient send at
32 connections, a full (generation 2) collection ran every 1-2 s and took 90-320 ms, freeing almost nothing. It
walks every object the process holds, and nearly all of them (modules, classes, FastAPI's routes, SQLAlchemy's
tables and caches, pydantic's validators) were built at startup and live as long as the process; each pause
stalled every request in flight (p99 130-200 ms against a p50 of 15 ms). CPython starts a full collection when
the objects promoted since the last one exceed a quarter of those it kept then, and under load the objects of
requests in flight across two younger collections are promoted and then freed by their reference counts: so a
full collection comes every second or two, whatever the size of the heap.

`gc.freeze()` after the app's startup moves every object then alive into a permanent generation that no
collection walks: full collections still come as often, but walk only what was kept since. Frozen objects are
still freed by reference counting; only a reference cycle among them is never reclaimed, so what is garbage at
startup is collected first. Once per process: a test session starts many apps, and freezing each one's heap
would keep every later cycle of theirs for good.

Then the collector runs less often (THRESHOLDS). Measured (issue 20; bench/pipeline.py, 10,000 messages at 20 a
request, a `gc.callbacks` probe): with CPython's defaults, collections took about 250 ms of the 3.4 s of CPU the
pipeline used, 8 full ones of 8-31 ms each among them, and every one freed nothing: what they walk is the work in
flight (a batch holds 2,000 messages or callbacks), which reference counting frees when it is done. With
THRESHOLDS: 16 young collections, 60 ms in all, no full one; end to end 2,500 -> 2,930 msg/s. The price: garbage
in reference cycles waits longer to be collected, at most 50,000 allocations for the youngest generation.
"""

from __future__ import annotations

import gc

_frozen = False
# gc.set_threshold once the startup heap is frozen: a young collection every 50,000 allocations (700 by default),
# the middle one every 20 of those (10), the full one every 10 of the middle ones (CPython also waits until what
# was promoted since the last is a quarter of what it kept).
THRESHOLDS = (50_000, 20, 10)


def freeze_startup_heap() -> bool:
    """Collect, then freeze everything alive and set THRESHOLDS, on the first call in this process; True when it
    froze."""
    global _frozen
    if _frozen:
        return False
    _frozen = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    return True
