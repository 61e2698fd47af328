"""The files of a deposit: the invoice file (DEP-1, detected by its content and read for
pre-fill) and the complementary attachments (§5.5, ATT-1..ATT-8), stored unlinked until
the draft is saved or the invoice sent."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.documents.attachments import description_errors, dossier_size, store_attachment
from invoicing.documents.files import PREFILL_SUFFIX, validate_attachment
from invoicing.enums import (
    DepositFormat,
    DepositMode,
    InvoiceStatus,
)
from invoicing.errors import (
    IllegalTransition,
    InvoiceValidationError,
    NotFound,
    ReturnCode,
)
from invoicing.models import Attachment, Invoice
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
    stored,
)
from invoicing.rules import fields
from invoicing.rules import routing as routing_rules
from portal.params import MAX_ID
from portal.prepared import Prepared

S = InvoiceStatus
MAIN_EXTENSIONS = frozenset({"pdf", "xml"})
# §5.2 and FMT-0: what the detected format makes of a portal deposit.
KIND_TO_DEPOSIT = {
    PDF_NON_SIGNE: (DepositMode.DEPOT_PDF_PORTAIL, DepositFormat.PDF_NON_SIGNE),
    PDF_SIGNE_PADES: (DepositMode.DEPOT_PDF_SIGNE_PORTAIL, DepositFormat.PDF_SIGNE_PADES),
    IN_DP_E2_CII_FACTURX: (DepositMode.UPLOAD_PORTAIL, DepositFormat.FACTURX),
    IN_DP_E1_UBL_INVOICE: (DepositMode.UPLOAD_PORTAIL, DepositFormat.UBL),
    IN_DP_E1_CII_16B: (DepositMode.UPLOAD_PORTAIL, DepositFormat.CII),
}
_SIZE_CODES = frozenset({"file_too_large", "dossier_too_large"})


def field_error(name: str, message, code: int) -> InvoiceValidationError:
    return InvoiceValidationError({name: [message]}, {name: code})


def media_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


# --- The invoice file ------------------------------------------------------------------


@dataclass
class MainUpload:
    attachment: Attachment
    detected: DetectedFormat
    prefill: Prefill


def _checked_upload(
    uploaded_file, *, field: str, current_dossier_size: int = 0, check_structure: bool = True
):
    try:
        return validate_attachment(
            uploaded_file,
            current_dossier_size=current_dossier_size,
            check_structure=check_structure,
        )
    except ValidationError as exc:
        code = ReturnCode.TOO_LARGE if exc.code in _SIZE_CODES else ReturnCode.FILE_REFUSED
        raise field_error(field, exc.messages[0], code) from exc


def _store(uploaded_file, checked, *, actor, is_main: bool, **fields) -> Attachment:
    return store_attachment(
        uploaded_file,
        subdir=f"uploads/{timezone.localdate():%Y/%m}",
        invoice=None,
        actor=actor,
        content_type=checked.content_type,
        is_main=is_main,
        **fields,
    )


def upload_main_file(uploaded_file, *, actor, recognise: bool = True) -> MainUpload:
    """DEP-1: one .pdf or .xml file, its format detected from the content (§5.7); stored
    unlinked (ATT-7) as the main file of the coming invoice, and read for pre-fill once.
    `recognise=False`: a caller that does not use the pre-fill does not pay for reading
    the text (issue 10); the detected format is kept all the same, and a form that shows
    the file later reads it then (`stored_prefill`).

    Not atomic on purpose: the row is written by one statement, and the text extraction
    that follows (a child process, up to its time limit) must not hold a transaction."""
    # A PDF's structure is opened once, by the detection below (its checks are check_pdf's).
    checked = _checked_upload(uploaded_file, field="file", check_structure=False)
    if checked.extension not in MAIN_EXTENSIONS:
        raise field_error(
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
        raise field_error("file", exc.message, ReturnCode.FILE_REFUSED) from exc
    if detected.kind not in KIND_TO_DEPOSIT:
        message = (
            _(
                "Un lot (zip ou tar.gz) est traité comme un flux : il ne pré-remplit pas le formulaire."
            )
            if detected.kind == ARCHIVE
            else _("Format de fichier non reconnu.")
        )
        raise field_error("file", message, ReturnCode.FILE_REFUSED)
    attachment = _store(uploaded_file, checked, actor=actor, is_main=True)
    data = read_prefill(attachment, detected) if recognise else None
    _keep_prefill(attachment, data, detected.kind)
    return MainUpload(attachment, detected, data if data is not None else Prefill())


def read_prefill(attachment: Attachment, detected: DetectedFormat | None = None) -> Prefill:
    """REC-7: suggestions only; recognition never blocks sending (INV-10). Reads the file:
    the deposit screens call `stored_prefill`, which reads it only once per upload."""
    try:
        return prefill(media_path(attachment.path), detected)
    except (UnreadableFile, OSError):
        return Prefill()


# The pre-fill of an upload is kept as a small JSON file beside the stored file rather than
# in the session or a model field: it needs no migration, lives and dies with the file (the
# ATT-7 purge deletes both, see `delete_stored`), does not depend on the browser that
# uploaded it, and keeps the session row small. Reading a PDF's text is the costly part
# (a child process, issue 9); reading this file back costs a few hundred bytes.
def _prefill_path(attachment: Attachment) -> Path:
    return media_path(attachment.path + PREFILL_SUFFIX)


def _keep_prefill(attachment: Attachment, data: Prefill | None, kind: str | None = None) -> None:
    """`data` None: only the detected format is kept (the text was not read)."""
    target = _prefill_path(attachment)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_text(stored.dumps(data, kind), encoding="utf-8")
        os.replace(partial, target)
    except (OSError, TypeError):  # not kept: the form reads the file again, bounded as ever
        partial.unlink(missing_ok=True)


def stored_prefill(attachment: Attachment) -> Prefill:
    """The pre-fill read at upload; the file is read (and the result kept) only when it is
    missing, e.g. for a file uploaded before pre-fills were kept."""
    try:
        text = _prefill_path(attachment).read_text(encoding="utf-8")
    except OSError:
        text = ""
    data = stored.loads(text) if text else None
    if data is None:
        data = read_prefill(attachment)
        _keep_prefill(attachment, data, stored.kind_of(text) if text else None)
    return data


def stored_kind(attachment: Attachment) -> str | None:
    """The main file's format as detected at upload (kept with its pre-fill), else detected
    now: sending an uploaded invoice does not parse its file again."""
    try:
        kind = stored.kind_of(_prefill_path(attachment).read_text(encoding="utf-8"))
    except OSError:
        kind = None
    if kind is None:
        detected = detect_stored(attachment)
        kind = detected.kind if detected is not None else None
    return kind


def detect_stored(attachment: Attachment) -> DetectedFormat | None:
    """The stored file's format: the page tree and trailer only, no page content is
    inflated (issue 9), so it runs in the web process."""
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
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk <= MAX_ID or not getattr(actor, "is_authenticated", False):
        return None
    if lock and transaction.get_autocommit():
        # What the ORM says when it compiles a locking query, which happens once here.
        raise transaction.TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    draft_pk = draft.pk if draft is not None else None
    statement = _main_statement(draft_pk is not None, lock)
    found = statement.run(pk, actor.pk, *([draft_pk] if draft_pk is not None else []))
    return found[0] if found else None


_PK, _ACTOR, _DRAFT = -7_000_000_011, -7_000_000_012, -7_000_000_013  # where the ids go
_MAIN_STATEMENTS: dict[tuple[bool, bool], Prepared] = {}


def _main_statement(of_draft: bool, lock: bool) -> Prepared:
    """`main_attachment_for`'s query, compiled once per process for each shape (issue 10:
    twice per deposit, compiling cost more than running it); its parameters are ids."""
    key = (of_draft, lock)
    if key not in _MAIN_STATEMENTS:

        def build(_vendor):
            scope = Q(invoice__isnull=True, uploaded_by_id=_ACTOR)
            if of_draft:
                scope |= Q(invoice_id=_DRAFT)
            queryset = Attachment.objects.filter(scope, pk=_PK, is_main=True).order_by("pk")
            return (queryset.select_for_update() if lock else queryset)[:1]

        sentinels = (_PK, _ACTOR, _DRAFT) if of_draft else (_PK, _ACTOR)
        _MAIN_STATEMENTS[key] = Prepared(build, *sentinels)
    return _MAIN_STATEMENTS[key]


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
        raise field_error(
            "attachments",
            _("La pièce jointe %(id)s est inconnue ou déjà utilisée.") % {"id": min(missing)},
            ReturnCode.UNKNOWN_ATTACHMENT,
        )
    return found


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
    errors = fields.FieldErrors()
    designation = (designation or "").strip()
    for name, message in description_errors(designation, attachment_type).items():
        errors.add(
            name, message, ReturnCode.REFERENCE if name == "attachment_type" else ReturnCode.FORMAT
        )
    if uploaded_file is None:
        errors.add("file", _("Choisissez un fichier."))
    errors.raise_if_any()
    main = main_attachment_for(actor, main_attachment_id, draft=draft)
    current = dossier_size(
        [main, *dossier_attachments(actor, dossier_ids, draft=draft, strict=False)]
    )
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
