"""Demo invoices (called by `manage.py seed_demo` after `demo.structures`; idempotent, keyed
by (supplier, number): an invoice that exists is left alone).

Every status of the phase-1 life cycle is reached by driving `invoicing.workflow` with the
demo users as actors, so each history is real (authors, reasons, transient statuses such as
DEPOSEE, VALIDEE_1 and ABSENCE_VALIDATION_1_HORS_DELAI). The invoice PDF is the one the
platform issues in entry mode (`invoice_pdf.render_invoice_pdf`), stored as main file.

Dates: each scenario happened over the past weeks. The workflow stamps "now"; once an
invoice is built, its timestamps (history, deposit, status change, files) are moved back to
the scenario's days. This is the only place that rewrites history rows, and only for rows
it has just created.

The scenarios themselves are data, in `demo.invoice_scenarios`.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from commitments import rules as commitment_rules
from commitments.models import CommitmentInvoice
from demo import commitments as commitments_demo
from demo.invoice_scenarios import SCENARIOS, Scenario, Step
from demo.structures import (
    DOMAIN,
)
from invoicing import workflow
from invoicing.documents.attachments import store_attachment
from invoicing.documents.files import sha256_of_paths
from invoicing.documents.invoice_pdf import invoice_filename, render_invoice_pdf
from invoicing.enums import DepositMode, Frame, InvoiceStatus, PaymentMode, VatType
from invoicing.models import (
    Attachment,
    Invoice,
    InvoiceLine,
    StatusEvent,
    VatLine,
    payment_due_date,
)
from structures.enums import IdentifierType
from structures.models import Service, Structure

S = InvoiceStatus


CENT = Decimal("0.01")


# --- Building one invoice --------------------------------------------------------------


class _Cache:
    def __init__(self):
        self.structures: dict[str, Structure] = {}
        self.users: dict[str, object] = {}

    def structure(self, siret: str) -> Structure:
        if siret not in self.structures:
            self.structures[siret] = Structure.objects.get(
                identifier_type=IdentifierType.SIRET, identifier=siret, is_active=True
            )
        return self.structures[siret]

    def user(self, login: str | None):
        if login is None:
            return None
        if login not in self.users:
            self.users[login] = get_user_model().objects.get(email=f"{login}@{DOMAIN}")
        return self.users[login]


def _routing(recipient: Structure, service: Service | None) -> dict:
    return {
        "recipient": recipient,
        "recipient_service": service,
        "recipient_identifier": recipient.identifier,
        "recipient_name": recipient.company_name,
        "recipient_address": "\n".join((service or recipient).address_lines)
        or "\n".join(recipient.address_lines),
        "recipient_service_code": service.code if service else "",
        "recipient_service_name": service.name if service else "",
    }


def _amounts(lines) -> tuple[list[dict], list[dict], Decimal, Decimal]:
    rows, by_rate = [], {}
    for designation, quantity, unit_price, rate in lines:
        amount = (Decimal(quantity) * Decimal(unit_price)).quantize(CENT)
        rows.append(
            {
                "designation": designation,
                "quantity": Decimal(quantity),
                "unit_price": Decimal(unit_price),
                "vat_rate": Decimal(rate),
                "amount_ht": amount,
            }
        )
        by_rate[Decimal(rate)] = by_rate.get(Decimal(rate), Decimal("0")) + amount
    vat_rows = [
        {
            "rate": rate,
            "base_ht": base,
            "amount_tva": (base * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP),
        }
        for rate, base in sorted(by_rate.items())
    ]
    total_ht = sum((row["amount_ht"] for row in rows), Decimal("0"))
    total_tva = sum((row["amount_tva"] for row in vat_rows), Decimal("0"))
    return rows, vat_rows, total_ht, total_tva


def _new_invoice(scenario: Scenario, cache: _Cache, start: datetime.datetime) -> Invoice:
    supplier = cache.structure(scenario.supplier)
    recipient = cache.structure(scenario.recipient)
    service = (
        Service.objects.get(structure=recipient, code=scenario.service)
        if scenario.service
        else None
    )
    validator = cache.structure(scenario.validator) if scenario.validator else None
    bank = supplier.bank_accounts.filter(is_active=True).order_by("id").first()
    rows, vat_rows, total_ht, total_tva = _amounts(scenario.lines)
    total_ttc = total_ht + total_tva
    invoice = Invoice(
        supplier=supplier,
        bank_account=bank,
        validator=validator,
        frame=scenario.frame,
        number=scenario.number,
        invoice_date=(start - datetime.timedelta(days=1)).date(),
        vat_type=VatType.TVA_SUR_DEBIT,
        payment_mode=PaymentMode.VIREMENT,
        engagement_number=scenario.engagement,
        market_number=scenario.market,
        amount_ht=total_ht,
        amount_tva=total_tva,
        amount_ttc=total_ttc,
        amount_to_pay=Decimal("0") if scenario.frame == Frame.A2 else total_ttc,
        comment=scenario.comment,
        deposit_mode=DepositMode.SAISIE_PORTAIL,
        supplier_identifier=supplier.identifier,
        supplier_identifier_type=supplier.identifier_type,
        supplier_name=supplier.company_name,
        supplier_address="\n".join(supplier.address_lines),
        supplier_vat_number=supplier.vat_number,
        supplier_iban=bank.iban if bank else "",
        validator_identifier=validator.identifier if validator else "",
        validator_name=validator.company_name if validator else "",
        **_routing(recipient, service),
    )
    return invoice


def _save_lines(invoice: Invoice, scenario: Scenario) -> None:
    rows, vat_rows, _ht, _tva = _amounts(scenario.lines)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=position, unit="U", **row)
        for position, row in enumerate(rows, start=1)
    )
    VatLine.objects.bulk_create(VatLine(invoice=invoice, **row) for row in vat_rows)


def _store_pdf(invoice: Invoice, actor) -> None:
    """The invoice PDF the platform issues for an entered invoice, and the dossier's
    fingerprint written with it (as `invoice_pdf.store_entry_invoice_pdf` does)."""
    name = invoice_filename(invoice)
    main = store_attachment(
        ContentFile(render_invoice_pdf(invoice), name=name),
        subdir="invoices/demo",
        invoice=invoice,
        actor=actor,
        content_type="application/pdf",
        is_main=True,
        name=name,
        designation="Facture",
    )
    invoice.dossier_sha256 = sha256_of_paths([main.path])
    invoice.save(update_fields=["dossier_sha256", "updated_at"])


def _advance_chain(invoice: Invoice, targets, actor) -> None:
    for target in targets:
        mandate = f"MDT-{invoice.number[-3:]}" if target == S.MANDATEE else ""
        workflow.advance(invoice, target, actor=actor, mandate_number=mandate)


def _run(step: Step, invoice: Invoice, cache: _Cache, scenario: Scenario) -> Invoice:
    actor = cache.user(step.actor)
    args = step.args
    if step.action == "draft":
        workflow.save_draft(invoice, actor=actor)
        _save_lines(invoice, scenario)
    elif step.action == "submit":
        invoice = workflow.submit(invoice, actor=actor)
        _save_lines(invoice, scenario)
        _store_pdf(invoice, actor)
        commitment_rules.link_invoice(invoice)
        # The after-commit tasks (T4, T8) run here at once: the seed is one transaction.
        workflow.make_available(invoice)
    elif step.action == "take":
        workflow.take_into_account(invoice, actor=actor)
    elif step.action == "suspend":
        workflow.suspend(invoice, actor=actor, reason=args["reason"])
    elif step.action == "acknowledge":
        workflow.acknowledge(invoice, actor=actor)
    elif step.action == "complete":
        workflow.complete(invoice, actor=actor, comment=args["comment"], has_new_attachment=False)
    elif step.action == "to_recycle":
        workflow.send_to_recycle(invoice, actor=actor, reason=args["reason"])
    elif step.action == "recycle":
        recipient = cache.structure(args["recipient"])
        workflow.recycle(invoice, actor=actor, routing=_routing(recipient, None))
        commitment_rules.link_invoice(invoice)
        workflow.make_available(invoice)
    elif step.action == "reject":
        workflow.reject(invoice, actor=actor, reason=args["reason"])
    elif step.action == "process_rejection":
        workflow.process_rejection(invoice, actor=actor)
    elif step.action == "advance":
        _advance_chain(invoice, args["to"], actor)
    elif step.action == "validate":
        workflow.validate(invoice, actor=actor, message=args["message"])
        workflow.forward_after_validation(invoice)
        workflow.make_available(invoice)
    elif step.action == "refuse":
        workflow.refuse(invoice, actor=actor, reason=args["reason"])
    elif step.action == "expire":
        workflow.expire_validation(invoice)
        workflow.make_available(invoice)
    else:  # pragma: no cover - a typo in the table above
        raise ValueError(step.action)
    invoice.refresh_from_db()
    return invoice


DEPOSIT_TRANSITIONS = {"T2", "T3", "T16", "T18"}


def _backdate(invoice: Invoice, stamps: dict[int, datetime.datetime]) -> None:
    """Move the rows just written back to the scenario's days (see the module docstring)."""
    for event_id, when in stamps.items():
        StatusEvent.objects.filter(pk=event_id).update(created_at=when)
    events = list(StatusEvent.objects.filter(invoice=invoice).order_by("created_at", "id"))
    deposits = [e.created_at for e in events if e.transition in DEPOSIT_TRANSITIONS]
    changes = [e.created_at for e in events if e.transition]
    acknowledgements = [e.created_at for e in events if e.action.startswith("ACQUITTEMENT")]
    first = events[0].created_at
    updates = {
        "created_at": first - datetime.timedelta(hours=1),
        "status_changed_at": changes[-1] if changes else first,
    }
    if deposits:
        updates["deposited_at"] = deposits[-1]
        if invoice.recipient_id:  # the stored due date follows the deposit date (§5.10)
            updates["due_date"] = payment_due_date(
                deposits[-1], invoice.recipient.payment_delay_days
            )
    if invoice.acknowledged_at is not None and acknowledgements:
        updates["acknowledged_at"] = acknowledgements[-1]
    Invoice.objects.filter(pk=invoice.pk).update(**updates)
    when = deposits[0] if deposits else first
    Attachment.objects.filter(invoice=invoice).update(created_at=when)
    CommitmentInvoice.objects.filter(invoice=invoice).update(
        linked_at=deposits[-1] if deposits else when
    )


