"""The supplier's deposit use cases (DOMAIN §5.2-§5.5, DEP-1..DEP-4, seeds 001, 002, 004).

    upload_main_file(upload, actor=)           the invoice file: detected by content, stored
    upload_attachment(upload, actor=, ...)     a complementary attachment, not yet linked
    remove_attachment(attachment, actor=)      ATT-8: unlink from a draft, keep the file
    save_draft(data, actor=, draft=, ...)      T1, or a plain save of an existing draft
    delete_draft(invoice, actor=)
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
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments import rules as commitment_rules
from invoicing import workflow
from invoicing.documents.certificate import store_certificate
from invoicing.documents.files import (
    MAX_DOSSIER_SIZE,
    sha256_of_paths,
    store_upload,
    validate_attachment,
)
from invoicing.documents.invoice_pdf import invoice_filename, render_invoice_pdf
from invoicing.enums import (
    VALIDATION_FRAMES,
    AttachmentType,
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
    NotFound,
    ReturnCode,
)
from invoicing.models import Attachment, Invoice, InvoiceLine, VatLine
from invoicing.parties import recipient_snapshot
from invoicing.recognition import (
    ARCHIVE,
    IN_DP_E1_CII_16B,
    IN_DP_E1_UBL_INVOICE,
    IN_DP_E2_CII_FACTURX,
    PDF_NON_SIGNE,
    PDF_SIGNE_PADES,
    DetectedFormat,
    Prefill,
    UnreadableFile,
    detect_format,
    prefill,
)
from invoicing.rules import amounts, checks, fields
from invoicing.rules import routing as routing_rules
from structures.models import Structure

S = InvoiceStatus
MAIN_EXTENSIONS = frozenset({"pdf", "xml"})
TOKEN_TTL = 24 * 3600
# §5.2 and FMT-0: what the detected format makes of a portal deposit.
KIND_TO_DEPOSIT = {
    PDF_NON_SIGNE: (DepositMode.DEPOT_PDF_PORTAIL, DepositFormat.PDF_NON_SIGNE),
    PDF_SIGNE_PADES: (DepositMode.DEPOT_PDF_SIGNE_PORTAIL, DepositFormat.PDF_SIGNE_PADES),
    IN_DP_E2_CII_FACTURX: (DepositMode.UPLOAD_PORTAIL, DepositFormat.FACTURX),
    IN_DP_E1_UBL_INVOICE: (DepositMode.UPLOAD_PORTAIL, DepositFormat.UBL),
    IN_DP_E1_CII_16B: (DepositMode.UPLOAD_PORTAIL, DepositFormat.CII),
}
# Error codes of files (API.md §4.4).
_SIZE_CODES = frozenset({"file_too_large", "dossier_too_large"})


class AlreadySent(InvoiceError):
    """A repeated "Confirmer et envoyer": the invoice was sent by the first click."""

    code = ReturnCode.ILLEGAL_TRANSITION

    def __init__(self, invoice: Invoice):
        self.invoice = invoice
        super().__init__(_("Cette facture a déjà été envoyée."))


def _field_error(name: str, message, code: int) -> InvoiceValidationError:
    return InvoiceValidationError({name: [message]}, {name: code})


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


# --- The invoice file ------------------------------------------------------------------


@dataclass
class MainUpload:
    attachment: Attachment
    detected: DetectedFormat
    prefill: Prefill


def _checked_upload(uploaded_file, *, field: str, current_dossier_size: int = 0):
    try:
        return validate_attachment(uploaded_file, current_dossier_size=current_dossier_size)
    except ValidationError as exc:
        code = ReturnCode.TOO_LARGE if exc.code in _SIZE_CODES else ReturnCode.FILE_REFUSED
        raise _field_error(field, exc.messages[0], code) from exc


def _store(uploaded_file, checked, *, actor, is_main: bool, **fields) -> Attachment:
    stored = store_upload(uploaded_file, subdir=f"uploads/{timezone.localdate():%Y/%m}")
    return Attachment.objects.create(
        invoice=None,
        uploaded_by=actor,
        path=stored.path,
        original_name=stored.original_name[:50],
        size=stored.size,
        sha256=stored.sha256,
        content_type=checked.content_type,
        is_main=is_main,
        **fields,
    )


@transaction.atomic
def upload_main_file(uploaded_file, *, actor) -> MainUpload:
    """DEP-1: one .pdf or .xml file, its format detected from the content (§5.7); stored
    unlinked (ATT-7) as the main file of the coming invoice, and read for pre-fill."""
    checked = _checked_upload(uploaded_file, field="file")
    if checked.extension not in MAIN_EXTENSIONS:
        raise _field_error(
            "file",
            _(
                "Déposez la facture au format PDF ou XML (UBL 2.1, CII D16B ou Factur-X) ; les "
                "autres fichiers s'ajoutent comme pièces jointes complémentaires."
            ),
            ReturnCode.FILE_REFUSED,
        )
    try:
        detected = detect_format(uploaded_file)
    except UnreadableFile as exc:
        raise _field_error("file", exc.message, ReturnCode.FILE_REFUSED) from exc
    if detected.kind not in KIND_TO_DEPOSIT:
        message = (
            _(
                "Un lot (zip ou tar.gz) est traité comme un flux : il ne pré-remplit pas le formulaire."
            )
            if detected.kind == ARCHIVE
            else _("Format de fichier non reconnu.")
        )
        raise _field_error("file", message, ReturnCode.FILE_REFUSED)
    attachment = _store(uploaded_file, checked, actor=actor, is_main=True)
    return MainUpload(attachment, detected, read_prefill(attachment, detected))


def read_prefill(attachment: Attachment, detected: DetectedFormat | None = None) -> Prefill:
    """REC-7: suggestions only; recognition never blocks sending (INV-10)."""
    try:
        return prefill(media_path(attachment.path), detected)
    except (UnreadableFile, OSError):
        return Prefill()


def detect_stored(attachment: Attachment) -> DetectedFormat | None:
    try:
        return detect_format(media_path(attachment.path))
    except (UnreadableFile, OSError):
        return None


def main_attachment_for(actor, pk, *, draft: Invoice | None = None, lock: bool = False):
    """The main file the actor uploaded and has not used yet, or the draft's own."""
    if not pk:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    scope = Q(invoice__isnull=True, uploaded_by=actor)
    if draft is not None and draft.pk:
        scope |= Q(invoice_id=draft.pk)
    queryset = Attachment.objects.filter(scope, pk=pk, is_main=True)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def used_main_file(actor, pk) -> Invoice | None:
    """The invoice (draft or sent) a main file of the actor is linked to: a repeated click
    on "Enregistrer le brouillon" or "Confirmer et envoyer" finds it here."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    attachment = (
        Attachment.objects.filter(pk=pk, is_main=True, uploaded_by=actor)
        .exclude(invoice=None)
        .select_related("invoice")
        .first()
    )
    return attachment.invoice if attachment is not None else None


# --- Complementary attachments (§5.5) -------------------------------------------------


def dossier_attachments(
    actor, ids: Iterable, *, draft: Invoice | None = None, lock: bool = False, strict: bool = True
) -> list[Attachment]:
    """The complementary attachments `ids` the actor may put in this dossier: uploaded by
    them and not linked yet, or already linked to the draft."""
    wanted = []
    for value in ids or ():
        try:
            wanted.append(int(value))
        except (TypeError, ValueError):
            continue
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        return []
    scope = Q(invoice__isnull=True, uploaded_by=actor)
    if draft is not None and draft.pk:
        scope |= Q(invoice_id=draft.pk)
    queryset = Attachment.objects.filter(scope, pk__in=wanted, is_main=False).order_by("pk")
    if lock:
        queryset = queryset.select_for_update()
    found = list(queryset)
    missing = set(wanted) - {a.pk for a in found}
    if missing and strict:
        raise _field_error(
            "attachments",
            _("La pièce jointe %(id)s est inconnue ou déjà utilisée.") % {"id": min(missing)},
            ReturnCode.UNKNOWN_ATTACHMENT,
        )
    return found


def dossier_size(main: Attachment | None, attachments: Iterable[Attachment]) -> int:
    return (main.size if main else 0) + sum(a.size for a in attachments)


@transaction.atomic
def upload_attachment(
    uploaded_file,
    *,
    actor,
    designation: str,
    attachment_type: str,
    dossier_ids: Iterable = (),
    main_attachment_id=None,
    draft: Invoice | None = None,
) -> Attachment:
    """ATT-1..ATT-6: checked, stored unlinked; linked when the draft is saved or sent.

    The dossier total (ATT-4) is counted here from the files already in the form, and
    counted again, authoritatively, when the invoice is sent."""
    errors: dict[str, list] = {}
    codes: dict[str, int] = {}
    designation = (designation or "").strip()
    if not designation:
        errors["designation"] = [_("La désignation de la pièce jointe est obligatoire.")]
    elif len(designation) > fields.ATTACHMENT_DESIGNATION_MAX:
        errors["designation"] = [
            _("La désignation ne peut pas dépasser %(max)d caractères.")
            % {"max": fields.ATTACHMENT_DESIGNATION_MAX}
        ]
    if attachment_type not in AttachmentType.values:
        errors["attachment_type"] = [_("Choisissez le type de la pièce jointe.")]
        codes["attachment_type"] = ReturnCode.REFERENCE
    if uploaded_file is None:
        errors["file"] = [_("Choisissez un fichier.")]
    if errors:
        raise InvoiceValidationError(errors, codes)
    main = main_attachment_for(actor, main_attachment_id, draft=draft)
    current = dossier_size(main, dossier_attachments(actor, dossier_ids, draft=draft, strict=False))
    checked = _checked_upload(uploaded_file, field="file", current_dossier_size=current)
    return _store(
        uploaded_file,
        checked,
        actor=actor,
        is_main=False,
        designation=designation,
        attachment_type=attachment_type,
    )


@transaction.atomic
def remove_attachment(attachment: Attachment, *, actor) -> None:
    """ATT-8: removing an attachment from a draft removes the link, not the stored file (an
    unlinked file is purged after 24 hours, ATT-7). Sent invoices keep their dossier."""
    locked = (
        Attachment.objects.select_for_update(of=("self",))
        .select_related("invoice")
        .get(pk=attachment.pk)
    )
    if locked.is_main:
        raise IllegalTransition(_("La facture elle-même ne peut pas être retirée du dossier."))
    if locked.invoice_id is None:
        if locked.uploaded_by_id != getattr(actor, "pk", None):
            raise NotFound()
        return
    if locked.invoice.status != S.BROUILLON:
        raise IllegalTransition(
            _("Les pièces jointes d'une facture envoyée ne peuvent plus être retirées.")
        )
    routing_rules.check_supplier(locked.invoice.supplier, actor=actor)
    locked.invoice = None
    locked.save(update_fields=["invoice"])


# --- Drafts ----------------------------------------------------------------------------

TEXT_FIELDS = {
    "number": 20,
    "invoice_type": 10,
    "original_invoice_number": 20,
    "currency": 3,
    "vat_type": 30,
    "vat_exemption_reason": 30,
    "payment_mode": 20,
    "engagement_number": 50,
    "market_number": 50,
    "global_discount_reason": 255,
    "comment": 2000,
}
AMOUNT_FIELDS = (
    "amount_ht",
    "amount_tva",
    "amount_ttc",
    "global_discount",
    "amount_to_pay",
)


def _text(data: Mapping, name: str) -> str:
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
    invoice.frame = frame_from_code(_text(data, "frame")) or Frame.A1
    for name, max_length in TEXT_FIELDS.items():
        value = _text(data, name)
        if name == "currency":
            value = value.upper() or "EUR"
        setattr(invoice, name, value[:max_length])
    invoice.invoice_type = invoice.invoice_type or "FACTURE"
    invoice.vat_type = invoice.vat_type or "TVA_SUR_DEBIT"
    invoice.invoice_date = data.get("invoice_date") or None
    for name in AMOUNT_FIELDS:
        value = data.get(name)
        setattr(invoice, name, Decimal(str(value)) if value not in (None, "") else Decimal("0"))
    if is_entry_mode:
        totals = amounts.compute_totals(_complete_lines(data.get("lines")), invoice.global_discount)
        for name in ("amount_ht", "amount_tva", "amount_ttc"):
            setattr(invoice, name, totals[name])
        if data.get("amount_to_pay") in (None, ""):
            invoice.amount_to_pay = totals["amount_to_pay"]
    identifier = fields.normalise_identifier(data.get("recipient_identifier"))[:80]
    code = _text(data, "recipient_service_code")[:100]
    recipient = routing_rules.find_recipient(identifier)
    if recipient is not None and recipient.pk == supplier.pk:
        recipient = None
    invoice.recipient = recipient
    invoice.recipient_identifier = identifier
    invoice.recipient_name = recipient.company_name if recipient else ""
    invoice.recipient_service_code = code
    invoice.recipient_service = (
        recipient.services.filter(code=code).first() if recipient and code else None
    )
    invoice.validator = invoice.validator_service = None
    invoice.validator_identifier = invoice.validator_name = ""
    if invoice.frame in VALIDATION_FRAMES:
        identifier = fields.normalise_identifier(data.get("validator_identifier"))[:80]
        validator = Structure.objects.filter(identifier=identifier, is_active=True).first()
        if validator is not None and validator.pk != supplier.pk:
            invoice.validator = validator
            invoice.validator_name = validator.company_name
            code = _text(data, "validator_service_code")
            invoice.validator_service = (
                validator.services.filter(code=code).first() if code else None
            )
        invoice.validator_identifier = identifier


def _complete_lines(lines) -> list[dict]:
    """The lines of a draft that can be stored (the others are dropped)."""
    kept = []
    for line in lines or ():
        try:
            values = {
                "designation": str(line.get("designation") or "").strip()[:255],
                "quantity": Decimal(str(line.get("quantity"))),
                "unit_price": Decimal(str(line.get("unit_price"))),
                "discount": Decimal(str(line.get("discount") or 0)),
                "vat_rate": Decimal(str(line.get("vat_rate"))).quantize(fields.CENT),
                "unit": str(line.get("unit") or "").strip()[:20],
                "reference": str(line.get("reference") or "").strip()[:50],
            }
        except ArithmeticError:
            continue
        if values["designation"] and abs(values["vat_rate"]) < 1000:
            kept.append(values)
    return kept


def _replace_lines(invoice: Invoice, lines: list[dict], vat_lines: list[dict]) -> None:
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


def _link_dossier(invoice: Invoice, main: Attachment | None, attachments: list[Attachment]) -> None:
    """Link the files; the draft's other complementary files lose their link (ATT-8)."""
    keep = [a.pk for a in attachments]
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


