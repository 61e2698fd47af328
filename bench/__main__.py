"""`python -m bench` (make bench): print the issue-4 speed figures, exit 0.

(a) recognition of a 3-page native PDF      target: median ≤ 50 ms
(b) deposit certificate generation          target: median ≤ 200 ms
(c) a 120 MB dossier through a real server   target: peak RSS growth < 50 MB
"""

from __future__ import annotations

import os
import sys
import time
import traceback


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["TESTING"] = "1"
    # The certificate bench creates its data: never in a real database.
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()

    from bench import api, certificate, flows, recognition, upload

    rows = []
    started = time.perf_counter()
    for bench in (recognition, certificate, upload, flows):
        try:
            rows.append(bench.run())
        except Exception as exc:  # a broken bench is reported, the others still run
            traceback.print_exc()
            rows.append(
                {"name": bench.__name__, "figure": f"ERROR: {exc}", "target": "", "ok": False}
            )
    try:
        rows.extend(api.run())
    except Exception as exc:  # a broken bench is reported, the others still ran
        traceback.print_exc()
        rows.append({"name": "api", "figure": f"ERROR: {exc}", "target": "", "ok": False})
    width = max(len(row["name"]) for row in rows)
    print()
    print(f"{'benchmark'.ljust(width)}  {'target'.ljust(32)}  verdict  figures")
    print("-" * (width + 2 + 32 + 2 + 7 + 2 + 40))
    for row in rows:
        verdict = {True: "OK", False: "MISSED", None: "-"}[row["ok"]]
        print(
            f"{row['name'].ljust(width)}  {row['target'].ljust(32)}  {verdict.ljust(7)}  {row['figure']}"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\n(total {time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs, load average "
        f"{load:.1f}: wall-clock figures grow with the machine's load, CPU time much less)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
