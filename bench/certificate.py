"""(b) Deposit certificate generation (WeasyPrint) on an invoice of an in-memory database."""

from __future__ import annotations

import statistics
import time

from bench.recognition import percentile

RUNS = 20
TARGET_MS = 200.0


def run() -> dict:
    name = f"certificate PDF (N={RUNS})"
    target = f"median ≤ {TARGET_MS:.0f} ms"
    try:
        from invoicing.documents.certificate import render_certificate_pdf
    except ImportError:
        return {
            "name": name,
            "figure": "skipped: invoicing.documents.certificate not available yet",
            "target": target,
            "ok": None,
        }
    try:
        from tests.factories.invoicing import InvoiceFactory
    except ImportError:
        return {
            "name": name,
            "figure": "skipped: tests.factories.invoicing.InvoiceFactory not available",
            "target": target,
            "ok": None,
        }

    from django.core.management import call_command
    from django.db import connection

    assert connection.settings_dict["NAME"] in (":memory:", "") or "memory" in str(
        connection.settings_dict["NAME"]
    ), "the certificate bench runs on an in-memory database only"
    call_command("migrate", verbosity=0, interactive=False)
    invoice = InvoiceFactory()
    pdf = render_certificate_pdf(invoice)  # warm-up: fonts, templates
    assert pdf.startswith(b"%PDF-")
    timings, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_certificate_pdf(invoice)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    median = statistics.median(timings)
    return {
        "name": name,
        "figure": (
            f"median {median:.1f} ms, p95 {percentile(timings, 0.95):.1f} ms "
            f"(CPU time median {statistics.median(cpu):.1f} ms)"
        ),
        "target": target,
        "ok": median <= TARGET_MS,
    }
