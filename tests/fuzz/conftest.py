"""Sum the fuzz sweep's requests and 500s over every test (and every xdist worker)."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    totals = {"fuzz_requests": 0, "fuzz_500s": 0}
    tests = 0
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        if report.when != "call":
            continue
        properties = dict(report.user_properties)
        if "fuzz_requests" in properties:
            tests += 1
            for key in totals:
                totals[key] += properties.get(key, 0)
    if tests:
        terminalreporter.write_line(
            f"fuzz sweep: {tests} URL patterns, {totals['fuzz_requests']} requests, "
            f"{totals['fuzz_500s']} HTTP 500"
        )
