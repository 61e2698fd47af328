"""`python -m bench.scale measure`: the portal's pages on the loaded data set, through gunicorn.

gunicorn (2 sync workers, 127.0.0.1, a free port, DEBUG=0, a random SECRET_KEY) serves
bench.scale.settings: the portal plus `bench/floor/<pk>/` and the X-Bench-Queries /
X-Bench-CPU-ms headers. Each persona gets a real session (a session row made with Django's
session store and the server's SECRET_KEY, as a login would). Every page is requested
`--requests` times after `--warmups`, round-robin over the pages (a load spike hits every
page alike, the floor included). A deposit through the service functions the web deposit
calls (upload_main_file, validate_deposit, send_invoice) is timed in this process, with
and without the recognition of the file's text.

A benchmark, not a test: it prints figures and exits 0 when targets are missed.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import secrets
import socket
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent.parent
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 300.0

# Targets (issue 10).
LIST_P95_MS = 50.0
LIST_FLOOR_RATIO = 3.0
DEEP_P95_MS = 100.0
DETAIL_FLOOR_RATIO = 2.0
LIST_CPU_MS = 25.0


def server_env(var_dir: Path) -> dict[str, str]:
    """The environment of the bench server and of this process (same SECRET_KEY)."""
    alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.scale.settings",
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Page:
    name: str
    path: str
    persona: str | None  # None: anonymous
    kind: str  # floor, list, deep, detail, other
    wall: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def get(port: int, path: str, cookie: str | None) -> tuple[int, float, int, float]:
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    return (
        response.status,
        elapsed,
        int(response.getheader("X-Bench-Queries") or -1),
        float(response.getheader("X-Bench-CPU-ms") or "nan"),
    )


def wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the bench server exited with {server.returncode}")
        try:
            status, *_ = get(port, "/bench/floor/1/", None)
            if status in (200, 302, 404):
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise RuntimeError("the bench server did not start in time")


def session_cookie(user) -> str:
    """A logged-in session for `user`, stored like `django.contrib.auth.login` stores it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def pages_to_measure(only: set[str] | None) -> list[Page]:
    from django.db.models import Q

    from bench.scale.loader import BIG_SUPPLIER_ID, PERSONA_RECIPIENT, PERSONA_SUPPLIER, STATE_ID
    from invoicing.models import Invoice
    from structures.models import Structure

    received = (
        Invoice.objects.filter(recipient_id=STATE_ID, status="MISE_EN_PAIEMENT")
        .values_list("pk", flat=True)
        .first()
    )
    issued = (
        Invoice.objects.filter(supplier_id=BIG_SUPPLIER_ID)
        .filter(~Q(status="BROUILLON"))
        .values_list("pk", flat=True)
        .first()
    )
    big_supplier = Structure.objects.get(pk=BIG_SUPPLIER_ID)
    today = dt.date.today()
    r, s = PERSONA_RECIPIENT, PERSONA_SUPPLIER
    search = "/factures/recues/rechercher/"

    def q(**params) -> str:
        return f"{search}?{urlencode(params)}"

    pages = [
        Page("floor (bench view, 1 pk read)", f"/bench/floor/{received}/", r, "floor"),
        Page("homepage", "/", r, "list"),
        Page("received: synthesis", "/factures/recues/", r, "list"),
        Page("received: search p1", search, r, "list"),
        Page("received: search ?page=2000", q(page=2000), r, "deep"),
        Page(
            "received: deposit date range",
            q(
                deposited_from=str(today - dt.timedelta(days=60)),
                deposited_to=str(today - dt.timedelta(days=30)),
            ),
            r,
            "list",
        ),  # fmt: skip
        Page("received: amount 1000-5000", q(amount_min=1000, amount_max=5000), r, "list"),
        Page("received: supplier name", q(supplier="Dupont"), r, "list"),
        Page("received: supplier SIRET", q(supplier=big_supplier.identifier), r, "list"),
        Page("received: sort amount", q(sort="-amount_ttc"), r, "list"),
        Page("received: sort supplier", q(sort="supplier_name"), r, "list"),
        Page("received: sort due date", q(sort="due_at"), r, "list"),
        Page("received: detail", f"/factures/recues/{received}/", r, "detail"),
        Page("issued: synthesis", "/factures/emises/", s, "list"),
        Page("issued: search p1", "/factures/emises/rechercher/", s, "list"),
        Page("issued: detail", f"/factures/emises/{issued}/", s, "detail"),
        Page("to validate", "/validation/", s, "list"),
        Page("commitments", "/engagements/", r, "list"),
        Page("directory search (anonymous)", "/structures/annuaire/?name=commune", None, "list"),
    ]
    if only:
        pages = [
            page for page in pages if page.kind == "floor" or any(o in page.name for o in only)
        ]
    return pages


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    return percentile(values, 0.5) if values else float("nan")


