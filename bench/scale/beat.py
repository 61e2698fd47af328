"""python -m bench.scale beat: every periodic task of the beat (each app's `beat_schedule`,
merged by `portal.celery`) run once, in this process, on the loaded database, timed: wall
time, statements, and the slowest statement. A task whose work follows the size of a table
rather than what changed since its last run shows here (issue 10: the entered invoices' PDF
sweep scanned the 2,000,000 invoices every five minutes, the counters' compaction grouped
their 1,000,000 rows every minute, tacit validation walked every pending invoice by status).

The first run after a load also does what the beat would after an outage: the loader leaves
DEPOSEE and VALIDEE_1 invoices older than ten minutes, which the sweep moves (9,248 of the
2,000,000, about a minute); its A_VALIDER_1 invoices fall due as the loaded database ages.
`--rounds 2` shows the steady state. The tasks write as they would in production (moved
invoices, folded counters, digests): a later `measure` reads the database as they left it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

SLOW_MS = 20.0  # statements slower than this are kept for the report


@dataclass
class Timing:
    name: str
    every: str
    wall_ms: float = 0.0
    statements: int = 0
    result: str = ""
    slowest: list[tuple[float, str]] = field(default_factory=list)


def schedule() -> list[tuple[str, str]]:
    """(task name, how often) of the beat's schedule, in a stable order."""
    from portal.celery import app

    app.finalize()  # merges each app's `beat_schedule` (portal.celery)
    return sorted(
        (entry["task"], _every(entry["schedule"])) for entry in app.conf.beat_schedule.values()
    )


def _every(value) -> str:
    if isinstance(value, int | float):
        return f"every {value:g} s"
    return str(value)


def run_task(name: str, every: str) -> Timing:
    from django.db import connection
    from django.utils.module_loading import import_string

    timing = Timing(name, every)

    def observe(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timing.statements += 1
            ms = (time.perf_counter() - started) * 1000
            if ms >= SLOW_MS:
                timing.slowest.append((ms, " ".join(sql.split())[:150]))

    task = import_string(name)
    started = time.perf_counter()
    try:
        with connection.execute_wrapper(observe):
            result = task.run()
    except Exception as exc:  # a broken task is reported, the others still run
        result = f"ERROR {exc!r}"
    timing.wall_ms = (time.perf_counter() - started) * 1000
    timing.result = str(result)[:60]
    timing.slowest.sort(reverse=True)
    return timing


def beat(rounds: int = 1) -> int:
    tasks = schedule()
    for round_number in range(1, rounds + 1):
        print(f"\nround {round_number}: {len(tasks)} periodic tasks, each run once")
        print(f"{'task':<48} {'schedule':<28} {'wall ms':>9} {'SQL':>6}  result")
        print("-" * 110)
        for name, every in tasks:
            timing = run_task(name, every)
            print(
                f"{name:<48} {every:<28} {timing.wall_ms:9.0f} {timing.statements:6}  "
                f"{timing.result}"
            )
            for ms, sql in timing.slowest[:2]:
                print(f"    {ms:7.0f} ms  {sql}")
    return 0