def _lock_draft(draft: Invoice) -> Invoice:
    locked = (
        Invoice.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=draft.pk)
    )
    if locked.status != S.BROUILLON:
        raise AlreadySent(locked)
    return locked


def _set_deposit_mode(invoice: Invoice, main: Attachment | None, *, is_entry_mode: bool) -> None:
    if is_entry_mode:
        invoice.deposit_mode, invoice.deposit_format = DepositMode.SAISIE_PORTAIL, ""
        return
    detected = detect_stored(main) if main is not None else None
    if detected is not None and detected.kind in KIND_TO_DEPOSIT:
        invoice.deposit_mode, invoice.deposit_format = KIND_TO_DEPOSIT[detected.kind]
    else:
        invoice.deposit_mode = DepositMode.DEPOT_PDF_PORTAIL
        invoice.deposit_format = DepositFormat.PDF_NON_SIGNE


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
    invoice = _lock_draft(draft) if draft is not None else Invoice()
    if invoice.pk and invoice.supplier_id != supplier.pk:
        routing_rules.check_supplier(invoice.supplier, actor=actor)
    main = None
    if not is_entry_mode:
        main = main_attachment_for(actor, main_attachment_id, draft=invoice, lock=True)
    attachments = dossier_attachments(actor, attachment_ids, draft=invoice, lock=True)
    _fill_draft(invoice, data, is_entry_mode=is_entry_mode)
    _set_deposit_mode(invoice, main, is_entry_mode=is_entry_mode)
    if invoice.pk is None:
        workflow.save_draft(invoice, actor=actor)
    else:
        invoice.save()
    _link_dossier(invoice, main, attachments)
    if is_entry_mode:
        lines = _complete_lines(data.get("lines"))
        _replace_lines(invoice, lines, amounts.compute_totals(lines)["vat_lines"])
    _remember_token(actor, token, invoice.pk)
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


