"""PDF deposits through the web form, over HTTP, on the scale benchmark's gunicorn (issue 10:
≥ 30 invoices/s).

One deposit is what a supplier's browser does, six requests on a keep-alive connection:

    POST emises/depot/fichier/            the PDF (multipart)         → 302 to the form
    GET  emises/depot/formulaire/?main=   the form, pre-filled        → 200
    POST emises/depot/formulaire/         "Valider et envoyer"        → 302 to the confirmation
    GET  emises/depot/confirmation/<key>/ the confirmation page       → 200
    POST emises/depot/formulaire/         "Confirmer et envoyer"      → 302 to the summary
    GET  emises/depot/<pk>/recapitulatif/ the summary                 → 200

`clients` threads, each with its own logged-in session of the supplier persona (the
confirmation is stashed in the session) and its own CSRF cookie, run `count` deposits in all
after one warm-up deposit each (each gunicorn worker starts its warm PDF reader then).
"""

from __future__ import annotations

import http.client
import re
import secrets
import string
import threading
import time
from urllib.parse import urlencode

TARGET_PER_SECOND = 30.0
STEPS = ("upload", "form", "validate", "confirmation", "confirm", "summary")
TIMEOUT = 120.0


class DepositFailed(Exception):
    pass


def _csrf_token() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _Client:
    def __init__(self, port: int, session_cookie: str, form: dict[str, str], pdf: bytes):
        self.port = port
        self.csrf = _csrf_token()
        self.cookie = f"{session_cookie}; csrftoken={self.csrf}"
        self.form = form
        self.pdf = pdf
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.timings: dict[str, list[float]] = {step: [] for step in STEPS}
        self.cpu: dict[str, list[float]] = {step: [] for step in STEPS}
        self.queries: dict[str, list[float]] = {step: [] for step in STEPS}

    def _request(self, step, method, path, body=None, content_type=None, expect=200):
        headers = {"Host": "127.0.0.1", "Cookie": self.cookie}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        self.timings[step].append((time.perf_counter() - started) * 1000)
        # The bench server's own figures (bench.scale.middleware): worker CPU and SQL.
        self.cpu[step].append(float(response.getheader("X-Bench-CPU-ms") or "nan"))
        self.queries[step].append(float(response.getheader("X-Bench-Queries") or "nan"))
        if response.status != expect:
            raise DepositFailed(
                f"{step}: HTTP {response.status} on {method} {path} "
                f"{response.getheader('Location') or content[:300]!r}"
            )
        return response.getheader("Location") or "", content

    def deposit(self, number: str) -> None:
        body, content_type = _multipart(
            {"csrfmiddlewaretoken": self.csrf}, "file", "facture.pdf", self.pdf
        )
        form_url, _ = self._request(
            "upload", "POST", "/factures/emises/depot/fichier/", body, content_type, 302
        )
        main = re.search(r"main=(\d+)", form_url)
        if main is None:
            raise DepositFailed(f"upload: redirected to {form_url}")
        self._request("form", "GET", form_url)
        fields = {
            **self.form,
            "number": number,
            "token": number,
            "main_attachment": main.group(1),
            "csrfmiddlewaretoken": self.csrf,
        }
        form_type = "application/x-www-form-urlencoded"
        confirmation_url, _ = self._request(
            "validate",
            "POST",
            "/factures/emises/depot/formulaire/",
            urlencode({**fields, "action": "validate"}),
            form_type,
            302,
        )
        if "/confirmation/" not in confirmation_url:
            raise DepositFailed(f"validate: redirected to {confirmation_url}")
        self._request("confirmation", "GET", confirmation_url)
        summary_url, _ = self._request(
            "confirm",
            "POST",
            "/factures/emises/depot/formulaire/",
            urlencode({**fields, "action": "confirm"}),
            form_type,
            302,
        )
        if "/recapitulatif/" not in summary_url:
            raise DepositFailed(f"confirm: redirected to {summary_url}")
        self._request("summary", "GET", summary_url)