def build(scenario: Scenario, cache: _Cache, now: datetime.datetime) -> Invoice:
    start = now - datetime.timedelta(days=scenario.days_ago)
    invoice = _new_invoice(scenario, cache, start)
    stamps: dict[int, datetime.datetime] = {}
    last_event = StatusEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for step in scenario.steps:
        invoice = _run(step, invoice, cache, scenario)
        new_ids = list(
            StatusEvent.objects.filter(invoice=invoice, id__gt=last_event)
            .order_by("id")
            .values_list("id", flat=True)
        )
        at = min(start + datetime.timedelta(days=step.day), now - datetime.timedelta(minutes=5))
        for offset, event_id in enumerate(new_ids):
            stamps[event_id] = at + datetime.timedelta(minutes=offset)
        if new_ids:
            last_event = new_ids[-1]
    _backdate(invoice, stamps)
    return invoice


def seed(stdout) -> None:
    commitments_demo.ensure_commitments()
    cache = _Cache()
    now = timezone.now().replace(second=0, microsecond=0)
    created = []
    for scenario in SCENARIOS:
        supplier = cache.structure(scenario.supplier)
        if Invoice.objects.filter(supplier=supplier, number=scenario.number).exists():
            continue
        created.append(build(scenario, cache, now))
    stdout.write(f"Invoices: {len(created)} created, {len(SCENARIOS)} demo scenarios.")
    for invoice in created:
        invoice.refresh_from_db()
        stdout.write(f"  {invoice.number} ({invoice.supplier_name}): {invoice.status}")