# --- Sending (T2 / T3) -----------------------------------------------------------------


def _token_key(actor, token: str) -> str:
    return f"invoicing:deposit-token:{getattr(actor, 'pk', 0)}:{token}"


def _remember_token(actor, token: str, pk: int) -> None:
    if token:
        key = _token_key(actor, token)
        transaction.on_commit(lambda: cache.set(key, pk, TOKEN_TTL))


def sent_with_token(actor, token: str) -> Invoice | None:
    """The invoice (draft or sent) made from the form carrying `token`, if any."""
    if not token:
        return None
    pk = cache.get(_token_key(actor, token))
    return Invoice.objects.filter(pk=pk).first() if pk else None


def with_entry_totals(data: Mapping[str, Any]) -> dict[str, Any]:
    """Entry mode: the VAT recap and totals are computed by the portal (INV-7)."""
    data = dict(data)
    lines = _complete_lines(data.get("lines"))
    totals = amounts.compute_totals(lines, data.get("global_discount") or 0)
    for name in ("amount_ht", "amount_tva", "amount_ttc"):
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
) -> checks.CheckedDeposit:
    """The "Valider et envoyer" button: every check, nothing written (the confirmation
    page follows)."""
    if is_entry_mode:
        data = with_entry_totals(data)
    errors = fields.FieldErrors()
    if not is_entry_mode and main_attachment_for(actor, main_attachment_id, draft=draft) is None:
        errors.add("file", _("Déposez d'abord la facture (fichier PDF ou XML)."))
    try:
        attachments = dossier_attachments(actor, attachment_ids, draft=draft)
        main = main_attachment_for(actor, main_attachment_id, draft=draft)
        if dossier_size(main, attachments) > MAX_DOSSIER_SIZE:
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
    invoice.engagement_number = _text(data, "engagement_number")
    invoice.status_comment = ""