def form_fields(supplier, recipient) -> dict[str, str]:
    """The deposit form's fields for a valid A1 PDF deposit, as the deposit tests post them."""
    from tests.invoicing.deposit.helpers import form_payload

    return form_payload(supplier, recipient)


def web_deposit_rate(port: int, sessions: list[str], supplier, recipient, pdf, count: int) -> str:
    """`count` deposits through the web form, over len(sessions) client threads."""
    form = form_fields(supplier, recipient)
    clients = [_Client(port, cookie, form, pdf) for cookie in sessions]
    errors: list[str] = []
    for client in clients:  # warm-up: imports, templates, each worker's PDF reader
        try:
            client.deposit(f"WW-{secrets.token_hex(6)}")
        except (DepositFailed, OSError, http.client.HTTPException) as exc:
            return f"\nweb deposit: ERROR {exc}"
        for figures in (client.timings, client.cpu, client.queries):
            for values in figures.values():
                values.clear()
    shares = [count // len(clients) + (i < count % len(clients)) for i in range(len(clients))]

    def run(client: _Client, share: int) -> None:
        for _ in range(share):
            try:
                client.deposit(f"WD-{secrets.token_hex(6)}")
            except (DepositFailed, OSError, http.client.HTTPException) as exc:
                errors.append(str(exc))
                return

    threads = [
        threading.Thread(target=run, args=(client, share))
        for client, share in zip(clients, shares, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    for client in clients:
        client.connection.close()
    done = sum(len(c.timings["summary"]) for c in clients)

    def p50(figures: str, step: str) -> float:
        return _median([v for c in clients for v in getattr(c, figures)[step]])

    steps = "\n  ".join(
        f"{step:<13} p50 {p50('timings', step):4.0f} ms, worker CPU p50 "
        f"{p50('cpu', step):5.1f} ms, {p50('queries', step):.0f} queries"
        for step in STEPS
    )
    cpu = sum(p50("cpu", step) for step in STEPS)
    verdict = "OK" if done / seconds >= TARGET_PER_SECOND and not errors else "MISSED"
    text = (
        f"\nweb deposit (6 requests: upload, form, validate, confirmation, confirm, summary; "
        f"gunicorn, {len(clients)} clients, N={done}): {done / seconds:.1f} invoices/s "
        f"(target ≥ {TARGET_PER_SECOND:.0f}/s: {verdict}); worker CPU per deposit "
        f"{cpu:.0f} ms (p50s added)\n  {steps}"
    )
    if errors:
        text += f"\n  {len(errors)} client(s) stopped: {errors[0]}"
    return text


def _median(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


FLOOR_LOAD_SECONDS = 10.0


def floor_load_rate(
    port: int, sessions: list[str], path: str, seconds: float = FLOOR_LOAD_SECONDS
) -> str:
    """The web deposit's ceiling on this machine: the same client threads send only the
    floor request (one primary-key read, logged in, a tiny template) for `seconds`; a
    deposit is six requests, each at least as costly as that."""
    counts = [0] * len(sessions)
    errors: list[str] = []
    stop = time.perf_counter() + seconds

    def run(index: int, cookie: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        headers = {"Host": "127.0.0.1", "Cookie": cookie}
        try:
            while time.perf_counter() < stop:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"HTTP {response.status} on {path}")
                    return
                counts[index] += 1
        except (OSError, http.client.HTTPException) as exc:
            errors.append(str(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, cookie)) for index, cookie in enumerate(sessions)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rate = sum(counts) / (time.perf_counter() - started)
    text = (
        f"\nfloor load (the floor request alone, {len(sessions)} clients, "
        f"{seconds:.0f} s): {rate:.0f} requests/s, so at most {rate / len(STEPS):.0f} "
        f"deposits/s of {len(STEPS)} requests on this machine"
    )
    if errors:
        text += f"\n  {len(errors)} client(s) stopped: {errors[0]}"
    return text
