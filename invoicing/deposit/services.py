"""The supplier's deposit use cases (DOMAIN §5.2-§5.5, DEP-1..DEP-4, seeds 001, 002, 004);
the files are in `uploads`, the drafts in `drafts`.

    send_invoice(data, actor=, draft=, ...)    "Confirmer et envoyer": checks, snapshot,
                                               T2/T3, dossier fingerprint, certificate

`data` is the deposit form's cleaned data (see `invoicing.rules.checks.check_invoice`), with
`supplier` (a Structure) and, in entry mode, `lines`. Every function runs in one
transaction; a double click on "Confirmer et envoyer" creates one invoice (the draft row
lock, the main file's link, the form's idempotency token, and INV-5's unique constraint as
the last line of defence).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commitments import rules as commitment_rules
from invoicing import steps, tasks, workflow
from invoicing.deposit.drafts import (
    API,
    PORTAL,
    AlreadySent,
    clean_token,
    complete_lines,
    is_token_conflict,
    link_dossier,
    lock_draft,
    replace_lines,
    sent_with_token,
    set_deposit_mode,
    text,
)
from invoicing.deposit.uploads import (
    dossier_attachments,
    field_error,
    main_attachment_for,
    media_path,
    used_main_file,
)
from invoicing.documents import invoice_pdf
from invoicing.documents.attachments import dossier_size
from invoicing.documents.certificate import store_certificate
from invoicing.documents.files import (
    MAX_DOSSIER_SIZE,
    sha256_of_paths,
)
from invoicing.enums import (
    ENTRY_MODES,
    InvoiceStatus,
)
from invoicing.errors import (
    InvoiceValidationError,
    NotFound,
    ReturnCode,
)
from invoicing.models import Attachment, Invoice
from invoicing.parties import recipient_snapshot
from invoicing.rules import amounts, checks, fields
from invoicing.rules import routing as routing_rules
from structures.models import Structure

S = InvoiceStatus


def with_entry_totals(data: Mapping[str, Any], *, keep_given: bool = False) -> dict[str, Any]:
    """Entry mode: the VAT recap and totals are computed by the portal (INV-7). An API
    client sends its own totals (`keep_given`): they are kept, and checked against the
    lines by INV-7 rather than replaced."""
    data = dict(data)
    lines = complete_lines(data.get("lines"))
    totals = amounts.compute_totals(lines, data.get("global_discount") or 0)
    for name in ("amount_ht", "amount_tva", "amount_ttc"):
        if not (keep_given and data.get(name) not in (None, "")):
            data[name] = totals[name]
    data.setdefault("vat_lines", totals["vat_lines"])
    if data.get("amount_to_pay") in (None, ""):
        data["amount_to_pay"] = totals["amount_to_pay"]
    return data


def validate_deposit(
    data: Mapping[str, Any],
    *,
    actor,
    draft: Invoice | None = None,
    main_attachment_id=None,
    attachment_ids: Iterable = (),
    is_entry_mode: bool = False,
    channel: str = PORTAL,
    main: Attachment | None = None,
    attachments: list[Attachment] | None = None,
) -> checks.CheckedDeposit:
    """The "Valider et envoyer" button: every check, nothing written (the confirmation
    page follows). `main`: the main file `main_attachment_id` names, when the caller has
    already read (and locked) it; `attachments`: likewise the complementary files (a
    flow's, not yet written: `invoicing.deposit.bulk`)."""
    if is_entry_mode:
        data = with_entry_totals(data, keep_given=channel == API)
    errors = fields.FieldErrors()
    if main is None:
        main = main_attachment_for(actor, main_attachment_id, draft=draft)
    if not is_entry_mode and main is None:
        errors.add("file", _("Déposez d'abord la facture (fichier PDF ou XML)."))
    try:
        if attachments is None:
            attachments = dossier_attachments(actor, attachment_ids, draft=draft)
        if dossier_size([main, *attachments]) > MAX_DOSSIER_SIZE:
            errors.add("attachments", _dossier_too_large(), ReturnCode.TOO_LARGE)
    except InvoiceValidationError as exc:
        errors.merge(exc)
    deposit = None
    try:
        deposit = checks.check_deposit(
            data,
            actor=actor,
            supplier=data.get("supplier"),
            is_entry_mode=is_entry_mode,
            exclude_pk=draft.pk if draft is not None else None,
        )
    except InvoiceValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    return deposit


def _dossier_too_large() -> str:
    return _(
        "Le dossier de facturation (facture et pièces jointes) dépasse la taille maximale de 120 Mo."
    )


def _is_number_conflict(exc: IntegrityError) -> bool:
    text = str(exc)
    return "invoice_number_unique_per_supplier_year" in text or "invoicing_invoice.number" in text


def _snapshot(invoice: Invoice, deposit: checks.CheckedDeposit, supplier: Structure) -> None:
    """ARCHITECTURE rule 6: the parties' identity as it is at deposit."""
    checked, routing = deposit.invoice, deposit.routing
    invoice.supplier = supplier
    invoice.supplier_service = checked.supplier_service
    invoice.bank_account = checked.bank_account
    invoice.supplier_identifier = supplier.identifier
    invoice.supplier_identifier_type = supplier.identifier_type
    invoice.supplier_name = supplier.company_name
    invoice.supplier_address = "\n".join(supplier.address_lines)
    invoice.supplier_vat_number = supplier.vat_number
    invoice.supplier_iban = checked.bank_account.iban if checked.bank_account else ""
    for name, value in recipient_snapshot(routing.recipient, routing.recipient_service).items():
        setattr(invoice, name, value)
    invoice.validator = checked.validator
    invoice.validator_service = checked.validator_service
    invoice.validator_identifier = checked.validator.identifier if checked.validator else ""
    invoice.validator_name = checked.validator.company_name if checked.validator else ""


def _fill_sent(invoice: Invoice, data: Mapping, deposit: checks.CheckedDeposit) -> None:
    checked = deposit.invoice
    invoice.frame = checked.frame
    for name, value in checked.values.items():
        setattr(invoice, name, value)
    invoice.engagement_number = text(data, "engagement_number")
    invoice.status_comment = ""


def _schedule_generated_pdf(invoice: Invoice, *, fresh: bool) -> None:
    """Entry mode: the platform issues the invoice PDF (MAN-1) as main file, in a Celery
    task after commit (in-process when there is no broker; the periodic sweep catches up
    after a broker outage); a main file left from a draft is unlinked now (`fresh`: the
    invoice was created in this transaction, no file is linked to it)."""
    if not fresh:
        Attachment.objects.filter(invoice=invoice, is_main=True).update(invoice=None)
    steps.after_commit(tasks.render_entry_invoice_pdf, invoice.pk)


def send_invoice(
    data: Mapping[str, Any],
    *,
    actor,
    draft: Invoice | None = None,
    main_attachment_id=None,
    attachment_ids: Iterable = (),
    is_entry_mode: bool = False,
    token: str = "",
    channel: str = PORTAL,
    deposit_mode: tuple[str, str] | None = None,
) -> Invoice:
    """The "Confirmer et envoyer" button (DEP-2): every check of §5.4, the snapshot, T2 (DEPOSEE, then
    MISE_A_DISPOSITION after commit) or T3 (A_VALIDER_1), the dossier fingerprint and the EJ
    link, in one transaction (the deposit certificate is made on its first download).
    `deposit_mode`: (mode, format) when the caller knows them (a flow), instead of the
    detection of the stored main file.

    Raises InvoiceValidationError (nothing saved) or AlreadySent (a repeated click).
    """
    kwargs = {
        "actor": actor,
        "draft": draft,
        "main_attachment_id": main_attachment_id,
        "attachment_ids": attachment_ids,
        "is_entry_mode": is_entry_mode,
        "token": token,
        "channel": channel,
        "deposit_mode": deposit_mode,
    }
    try:
        # One block, no savepoint inside it (issue 10): a refused INSERT rolls the whole
        # block back, and the conflict is looked at afterwards.
        with transaction.atomic():
            return _send(data, **kwargs)
    except InvoiceValidationError as exc:
        # A simultaneous click that committed between this one's token check and its
        # checks makes them see its number as taken: the form was sent, say so.
        again = sent_with_token(actor, token) if token else None
        if again is not None and again.status != S.BROUILLON:
            raise AlreadySent(again) from exc
        raise
    except IntegrityError as exc:
        if not (_is_number_conflict(exc) or is_token_conflict(exc)):
            raise
        # A simultaneous click of the same form sent it first (the row lock or the
        # constraints made this one wait for it): say so, with the invoice.
        again = sent_with_token(actor, token)
        if again is not None and again.status != S.BROUILLON:
            raise AlreadySent(again) from exc
        if again is not None and is_token_conflict(exc):
            # A simultaneous "Enregistrer le brouillon" of this form made a draft: send it.
            return send_invoice(data, **{**kwargs, "draft": again})
        raise field_error(
            "number", fields.duplicate_number_message(), ReturnCode.DUPLICATE
        ) from exc


def _send(
    data: Mapping[str, Any],
    *,
    actor,
    draft: Invoice | None,
    main_attachment_id,
    attachment_ids: Iterable,
    is_entry_mode: bool,
    token: str,
    channel: str,
    deposit_mode: tuple[str, str] | None,
) -> Invoice:
    already = sent_with_token(actor, token)
    if already is not None:
        if already.status != S.BROUILLON:
            raise AlreadySent(already)
        draft = draft or already  # the form was first saved as this draft
    if draft is not None:
        draft = lock_draft(draft)
    main = None
    if not is_entry_mode:
        main = main_attachment_for(actor, main_attachment_id, draft=draft, lock=True)
        if main is None:
            used = used_main_file(actor, main_attachment_id)
            if used is not None and used.status != S.BROUILLON:
                raise AlreadySent(used)
    if is_entry_mode:
        data = with_entry_totals(data, keep_given=channel == API)
    try:
        attachments = dossier_attachments(actor, attachment_ids, draft=draft, lock=True)
    except InvoiceValidationError:
        attachments = None  # read again by the checks, which say so with the other errors
    deposit = validate_deposit(
        data,
        actor=actor,
        draft=draft,
        main_attachment_id=main.pk if main else main_attachment_id,
        attachment_ids=attachment_ids,
        is_entry_mode=is_entry_mode,
        channel=channel,
        main=main,
        attachments=attachments,
    )
    supplier = data["supplier"]
    invoice = draft if draft is not None else Invoice()
    fresh = invoice.pk is None  # nothing is linked to it yet
    if invoice.pk and invoice.supplier_id != supplier.pk:
        routing_rules.check_supplier(invoice.supplier, actor=actor)
    _fill_sent(invoice, data, deposit)
    _snapshot(invoice, deposit, supplier)
    if deposit_mode is not None and not is_entry_mode:
        invoice.deposit_mode, invoice.deposit_format = deposit_mode
    else:
        set_deposit_mode(invoice, main, is_entry_mode=is_entry_mode, channel=channel)
    if not is_entry_mode:
        # The dossier's fingerprint is written with the row (its files are known).
        files = [main] if main is not None else []
        files += sorted(attachments, key=lambda a: a.pk)
        invoice.dossier_sha256 = sha256_of_paths([a.path for a in files])
    if not invoice.pk:
        invoice.deposit_token = clean_token(token)
    if invoice.pk:
        invoice.save()
    invoice = workflow.submit_in_transaction(invoice, actor=actor)
    link_dossier(invoice, main, attachments, fresh=fresh)
    if is_entry_mode:
        replace_lines(invoice, deposit.invoice.lines, deposit.invoice.vat_lines, fresh=fresh)
        _schedule_generated_pdf(invoice, fresh=fresh)  # fingerprints the dossier with its PDF
    commitment_rules.link_invoice(invoice, fresh=fresh)
    # No PDF rendering in the deposit request (issue 10: WeasyPrint took 240 of its 300 ms):
    # the certificate is rendered on its first download and kept (`ensure_certificate`).
    return invoice


def ensure_certificate(invoice: Invoice) -> Invoice:
    """A sent invoice without a stored certificate (made before, or by another channel)
    gets one now; drafts never have one."""
    if invoice.status == S.BROUILLON:
        raise NotFound()
    if invoice.certificate_file and media_path(invoice.certificate_file).is_file():
        return invoice
    if invoice.deposit_mode in ENTRY_MODES:
        # The certificate lists the dossier: an entered invoice's PDF comes first (its
        # task may not have run yet). Idempotent.
        invoice_pdf.store_entry_invoice_pdf(invoice.pk)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
        if not (locked.certificate_file and media_path(locked.certificate_file).is_file()):
            if not locked.dossier_sha256:
                paths = [a.path for a in locked.attachments.order_by("-is_main", "pk")]
                existing = [p for p in paths if media_path(p).is_file()]
                if existing:
                    locked.dossier_sha256 = sha256_of_paths(existing)
                    locked.save(update_fields=["dossier_sha256", "updated_at"])
            store_certificate(locked)
    return locked