def _store_generated_pdf(invoice: Invoice, *, actor) -> Attachment:
    """Entry mode: the platform issues the invoice PDF (MAN-1) and keeps it as main file."""
    pdf = render_invoice_pdf(invoice)
    name = invoice_filename(invoice)
    stored = store_upload(
        ContentFile(pdf, name=name), subdir=f"invoices/{timezone.localdate():%Y/%m}"
    )
    Attachment.objects.filter(invoice=invoice, is_main=True).update(invoice=None)
    return Attachment.objects.create(
        invoice=invoice,
        uploaded_by=actor,
        path=stored.path,
        original_name=name[:50],
        size=stored.size,
        sha256=stored.sha256,
        content_type="application/pdf",
        is_main=True,
        designation=str(_("Facture")),
    )


@transaction.atomic
def send_invoice(
    data: Mapping[str, Any],
    *,
    actor,
    draft: Invoice | None = None,
    main_attachment_id=None,
    attachment_ids: Iterable = (),
    is_entry_mode: bool = False,
    token: str = "",
) -> Invoice:
    """The "Confirmer et envoyer" button (DEP-2): every check of §5.4, the snapshot, T2 (DEPOSEE, then
    MISE_A_DISPOSITION after commit) or T3 (A_VALIDER_1), the dossier fingerprint, the EJ
    link and the deposit certificate, in one transaction.

    Raises InvoiceValidationError (nothing saved) or AlreadySent (a repeated click).
    """
    already = sent_with_token(actor, token)
    if already is not None:
        if already.status != S.BROUILLON:
            raise AlreadySent(already)
        draft = draft or already  # the form was first saved as this draft
    if draft is not None:
        draft = _lock_draft(draft)
    main = None
    if not is_entry_mode:
        main = main_attachment_for(actor, main_attachment_id, draft=draft, lock=True)
        if main is None:
            used = used_main_file(actor, main_attachment_id)
            if used is not None and used.status != S.BROUILLON:
                raise AlreadySent(used)
    if is_entry_mode:
        data = with_entry_totals(data)
    deposit = validate_deposit(
        data,
        actor=actor,
        draft=draft,
        main_attachment_id=main.pk if main else main_attachment_id,
        attachment_ids=attachment_ids,
        is_entry_mode=is_entry_mode,
    )
    attachments = dossier_attachments(actor, attachment_ids, draft=draft, lock=True)
    supplier = data["supplier"]
    invoice = draft if draft is not None else Invoice()
    if invoice.pk and invoice.supplier_id != supplier.pk:
        routing_rules.check_supplier(invoice.supplier, actor=actor)
    _fill_sent(invoice, data, deposit)
    _snapshot(invoice, deposit, supplier)
    _set_deposit_mode(invoice, main, is_entry_mode=is_entry_mode)
    if invoice.pk:
        invoice.save()
    try:
        with transaction.atomic():
            invoice = workflow.submit(invoice, actor=actor)
    except IntegrityError as exc:
        if not _is_number_conflict(exc):
            raise
        again = sent_with_token(actor, token)
        if again is not None and again.status != S.BROUILLON:
            raise AlreadySent(again) from exc
        raise _field_error(
            "number", fields.duplicate_number_message(), ReturnCode.DUPLICATE
        ) from exc
    _link_dossier(invoice, main, attachments)
    if is_entry_mode:
        _replace_lines(invoice, deposit.invoice.lines, deposit.invoice.vat_lines)
        main = _store_generated_pdf(invoice, actor=actor)
    files = [main] if main is not None else []
    files += sorted(attachments, key=lambda a: a.pk)
    invoice.dossier_sha256 = sha256_of_paths([a.path for a in files])
    invoice.save(update_fields=["dossier_sha256", "updated_at"])
    commitment_rules.link_invoice(invoice)
    store_certificate(invoice)
    _remember_token(actor, token, invoice.pk)
    return invoice


def ensure_certificate(invoice: Invoice) -> Invoice:
    """A sent invoice without a stored certificate (made before, or by another channel)
    gets one now; drafts never have one."""
    if invoice.status == S.BROUILLON:
        raise NotFound()
    if invoice.certificate_file and media_path(invoice.certificate_file).is_file():
        return invoice
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
