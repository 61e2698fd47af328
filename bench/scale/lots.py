"""Deposits in lots on the loaded data set (issue 10: "deposits in the hundreds per second"):
the supplier persona deposits a flow of CII invoices, then one of Factur-X (PDF) invoices, to
a public recipient of the long tail, and one process integrates each (`flows.integration.integrate_flow`, which sends
through `invoicing.deposit.bulk.send_many`: the portal's checks of DOMAIN §5.4, one INSERT
per lot for the rows and one for their history, T4 after commit).

The lot is written and integrated as in `bench.flows`, which measures the same path on an
empty database; here the invoice table holds the national volume and its indexes. Not to the
State: thousands of invoices of one supplier on top of its newest rows would change what its
measured Received pages read from one run to the next (a supplier-name search walks past
them).
"""

from __future__ import annotations

LOT_RECIPIENT_ID = 3  # a public structure of the loader's long tail, with RECEIVED opened


def lot_rate(count: int) -> str:
    """A line per syntax: invoices/s of one process integrating a lot of `count` CII
    invoices, and of `count // 4` Factur-X ones (PDFs take longer to read)."""
    import shutil
    import tempfile

    from django.conf import settings

    from bench import flows
    from structures.models import Structure
    from tests.flows.helpers import facturx

    actor, supplier, _state, _pdf = _parties()
    recipient = Structure.objects.get(pk=LOT_RECIPIENT_ID)
    media_root = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-scale-lots-")
    try:
        # A worker that has been running: schemas compiled, caches filled.
        warm = {f"w{n}.xml": _xml(supplier, recipient, "CII") for n in range(20)}
        flows._integrate(actor, supplier, flows._lot(warm), "IN_DP_E1_CII_16B", "warm.zip")
        lines = []
        cii = {f"f{n}.xml": _xml(supplier, recipient, "CII") for n in range(count)}
        flow, elapsed, cpu, grown = flows._integrate(
            actor, supplier, flows._lot(cii), "IN_DP_E1_CII_16B", "lot.zip"
        )
        lines.append(_line("CII", count, flow, elapsed, cpu, grown))
        pdfs = {
            f"fx{n}.pdf": facturx(_xml(supplier, recipient, "CII"))
            for n in range(max(10, count // 4))
        }
        flow, elapsed, cpu, grown = flows._integrate(
            actor, supplier, flows._lot(pdfs), "IN_DP_E2_CII_FACTURX", "lot.zip"
        )
        lines.append(_line("Factur-X", len(pdfs), flow, elapsed, cpu, grown))
    finally:
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
        settings.MEDIA_ROOT = media_root
    return "".join(lines)


def _parties():
    from bench.scale.measure import deposit_parties

    return deposit_parties()


def _xml(supplier, recipient, syntax: str) -> bytes:
    import secrets

    from bench import flows

    return flows._xml(supplier, recipient, f"LOT-{secrets.token_hex(6)}", syntax)


def _line(kind: str, count: int, flow, elapsed: float, cpu: float, grown: float) -> str:
    from bench import flows

    return (
        f"\nlot deposit ({kind}, a flow of {count} integrated by one process, "
        f"send_many): {flows._rate(flow, elapsed, cpu, grown)}"
    )
