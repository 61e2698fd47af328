"""(d) The Chorus Pro API under gunicorn (issue 12), side by side with a floor endpoint.

A gunicorn server (127.0.0.1, `BENCH_API_PORT` or a free port, `BENCH_API_WORKERS` workers) serves the
portal plus `cpro/bench/floor/` (one indexed read, no authentication, through the same
short way past the page middleware as the API, api/middleware.py). 8 client threads with
keep-alive connections then run each scenario for a few seconds:

    floor                      GET cpro/bench/floor/
    tokens                     POST /api/oauth/token (client credentials)
    consulter/fournisseur      one invoice in full
    rechercher/fournisseur     a page of 10 invoices
    soumettre                  SAISIE_API deposits (PDF and certificate rendered)

The database is `BENCH_API_DATABASE_URL` (PostgreSQL recommended, e.g.
postgres://postgres@127.0.0.1:5432/bench_api; it is migrated and filled), else a temporary
SQLite file. Targets: soumettre ≥ 300/s, consulter/rechercher ≥ 1,000 req/s and ≤ 2× the
floor's latency, tokens ≥ 500/s.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.upload import START_TIMEOUT, free_port

CLIENTS = 8
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "5"))
SECRET = "bench-client-secret-0123456789"  # noqa: S105 - a throw-away bench database
PASSWORD = "Bench-Technical-Password-2026"  # noqa: S105


def _prepare(env: dict) -> dict:
    """Migrate the bench database and create its data, in a child process (the server's
    settings, not the test settings of `python -m bench`)."""
    script = r"""
import json, django, datetime
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from api import services
from api.enums import Environment, UsageType
from api.models import Connection
from invoicing.enums import InvoiceStatus
from invoicing.models import Invoice
from portal.areas import AreaCode
from structures import access
from structures.enums import Role, StructureKind
from structures.models import Membership, Structure
from accounts.models import User
supplier, _ = Structure.objects.get_or_create(identifier="90100001800019", defaults=dict(company_name="Bench Fournisseur", kind=StructureKind.PRIVEE, billing_mandate_accepted_at=timezone.now()))
public, _ = Structure.objects.get_or_create(identifier="11000201100044", defaults=dict(company_name="Bench Etat", kind=StructureKind.PUBLIQUE))
access.open_area(public, AreaCode.RECEIVED, actor=None)
access.open_area(supplier, AreaCode.CONNECTIONS, actor=None)
manager, _ = User.objects.get_or_create(email="bench@example.test")
Membership.objects.get_or_create(user=manager, structure=supplier, defaults={"role": Role.MAIN_MANAGER})
connection = Connection.objects.filter(name="APP_BENCH").first()
if connection is None:
    connection, _s = services.declare_connection(supplier, actor=manager, name="APP_BENCH", environment=Environment.QUALIFICATION, usage=UsageType.DIRECT, contact_name="Bench", contact_email="bench@example.test", client_secret=SECRET)
account = services.active_account_of(supplier) or services.create_technical_account(supplier, actor=manager)[0]
account.user.set_password(PASSWORD); account.user.save()
if Invoice.objects.filter(supplier=supplier).count() < 200:
    Invoice.objects.bulk_create([Invoice(supplier=supplier, recipient=public, frame="A1_FACTURE_FOURNISSEUR", status=InvoiceStatus.MISE_A_DISPOSITION, number=f"BENCH-{n:05d}", invoice_date=datetime.date(2025, 1, 1), invoice_year=2025, invoice_type="FACTURE", vat_type="TVA_SUR_DEBIT", payment_mode="VIREMENT", amount_ht=100, amount_tva=20, amount_ttc=120, amount_to_pay=120, supplier_identifier=supplier.identifier, supplier_name=supplier.company_name, recipient_identifier=public.identifier, recipient_name=public.company_name, deposited_at=timezone.now(), status_changed_at=timezone.now()) for n in range(200)])
print(json.dumps({"client_id": connection.application.client_id, "login": account.user.email, "supplier": supplier.pk, "public": public.identifier, "invoice": Invoice.objects.filter(supplier=supplier).order_by("pk").values_list("pk", flat=True).first()}))
"""
    script = f"SECRET = {SECRET!r}\nPASSWORD = {PASSWORD!r}\n" + script
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, env: dict, workers: int):
        self.port = int(os.environ.get("BENCH_API_PORT") or 0) or free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--log-level",
                "warning",
            ],
            env=env,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/cpro/bench/floor/")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the API server did not start")

    def worker_cpu(self) -> float:
        """CPU seconds (user + system) the server's worker processes have used so far (Linux
        /proc; 0 elsewhere)."""
        total = 0.0
        try:
            pid = self.process.pid
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            for child in children:
                fields = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError):
            return 0.0
        return total

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _load(port: int, make_request, seconds: float = SECONDS) -> dict:
    """CLIENTS threads, keep-alive, for `seconds`: requests/s, median and p95 latency."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, counter = [], 0
        while time.monotonic() < stop_at:
            method, path, body, headers = make_request(index, counter)
            counter += 1
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - started)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "median_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)] if latencies else float("nan"),
        "errors": errors[0],
        "count": len(latencies),
    }


