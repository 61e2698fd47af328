"""Drafts (BROUILLON): what is well-formed is kept, nothing else is checked; the lines and
the dossier of a draft; the token that makes a repeated click harmless."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from invoicing import workflow
from invoicing.deposit.uploads import (
    KIND_TO_DEPOSIT,
    dossier_attachments,
    main_attachment_for,
    stored_kind,
)
from invoicing.enums import (
    VALIDATION_FRAMES,
    DepositFormat,
    DepositMode,
    Frame,
    InvoiceStatus,
    frame_from_code,
)
from invoicing.errors import (
    IllegalTransition,
    InvoiceError,
    InvoiceValidationError,
    ReturnCode,
)
from invoicing.models import Attachment, Invoice, InvoiceLine, VatLine
from invoicing.rules import amounts, fields
from invoicing.rules import routing as routing_rules

S = InvoiceStatus
TOKEN_MAX = 64
# The deposit channel (§5.2): the portal's screens or the API (`soumettre`).
PORTAL, API = "PORTAIL", "API"
API_MODES = {
    DepositMode.DEPOT_PDF_PORTAIL: DepositMode.DEPOT_PDF_API,
    DepositMode.DEPOT_PDF_SIGNE_PORTAIL: DepositMode.DEPOT_PDF_SIGNE_API,
}


class AlreadySent(InvoiceError):
    """A repeated "Confirmer et envoyer": the invoice was sent by the first click."""

    code = ReturnCode.ILLEGAL_TRANSITION

    def __init__(self, invoice: Invoice):
        self.invoice = invoice
        super().__init__(_("Cette facture a déjà été envoyée."))


# --- Drafts ----------------------------------------------------------------------------

# The text fields a draft keeps, cut to the length their column allows.
TEXT_FIELDS = {
    name: fields.max_length(Invoice, name)
    for name in (
        "number",
        "invoice_type",
        "original_invoice_number",
        "currency",
        "vat_type",
        "vat_exemption_reason",
        "payment_mode",
        "engagement_number",
        "market_number",
        "global_discount_reason",
        "comment",
    )
}


AMOUNT_FIELDS = (
    "amount_ht",
    "amount_tva",
    "amount_ttc",
    "global_discount",
    "amount_to_pay",
)


def text(data: Mapping, name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _fill_draft(invoice: Invoice, data: Mapping, *, is_entry_mode: bool) -> None:
    """A draft may be incomplete: keep what is well-formed, check nothing else."""
    supplier = data.get("supplier")
    invoice.supplier = supplier
    service = data.get("supplier_service")
    invoice.supplier_service = service if service and service.structure_id == supplier.pk else None
    account = data.get("bank_account")
    invoice.bank_account = account if account and account.structure_id == supplier.pk else None
    invoice.frame = frame_from_code(text(data, "frame")) or Frame.A1
    for name, max_length in TEXT_FIELDS.items():
        value = text(data, name)
        if name == "currency":
            value = value.upper() or "EUR"
        setattr(invoice, name, value[:max_length])
    invoice.invoice_type = invoice.invoice_type or "FACTURE"
    invoice.vat_type = invoice.vat_type or "TVA_SUR_DEBIT"
    invoice.invoice_date = data.get("invoice_date") or None
    for name in AMOUNT_FIELDS:
        # The form bounds the amounts; a draft keeps 0 for one it could not store.
        value = fields.bounded_amount(data.get(name)) if data.get(name) not in (None, "") else None
        setattr(invoice, name, value if value is not None else Decimal("0"))
    if is_entry_mode:
        totals = amounts.compute_totals(complete_lines(data.get("lines")), invoice.global_discount)
        if not amounts.totals_in_bounds(totals):
            raise InvoiceValidationError(
                {"lines": [fields.amount_too_large_message()]}, {"lines": ReturnCode.AMOUNTS}
            )
        for name in ("amount_ht", "amount_tva", "amount_ttc"):
            setattr(invoice, name, totals[name])
        if data.get("amount_to_pay") in (None, ""):
            invoice.amount_to_pay = totals["amount_to_pay"]
    identifier = fields.normalise_identifier(data.get("recipient_identifier"))
    identifier = identifier[: fields.max_length(Invoice, "recipient_identifier")]
    code = text(data, "recipient_service_code")[
        : fields.max_length(Invoice, "recipient_service_code")
    ]
    recipient = routing_rules.find_recipient(identifier)
    if recipient is not None and recipient.pk == supplier.pk:
        recipient = None
    invoice.recipient = recipient
    invoice.recipient_identifier = identifier
    invoice.recipient_name = recipient.company_name if recipient else ""
    invoice.recipient_service_code = code
    invoice.recipient_service = routing_rules.find_service(recipient, code)
    invoice.validator = invoice.validator_service = None
    invoice.validator_identifier = invoice.validator_name = ""
    if invoice.frame in VALIDATION_FRAMES:
        identifier = fields.normalise_identifier(data.get("validator_identifier"))
        identifier = identifier[: fields.max_length(Invoice, "validator_identifier")]
        validator = routing_rules.find_active_structure(identifier)
        if validator is not None and validator.pk != supplier.pk:
            invoice.validator = validator
            invoice.validator_name = validator.company_name
            code = text(data, "validator_service_code")
            invoice.validator_service = routing_rules.find_service(validator, code)
        invoice.validator_identifier = identifier


def complete_lines(lines) -> list[dict]:
    """The lines of a draft that can be stored (the others are dropped)."""
    kept = []
    for line in lines or ():
        try:
            values = {
                "designation": str(line.get("designation") or "").strip()[
                    : fields.LINE_DESIGNATION_MAX
                ],
                "quantity": Decimal(str(line.get("quantity"))),
                "unit_price": Decimal(str(line.get("unit_price"))),
                "discount": Decimal(str(line.get("discount") or 0)),
                "vat_rate": Decimal(str(line.get("vat_rate"))).quantize(fields.CENT),
                "unit": str(line.get("unit") or "").strip()[
                    : fields.max_length(InvoiceLine, "unit")
                ],
                "reference": str(line.get("reference") or "").strip()[
                    : fields.max_length(InvoiceLine, "reference")
                ],
            }
        except ArithmeticError:
            continue
        if (
            values["designation"]
            and abs(values["vat_rate"]) < 1000
            and amounts.line_in_bounds(values)
        ):
            kept.append(values)
    return kept


def replace_lines(
    invoice: Invoice, lines: list[dict], vat_lines: list[dict], *, fresh: bool = False
) -> None:
    """`fresh`: the invoice was created in this transaction and has no line to delete."""
    if not fresh:
        invoice.lines.all().delete()
        invoice.vat_lines.all().delete()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            reference=line.get("reference", ""),
            designation=line["designation"],
            quantity=line["quantity"],
            unit=line.get("unit", ""),
            unit_price=line["unit_price"],
            discount=line.get("discount") or Decimal("0"),
            vat_rate=line["vat_rate"],
            amount_ht=amounts.line_amount(line),
        )
        for position, line in enumerate(lines, start=1)
    )
    VatLine.objects.bulk_create(
        VatLine(invoice=invoice, rate=v["rate"], base_ht=v["base_ht"], amount_tva=v["amount_tva"])
        for v in vat_lines
    )


def link_dossier(
    invoice: Invoice, main: Attachment | None, attachments: list[Attachment], *, fresh=False
) -> None:
    """Link the files; the draft's other complementary files lose their link (ATT-8).
    `fresh`: the invoice was created in this transaction, no file is linked to it yet
    (one UPDATE links them all)."""
    keep = [a.pk for a in attachments]
    if fresh:
        if main is not None:
            keep.append(main.pk)
            main.invoice = invoice
        Attachment.objects.filter(pk__in=keep).update(invoice=invoice)
        return
    Attachment.objects.filter(invoice=invoice, is_main=False).exclude(pk__in=keep).update(
        invoice=None
    )
    Attachment.objects.filter(pk__in=keep).update(invoice=invoice)
    if main is not None and main.invoice_id != invoice.pk:
        Attachment.objects.filter(invoice=invoice, is_main=True).exclude(pk=main.pk).update(
            invoice=None
        )
        Attachment.objects.filter(pk=main.pk).update(invoice=invoice)
        main.invoice = invoice


def lock_draft(draft: Invoice) -> Invoice:
    locked = (
        Invoice.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=draft.pk)
    )
    if locked.status != S.BROUILLON:
        raise AlreadySent(locked)
    return locked


def set_deposit_mode(
    invoice: Invoice, main: Attachment | None, *, is_entry_mode: bool, channel: str = PORTAL
) -> None:
    """§5.2 and §10.4: the mode follows the channel and the detected format."""
    if is_entry_mode:
        invoice.deposit_format = ""
        invoice.deposit_mode = (
            DepositMode.SAISIE_API if channel == API else DepositMode.SAISIE_PORTAIL
        )
        return
    kind = stored_kind(main) if main is not None else None
    if kind in KIND_TO_DEPOSIT:
        invoice.deposit_mode, invoice.deposit_format = KIND_TO_DEPOSIT[kind]
    else:
        invoice.deposit_mode = DepositMode.DEPOT_PDF_PORTAIL
        invoice.deposit_format = DepositFormat.PDF_NON_SIGNE
    if channel == API:
        invoice.deposit_mode = API_MODES.get(invoice.deposit_mode, DepositMode.UPLOAD_API)


@transaction.atomic
def save_draft(
    data: Mapping[str, Any],
    *,
    actor,
    draft: Invoice | None = None,
    main_attachment_id=None,
    attachment_ids: Iterable = (),
    is_entry_mode: bool = False,
    token: str = "",
) -> Invoice:
    """The "Enregistrer le brouillon" button: T1 for a new invoice, a plain save of an
    existing draft (only drafts are editable). Nothing is checked but the right to deposit
    (INV-1). A second click on a new form (same `token`) saves the draft the first made."""
    supplier = data.get("supplier")
    routing_rules.check_supplier(supplier, actor=actor)
    if draft is None:
        earlier = sent_with_token(actor, token)
        if earlier is not None:
            if earlier.status != S.BROUILLON:
                raise AlreadySent(earlier)
            draft = earlier
    invoice = lock_draft(draft) if draft is not None else Invoice()
    if invoice.pk and invoice.supplier_id != supplier.pk:
        routing_rules.check_supplier(invoice.supplier, actor=actor)
    main = None
    if not is_entry_mode:
        main = main_attachment_for(actor, main_attachment_id, draft=invoice, lock=True)
    attachments = dossier_attachments(actor, attachment_ids, draft=invoice, lock=True)
    _fill_draft(invoice, data, is_entry_mode=is_entry_mode)
    set_deposit_mode(invoice, main, is_entry_mode=is_entry_mode)
    if invoice.pk is None:
        invoice.deposit_token = clean_token(token)
        try:
            with transaction.atomic():
                workflow.save_draft(invoice, actor=actor)
        except IntegrityError as exc:
            earlier = sent_with_token(actor, token) if is_token_conflict(exc) else None
            if earlier is None:
                raise
            # A simultaneous click of the same form made the draft first: save onto it.
            return save_draft(
                data,
                actor=actor,
                draft=earlier,
                main_attachment_id=main_attachment_id,
                attachment_ids=attachment_ids,
                is_entry_mode=is_entry_mode,
                token=token,
            )
    else:
        invoice.save()
    link_dossier(invoice, main, attachments)
    if is_entry_mode:
        lines = complete_lines(data.get("lines"))
        replace_lines(invoice, lines, amounts.compute_totals(lines)["vat_lines"])
    return invoice


@transaction.atomic
def delete_draft(invoice: Invoice, *, actor) -> None:
    """DEP-2: drafts can be deleted, sent invoices cannot. The files lose their link and
    are purged later (ATT-7)."""
    locked = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    if locked.status != S.BROUILLON:
        raise IllegalTransition(_("Seul un brouillon peut être supprimé."))
    routing_rules.check_supplier(locked.supplier, actor=actor)
    Attachment.objects.filter(invoice=locked).update(invoice=None)
    locked.delete()


# --- The idempotency token of "Enregistrer" / "Confirmer et envoyer" -------------------
# Issue 9: kept on the invoice row (it lived in the cache, which misses while Redis is down),
# unique per user: simultaneous first clicks meet at the constraint, and the losers find the
# row the winner made.

UNIQUE_FORM_CONSTRAINT = "invoice_deposit_token_unique_per_user"


def clean_token(token) -> str:
    token = str(token or "").strip()
    return token if len(token) <= TOKEN_MAX and token.isprintable() else ""


def sent_with_token(actor, token: str) -> Invoice | None:
    """The invoice (draft or sent) made from the form carrying `token`, if any."""
    token = clean_token(token)
    if not token or not getattr(actor, "is_authenticated", False):
        return None
    # Only what the callers look at first (the other columns load if ever read): the
    # whole row cost a millisecond of CPU on every send (issue 10).
    return (
        Invoice.objects.filter(created_by=actor, deposit_token=token)
        .only("pk", "status", "supplier_id", "created_by_id", "deposit_token")
        .first()
    )


def is_token_conflict(exc: IntegrityError) -> bool:
    return UNIQUE_FORM_CONSTRAINT in str(exc) or "invoicing_invoice.deposit_token" in str(exc)