def verdict(page: Page, floor_p50: float) -> tuple[str, str]:
    """(target, OK / MISSED / -)."""
    if page.errors:
        return "", "ERROR"
    if not page.wall:
        return "", "-"
    p50, p95 = median(page.wall), percentile(page.wall, 0.95)
    cpu = median(page.cpu)
    if page.kind == "list":
        ok = p95 <= LIST_P95_MS and p50 <= LIST_FLOOR_RATIO * floor_p50 and cpu <= LIST_CPU_MS
        target = f"p95≤{LIST_P95_MS:.0f}, ≤{LIST_FLOOR_RATIO:.0f}×floor, CPU≤{LIST_CPU_MS:.0f}"
    elif page.kind == "deep":
        ok = p95 <= DEEP_P95_MS and cpu <= LIST_CPU_MS
        target = f"p95≤{DEEP_P95_MS:.0f}, CPU≤{LIST_CPU_MS:.0f}"
    elif page.kind == "detail":
        ok = p50 <= DETAIL_FLOOR_RATIO * floor_p50
        target = f"≤{DETAIL_FLOOR_RATIO:.0f}×floor"
    else:
        return "(reference)", "-"
    return target, "OK" if ok else "MISSED"


def print_table(pages: list[Page], deposit: str | None) -> None:
    floor = next((page for page in pages if page.kind == "floor"), None)
    floor_p50 = median(floor.wall) if floor and floor.wall else float("nan")
    width = max(len(page.name) for page in pages)
    header = (
        f"{'page'.ljust(width)}  {'N':>3}  {'p50 ms':>8}  {'p95 ms':>8}  {'×floor':>7}  "
        f"{'SQL':>4}  {'CPU ms':>7}  {'target':<34}  verdict"
    )
    print()
    print(header)
    print("-" * len(header))
    for page in pages:
        target, mark = verdict(page, floor_p50)
        if page.wall:
            p50, p95 = median(page.wall), percentile(page.wall, 0.95)
            queries = sorted(page.queries)[len(page.queries) // 2]
            print(
                f"{page.name.ljust(width)}  {len(page.wall):>3}  {p50:>8.1f}  {p95:>8.1f}  "
                f"{p50 / floor_p50:>6.1f}×  {queries:>4}  {median(page.cpu):>7.1f}  "
                f"{target:<34}  {mark}"
            )
        else:
            print(f"{page.name.ljust(width)}  {page.errors[0] if page.errors else 'not measured'}")
    if deposit:
        print(deposit)


def deposit_data(supplier, recipient, number: str) -> dict:
    """The deposit form's cleaned data for a valid A1 PDF deposit (the service layer's `data`),
    as the deposit tests build it."""
    from tests.invoicing.deposit.helpers import valid_data

    return valid_data(supplier, recipient, number=number)


def deposit_parties():
    """(actor, supplier, recipient, pdf) of the deposits: the supplier persona deposits a
    native PDF invoice to the State."""
    from django.contrib.auth import get_user_model

    from bench.scale.loader import PERSONA_SUPPLIER, STATE_ID
    from structures.models import Structure
    from tests.invoicing import samples

    actor = get_user_model().objects.get(email=PERSONA_SUPPLIER)
    supplier = actor.memberships.get().structure
    recipient = Structure.objects.get(pk=STATE_ID)
    pdf = samples.pdf_from_pages(
        samples.lines(
            "FACTURE",
            "Facture n° FA-2026-0042",
            "Date de facture : 12/03/2026",
            f"SIRET client : {recipient.identifier}",
            "Total HT : 1 000,00 €",
            "TVA : 200,00 €",
            "Total TTC : 1 200,00 €",
        )
    )
    return actor, supplier, recipient, pdf


def deposit_rate(count: int) -> str:
    """PDF deposits through the service functions the web deposit calls, in this process:
    upload_main_file (checks, storage, and recognition, the text read for the form's
    pre-fill), validate_deposit ("Valider et envoyer"), send_invoice ("Confirmer et
    envoyer": snapshot, workflow; T4 after commit, in-process without a broker). Measured
    twice: with recognition, as the web upload does, and without, as a caller that does
    not use the pre-fill (`recognise=False`)."""
    return "".join(_deposit_rate(count, recognise) for recognise in (True, False))


def _deposit_rate(count: int, recognise: bool) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from invoicing.deposit import services
    from invoicing.deposit.uploads import upload_main_file

    actor, supplier, recipient, pdf = deposit_parties()
    queries = []

    def count_query(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    def one() -> None:
        number = f"BD-{secrets.token_hex(6)}"
        upload = SimpleUploadedFile("facture.pdf", pdf, "application/pdf")
        main = upload_main_file(upload, actor=actor, recognise=recognise).attachment
        data = deposit_data(supplier, recipient, number)
        services.validate_deposit(data, actor=actor, main_attachment_id=main.pk)
        services.send_invoice(data, actor=actor, main_attachment_id=main.pk, token=number)

    if recognise:
        one()  # warm-up: imports, the warm PDF reader (the second pass is warm)
    timings, cpu = [], []
    started = time.perf_counter()
    with connection.execute_wrapper(count_query):
        for _ in range(count):
            t0, c0 = time.perf_counter(), time.process_time()
            one()
            timings.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    seconds = time.perf_counter() - started
    return (
        f"\ndeposit (upload_main_file {'with' if recognise else 'WITHOUT'} recognition + "
        f"validate_deposit + send_invoice + T4, one process, N={count}): "
        f"{count / seconds:.1f} invoices/s, p50 {median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, CPU p50 {median(cpu):.1f} ms, "
        f"{len(queries) / count:.0f} statements"
    )


def measure_web_deposits(port: int, count: int, clients: int, floor_path: str) -> str:
    """The web deposits, then the same clients on the floor request alone (the ceiling)."""
    from bench.scale.web_deposit import floor_load_rate, web_deposit_rate

    actor, supplier, recipient, pdf = deposit_parties()
    sessions = [session_cookie(actor) for _ in range(clients)]
    print(f"Web deposits: {count} through the form, {clients} clients", flush=True)
    rate = web_deposit_rate(port, sessions, supplier, recipient, pdf, count)
    seconds = 10.0 if count >= 20 else 1.0  # the smoke run's few deposits: a short load
    return rate + floor_load_rate(port, sessions, floor_path, seconds)


def acknowledge_aged_rejections(user) -> None:
    """The data set ages: an invoice rejected or suspended in the week before the load passes
    LIF-6's 7 days later, and the supplier persona's Issued pages would answer with a
    redirect to the acknowledgement page, from the start or in the middle of a run. The
    persona acknowledges first, as a user would (`acknowledge_many`, the service of
    "Acquitter"), those that pass the 7 days within the next `RUN_HOURS`; the fresher ones
    stay in the pop-up the Synthèse shows."""
    from datetime import timedelta

    from invoicing.issued import acknowledgements

    soon = acknowledgements.blocking_threshold() + timedelta(hours=RUN_HOURS)
    aged = [
        row.pk
        for row in acknowledgements._rows(acknowledgements._change_structure_ids(user))
        if row.status_changed_at <= soon
    ]
    if aged:
        done = acknowledgements.acknowledge_many(user, aged)
        print(f"(the supplier persona acknowledged {done} rejection(s) / suspension(s) first)")


RUN_HOURS = 3  # longer than a run of the default size


def compact_status_counters() -> None:
    """The deposits of an earlier run left delta rows in the status counters (three or so
    per deposit): in production the beat folds them every minute (`tallies.compact`); the
    bench does it first, as the beat would have."""
    from django.db import connection

    from invoicing import tallies

    tallies.compact(connection)


def measure(
    requests: int,
    warmups: int,
    only: set[str] | None,
    deposits: int,
    web_deposits: int = 0,
    web_clients: int = 4,
    port: int = 0,
    lot_deposits: int = 0,
) -> int:
    import django

    from bench.scale.loader import (
        PERSONA_RECIPIENT,
        PERSONA_SUPPLIER,
        bench_database,
        invoice_count,
    )

    settings = bench_database()
    loaded = invoice_count(settings)
    if not loaded:
        print(f"{settings['NAME']} holds no invoice: run `python -m bench.scale load` first.")
        return 1
    from django.apps import apps

    if not apps.ready:  # `run` after a load keeps that setup (and its SECRET_KEY)
        os.environ.update(server_env(Path(tempfile.mkdtemp(prefix="bench-scale-"))))
        os.environ.pop("PYTEST_VERSION", None)  # a pytest parent would switch TESTING on
        django.setup()
    from django.contrib.auth import get_user_model

    User = get_user_model()
    acknowledge_aged_rejections(User.objects.get(email=PERSONA_SUPPLIER))
    compact_status_counters()
    cookies = {
        email: session_cookie(User.objects.get(email=email))
        for email in (PERSONA_RECIPIENT, PERSONA_SUPPLIER)
    }
    pages = pages_to_measure(only)
    port = port or free_port()
    server_environ = dict(os.environ)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", str(int(REQUEST_TIMEOUT)), "--log-level", "warning"],
        cwd=BASE_DIR,
        env=server_environ,
    )  # fmt: skip
    started = time.perf_counter()
    print(
        f"Measuring {len(pages)} pages on {settings['NAME']} ({loaded:,} invoices): "
        f"{warmups} warm-ups + {requests} requests each, gunicorn pid {server.pid} port {port}",
        flush=True,
    )
    web_deposit = ""
    try:
        wait_ready(port, server)
        for round_ in range(warmups + requests):
            for page in pages:
                if page.errors:
                    continue
                cookie = cookies[page.persona] if page.persona else None
                try:
                    status, wall, queries, cpu = get(port, page.path, cookie)
                except (OSError, http.client.HTTPException) as exc:
                    page.errors.append(f"ERROR {exc}")
                    continue
                if status != 200:
                    page.errors.append(f"HTTP {status} on {page.path}")
                    continue
                if round_ >= warmups:
                    page.wall.append(wall)
                    page.queries.append(queries)
                    page.cpu.append(cpu)
            done = round_ + 1
            if done == warmups or (done > warmups and (done - warmups) % 5 == 0):
                print(
                    f"  {done - warmups if done > warmups else 'warm-ups'}"
                    f"{f'/{requests}' if done > warmups else ''} done "
                    f"({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
        if web_deposits:
            floor = next(page for page in pages if page.kind == "floor")
            web_deposit = measure_web_deposits(port, web_deposits, web_clients, floor.path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    deposit = web_deposit or None
    if deposits:
        try:
            deposit = deposit_rate(deposits)
        except Exception as exc:  # a broken deposit is reported, the table still printed
            import traceback

            traceback.print_exc()
            deposit = f"{web_deposit}\ndeposit: ERROR {exc}"
        else:
            deposit = f"{web_deposit}{deposit}"
    if lot_deposits:
        from bench.scale.lots import lot_rate

        try:
            deposit = f"{deposit or ''}{lot_rate(lot_deposits)}"
        except Exception as exc:  # reported, the table still printed
            import traceback

            traceback.print_exc()
            deposit = f"{deposit or ''}\nlot deposit: ERROR {exc}"
    print_table(pages, deposit)
    load = os.getloadavg()
    print(
        f"\n({loaded:,} invoices; {time.perf_counter() - started:.0f} s; {os.cpu_count()} CPUs, "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}: wall-clock figures grow with "
        "the machine's load, CPU time much less)"
    )
    return 0