def run() -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    env = {k: v for k, v in os.environ.items() if k != "TESTING"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=os.environ.get(
            "BENCH_API_DATABASE_URL", f"sqlite:///{workdir / 'db.sqlite3'}"
        ),
        SECRET_KEY="bench-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=str(workdir / "media"),
        VAR_DIR=str(workdir),
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="60",
    )
    data = _prepare(env)
    server = Server(env, int(os.environ.get("BENCH_API_WORKERS", str(os.cpu_count() or 2))))
    try:
        return _scenarios(server.port, data, server.worker_cpu)
    finally:
        server.stop()


def _token(port: int, client_id: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": SECRET}
    )
    conn.request(
        "POST",
        "/api/oauth/token",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return json.loads(conn.getresponse().read())["access_token"]


def _scenarios(port: int, data: dict, worker_cpu=lambda: 0.0) -> list[dict]:
    token = _token(port, data["client_id"])
    account = base64.b64encode(f"{data['login']}:{PASSWORD}".encode()).decode()
    headers = {
        "Authorization": f"Bearer {token}",
        "cpro-account": account,
        "Content-Type": "application/json",
    }
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    token_body = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": data["client_id"],
            "client_secret": SECRET,
        }
    )
    consult = json.dumps({"identifiantFactureCPP": data["invoice"]})
    search = json.dumps({"rechercheFactureParFournisseur": {"nbResultatsParPage": 10}})
    run_id = int(time.time())
    numbers = itertools.count()  # unique across the warm-up and the measured window

    def submit(index: int, counter: int):
        body = {
            "modeDepot": "SAISIE_API",
            "numeroFactureSaisi": f"B{run_id % 10**6}-{next(numbers)}",
            "destinataire": {"codeDestinataire": data["public"]},
            "fournisseur": {"idFournisseur": data["supplier"]},
            "cadreDeFacturation": {"codeCadreFacturation": "A1_FACTURE_FOURNISSEUR"},
            "references": {
                "typeFacture": "FACTURE",
                "typeTva": "TVA_SUR_DEBIT",
                "modePaiement": "VIREMENT",
            },
            "lignePoste": [
                {
                    "lignePosteDenomination": "Bench",
                    "lignePosteQuantite": 1,
                    "lignePosteMontantUnitaireHT": 100,
                    "lignePosteTauxTva": "TVA20",
                }
            ],
            "montantTotal": {
                "montantHtTotal": 100,
                "montantTVA": 20,
                "montantTtcTotal": 120,
                "montantAPayer": 120,
            },
        }
        return "POST", "/cpro/factures/v1/soumettre", json.dumps(body), headers

    figures = {}
    scenarios = (
        ("floor", lambda i, c: ("GET", "/cpro/bench/floor/", None, {})),
        ("tokens", lambda i, c: ("POST", "/api/oauth/token", token_body, form)),
        (
            "consulter/fournisseur",
            lambda i, c: ("POST", "/cpro/factures/v1/consulter/fournisseur", consult, headers),
        ),
        (
            "rechercher/fournisseur",
            lambda i, c: ("POST", "/cpro/factures/v1/rechercher/fournisseur", search, headers),
        ),
        ("soumettre", submit),
    )
    for name, make in scenarios:
        # Warm-up: each worker pays the first PBKDF2 checks (then cached) and opens its
        # database connection before the measured window.
        _load(port, make, seconds=min(3.0, SECONDS))
        cpu = worker_cpu()
        figures[name] = _load(port, make)
        figures[name]["cpu_ms"] = 1000 * (worker_cpu() - cpu) / max(figures[name]["count"], 1)
    floor = figures["floor"]["median_ms"]
    targets = {
        "tokens": 500,
        "consulter/fournisseur": 1000,
        "rechercher/fournisseur": 1000,
        "soumettre": 300,
    }
    rows = []
    for name, figure in figures.items():
        ratio = figure["median_ms"] / floor if floor else float("nan")
        target = targets.get(name)
        ok = None
        if target:
            ok = figure["rps"] >= target and (
                name not in ("consulter/fournisseur", "rechercher/fournisseur") or ratio <= 2
            )
        rows.append(
            {
                "name": f"api {name}",
                "target": f"≥ {target}/s"
                + (", ≤ 2× floor" if "/" in name and name != "soumettre" else "")
                if target
                else "(floor)",
                "figure": f"{figure['rps']:.0f}/s, median {figure['median_ms']:.1f} ms (×{ratio:.1f} floor), p95 {figure['p95_ms']:.1f} ms, {figure['errors']} errors / {figure['count']}, workers' CPU {figure['cpu_ms']:.2f} ms/req",
                "ok": ok,
            }
        )
    return rows
