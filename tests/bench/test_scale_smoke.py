"""The scale benchmark keeps working: a tiny load and a short measurement (bench/scale).

Runs in a database of its own, `bench_scale_smoke_<xdist worker>`, created and dropped
here (never pytest-django's test database). Skipped unless DATABASE_URL is PostgreSQL;
with REQUIRE_SERVICES=1 it fails instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import service_missing

pytestmark = pytest.mark.services
BASE_DIR = Path(__file__).resolve().parent.parent.parent
TIMEOUT = 120


@pytest.fixture
def smoke_database_url():
    import dj_database_url
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if "postgres" not in dj_database_url.parse(url or "sqlite://:memory:")["ENGINE"]:
        service_missing("DATABASE_URL does not point to PostgreSQL")
    from bench.scale import loader

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"bench_scale_smoke_{re.sub(r'[^a-z0-9_]', '_', worker.lower())}"
    smoke_url = urlsplit(url)._replace(path=f"/{name}").geturl()
    os.environ["DATABASE_URL"], previous = smoke_url, url
    try:
        settings = loader.bench_database()
    finally:
        os.environ["DATABASE_URL"] = previous
    try:
        with psycopg.connect(loader.conninfo(settings, "postgres"), connect_timeout=5):
            pass
    except psycopg.OperationalError as exc:
        service_missing(f"PostgreSQL is unreachable: {exc}")
    yield smoke_url
    loader.drop_database(settings)


def _run(args: list[str], url: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("PYTEST_VERSION", None)
    result = subprocess.run(
        [sys.executable, "-m", "bench.scale", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_tiny_load_and_measure_print_the_table(smoke_database_url):
    started = time.monotonic()
    out = _run(["load", "--invoices", "300", "--structures", "200", "--reset"], smoke_database_url)
    assert re.search(r"invoices\s+300 rows .* rows/s", out), out
    assert re.search(r"status events\s+\d{3},?\d* rows", out), out

    out = _run(
        ["measure", "--requests", "2", "--warmups", "0", "--deposits", "1", "--lot-deposits", "12",
         "--web-deposits", "1", "--web-clients", "1",
         "--only", "homepage", "--only", "received: search p1"],
        smoke_database_url,
    )  # fmt: skip
    assert "p50 ms" in out and "×floor" in out, out
    number = r"\d+\.\d"
    for page in ("floor", "homepage", "received: search p1"):
        row = re.search(rf"^{re.escape(page)}.*$", out, re.MULTILINE)
        assert row, f"no row for {page}:\n{out}"
        assert re.search(rf"\s2\s+{number}\s+{number}\s+{number}×\s+\d+\s+{number}", row[0]), row[0]
    assert re.search(r"deposit .* [\d.]+ invoices/s", out), out
    assert re.search(r"web deposit \(6 requests.*N=1\): [\d.]+ invoices/s", out), out
    assert re.search(r"floor load .*: \d+ requests/s, so at most \d+ deposits/s", out), out
    for kind, count in (("CII", 12), ("Factur-X", 10)):  # every invoice of the lot integrated
        lot = rf"lot deposit \({kind}, a flow of {count} .*\): \d+ invoices/s .* IN_INTEGRE, peak"
        assert re.search(lot, out), out

    out = _run(["beat"], smoke_database_url)
    for task in ("invoicing.tasks.compact_status_counts", "invoicing.tasks.advance_stuck_invoices",
                 "validation.tasks.expire_pending_validations"):  # fmt: skip
        assert re.search(rf"^{re.escape(task)}\s+every [\d.]+ s\s+\d+\s+\d+ ", out, re.M), out
    assert "ERROR" not in out, out
    assert time.monotonic() - started < 60, "the smoke run must stay under a minute"
