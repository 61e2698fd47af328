"""`telecharger/groupe` (API.md §6.14): a ZIP of one folder per invoice, base64 in JSON;
the recipient's download marks the invoice (RCV-6) through the portal's workflow."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Mapping

from django.utils.translation import gettext as _

from api import params, scope
from api.errors import ApiError, ok, unknown_value
from api.factures.deposit import domain
from api.factures.pivot import ubl_invoice
from api.schemas import body
from invoicing import workflow
from invoicing.documents import files
from invoicing.documents.files import MAX_DOSSIER_SIZE
from invoicing.errors import ReturnCode
from invoicing.models import Attachment

Download = body(
    "TelechargerGroupeFacture",
    "listeFacture",
    "format",
    "avecPiecesJointesComplementaires",
    "idEspace",
    "idUtilisateurCourant",
)
FORMATS = ("PDF", "PIVOT")


def _ids(data: Mapping) -> list[int]:
    items = data.get("listeFacture")
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise ApiError(ReturnCode.FORMAT, _("Le champ listeFacture est obligatoire."))
    if len(items) > 100:
        raise ApiError(ReturnCode.FORMAT, _("Le champ listeFacture compte au plus 100 factures."))
    ids = []
    for item in items:
        value = item.get("idFacture") if isinstance(item, dict) else item
        ids.append(params.required_id(value, "idFacture"))
    return list(dict.fromkeys(ids))


def download(user, data: Mapping) -> dict:
    ids = _ids(data)
    kind = params.text(data.get("format"), "format").upper() or "PDF"
    if kind not in FORMATS:
        raise unknown_value("format", kind)
    extras = bool(
        params.boolean(
            data.get("avecPiecesJointesComplementaires"), "avecPiecesJointesComplementaires"
        )
    )
    invoices = {
        i.pk: i
        for i in scope.visible_invoices(user)
        .filter(pk__in=ids)
        .select_related("supplier_service", "recipient", "validator")
        .prefetch_related("lines", "vat_lines")
    }
    if len(invoices) != len(ids):
        raise ApiError(ReturnCode.NOT_FOUND)
    attachments: dict[int, list[Attachment]] = {pk: [] for pk in ids}
    for attachment in Attachment.objects.filter(invoice_id__in=ids).order_by("-is_main", "pk"):
        if attachment.is_main or extras:
            attachments[attachment.invoice_id].append(attachment)
    size = sum(
        a.size for group in attachments.values() for a in group if kind == "PDF" or not a.is_main
    )
    if size > MAX_DOSSIER_SIZE:
        raise ApiError(
            ReturnCode.TOO_LARGE,
            _("Le téléchargement dépasse la taille maximale autorisée (120 Mo)."),
            status=413,
        )
    received_ids = set(
        scope.recipient_invoices(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pk in ids:
            invoice = invoices[pk]
            folder = files.sanitize_filename(f"{invoice.pk}_{invoice.number}")
            if kind == "PIVOT":
                archive.writestr(f"{folder}/facture.xml", ubl_invoice(invoice))
            for attachment in attachments[pk]:
                if kind == "PIVOT" and attachment.is_main:
                    continue
                name = files.sanitize_filename(attachment.original_name)
                try:
                    archive.write(files.resolve_stored_path(attachment.path), f"{folder}/{name}")
                except OSError:
                    continue
    for pk in ids:
        if pk in received_ids:
            domain(workflow.mark_downloaded, invoices[pk], actor=user)
    return ok(fichierResultat=base64.b64encode(buffer.getvalue()).decode("ascii"))
