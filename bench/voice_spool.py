#!/usr/bin/env python
"""Kamailio's CPU per call with the call-event spool off and on, in the same run, alternating.

The spool is route[EVENT]'s `acc_db_request` into db_flatstore (voice/kamailio.py): every event appended to a file
before it is queued. "off" is the rendered configuration with those lines removed. Calls go from sipp through
Kamailio (under mpaas's supervisor) to a sipp trunk, routes decided by the tests' stand-in for mpaas (an instant
answer). CPU = utime + stime of every process in Kamailio's process group, read before and after the calls: CPU,
not calls/s, because on the shared 2-core machine throughput follows the other work, Kamailio's own CPU much less.

    .venv/bin/python bench/voice_spool.py --calls 500 --rate 50

Prints each round and the ratio of the medians (on / off). Needs Kamailio and sipp (make voice-deps).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import mpaas.voice.kamailio as kamailio  # noqa: E402
from support.sip import (  # noqa: E402
    SCENARIOS,
    FakeMpaas,
    free_udp_port,
    route_to,
    running_kamailio,
    sip_port,
    sip_settings,
)

SPOOL_LINES = (
    'loadmodule "db_flatstore.so"\nloadmodule "acc.so"\n',
    'modparam("acc", "db_url", "flatstore:@SPOOL@")\nmodparam("acc", "db_extra", "e=$var(spool)")\n',
    '    $var(spool) = $(var(e){s.encode.base64});\n    acc_db_request("0 Event", "events");\n',
)
TICK = os.sysconf("SC_CLK_TCK")


def without_spool(template: str) -> str:
    for lines in SPOOL_LINES:
        assert lines in template, lines
        template = template.replace(lines, "")
    return template


def group_cpu(pgid: int) -> float:
    """Seconds of CPU used so far by the processes of this process group."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def one_round(work: Path, calls: int, rate: str) -> tuple[float, int, int]:
    """(Kamailio's CPU seconds for the calls, events mpaas got, lines in the spool files)."""
    trunk = free_udp_port()
    with FakeMpaas(route_to(trunk, crid="CALL-BENCH")) as mpaas:
        settings = sip_settings(work)
        uas = subprocess.Popen(
            ["sipp", "-sf", str(SCENARIOS / "uas_answer.xml"), "-i", "127.0.0.1", "-p", str(trunk), "-nostdin"],
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with running_kamailio(settings, mpaas.url) as supervisor:
                assert supervisor.process is not None
                group = supervisor.process.pid
                time.sleep(1.5)  # past the first reconciliation
                before = group_cpu(group)
                subprocess.run(
                    ["sipp", f"127.0.0.1:{sip_port(settings)}", "-sf", str(SCENARIOS / "uac_call.xml")]
                    + ["-s", "18015557000", "-i", "127.0.0.1", "-p", str(free_udp_port()), "-r", rate]
                    + ["-m", str(calls), "-nostdin", "-timeout", "120s", "-timeout_error"],
                    cwd=work,
                    capture_output=True,
                    timeout=300,
                )
                mpaas.wait_events(lambda evs: len(evs) >= 3 * calls * 0.95, timeout=30)
                time.sleep(0.5)
                used = group_cpu(group) - before
                spool = work / kamailio.SPOOL_DIR
                lines = sum(len(p.read_bytes().splitlines()) for p in spool.rglob("*") if p.is_file())
        finally:
            uas.kill()
            uas.wait()
        return used, len(mpaas.events), lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=500, help="calls per round")
    ap.add_argument("--rate", default="50", help="calls/s offered by sipp")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of off then on")
    args = ap.parse_args()
    on = kamailio._TEMPLATE
    variants = {"off": without_spool(on), "on": on}
    per_call: dict[str, list[float]] = {"off": [], "on": []}
    work = Path(tempfile.mkdtemp(prefix="voice-spool-"))
    try:
        for number in range(args.rounds):
            for name, template in variants.items():
                kamailio._TEMPLATE = template
                (work / f"{name}-{number}").mkdir()
                used, events, lines = one_round(work / f"{name}-{number}", args.calls, args.rate)
                per_call[name].append(used / args.calls * 1000)
                print(
                    f"round {number} spool {name:3}: {events} events, {lines} spooled, Kamailio CPU {used:.2f} s "
                    f"= {per_call[name][-1]:.3f} ms/call",
                    flush=True,
                )
    finally:
        kamailio._TEMPLATE = on
        shutil.rmtree(work, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in per_call.items()}
    for name, values in per_call.items():
        print(f"spool {name:3} ms/call: {[round(v, 3) for v in values]}, median {medians[name]:.3f}")
    print(f"ratio on/off (medians): {medians['on'] / medians['off']:.3f}")


if __name__ == "__main__":
    main()
