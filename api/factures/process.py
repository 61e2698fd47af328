"""The invoice actions (API.md §6.9-§6.14): each reads its fields, finds the invoice in the
caller's scope for the role the operation plays, and calls the portal's service."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone
from django.utils.translation import gettext as _

from api import params, scope
from api.errors import ApiError, ok, unknown_value
from api.factures.consult import invoice_id
from api.factures.deposit import domain
from api.factures.submit import attachments_of
from api.formats import day, minute
from api.references import REFUSAL_REASONS
from api.schemas import body
from invoicing.deposit import prepared
from invoicing.enums import InvoiceStatus
from invoicing.errors import ReturnCode
from invoicing.issued import services as issued
from invoicing.models import Invoice
from invoicing.received import services as received
from portal.areas import AreaCode, Mode
from validation import services as validation

S = InvoiceStatus
RECIPIENT_TARGETS = (
    S.PRISE_EN_COMPTE_DESTINATAIRE,
    S.SUSPENDUE,
    S.A_RECYCLER,
    S.REJETEE,
    S.SERVICE_FAIT,
    S.MANDATEE,
    S.MISE_A_DISPOSITION_COMPTABLE,
    S.COMPTABILISEE,
    S.MISE_EN_PAIEMENT,
)
VALIDATOR_ACTIONS = ("VALIDATION", "REFUS")
KNOWN_VALIDATOR_ACTIONS = (
    *VALIDATOR_ACTIONS,
    "MISE_EN_PAIEMENT",
    "MISE_EN_RECYCLAGE",
    "SUSPENSION",
    "REJET",
)

ProcessReceived = body(
    "TraiterFactureRecue",
    "idFacture",
    "nouveauStatut",
    "motif",
    "numeroDPMandat",
    "idUtilisateurCourant",
)
ProcessToValidate = body(
    "TraiterFactureAValider",
    "idFacture",
    "action",
    "motifRefus",
    "complementInfo",
    "idPieceJointe",
    "idValideur",
    "typeValideur",
    "idUtilisateurCourant",
)
Complete = body(
    "CompleterFacture",
    "identifiantFactureCPP",
    "commentaire",
    "pieceJointeComplementaire",
    "numeroFacture",
    "identifiantFournisseur",
    "typeIdentifiantFournisseur",
    "idUtilisateurCourant",
)
Recycle = body(
    "RecyclerFacture",
    "identifiantFactureCPP",
    "destinataire",
    "reference",
    "references",
    "commentaire",
    "idUtilisateurCourant",
)
ProcessRejected = body("TraiterFacturesRejetees", "listeDemandePaiement", "motifRejet", "cpltInfos")


def _in_role(user, pk: int, queryset, area: AreaCode, structure_field: str) -> Invoice:
    """SCP-2/SCP-3: the invoice in scope for this role (modification); in scope but the
    area not open → 20001; otherwise 20000."""
    invoice = queryset.filter(pk=pk).first()
    if invoice is not None:
        return invoice
    ids = scope.structure_ids_with(user, area, Mode.VIEW)
    member = scope.structures_in_scope(user).values("pk")
    other = scope.visible_invoices(user).filter(pk=pk, **{f"{structure_field}__in": member})
    if (
        other.exists()
        and not Invoice.objects.filter(pk=pk, **{f"{structure_field}__in": ids}).exists()
    ):
        raise ApiError(ReturnCode.NOT_ALLOWED)
    raise ApiError(ReturnCode.NOT_FOUND)


def process_received(user, data: Mapping) -> dict:
    pk = params.required_id(data.get("idFacture"), "idFacture")
    target = params.text(data.get("nouveauStatut"), "nouveauStatut")
    if not target:
        raise ApiError(ReturnCode.FORMAT, _("Le champ nouveauStatut est obligatoire."))
    if target not in RECIPIENT_TARGETS:
        raise unknown_value("nouveauStatut", target)
    reason = params.text(data.get("motif"), "motif")
    mandate = params.text(data.get("numeroDPMandat"), "numeroDPMandat", max_length=50)
    invoice = _in_role(
        user, pk, scope.recipient_invoices(user, Mode.CHANGE), AreaCode.RECEIVED, "recipient_id"
    )
    locked = domain(
        received.process_one, invoice, target, actor=user, reason=reason, mandate_number=mandate
    )
    return ok(
        idFacture=locked.pk,
        numeroFacture=locked.number,
        dateTraitement=minute(locked.status_changed_at),
        nouveauStatut=locked.status,
    )


def process_to_validate(user, data: Mapping) -> dict:
    pk = params.required_id(data.get("idFacture"), "idFacture")
    action = params.text(data.get("action"), "action")
    if not action:
        raise ApiError(ReturnCode.FORMAT, _("Le champ action est obligatoire."))
    if action not in VALIDATOR_ACTIONS:
        raise unknown_value("action", action)
    reason = params.text(data.get("motifRefus"), "motifRefus", max_length=255)
    message = params.text(data.get("complementInfo"), "complementInfo", max_length=255)
    document_id = params.optional_id(data.get("idPieceJointe"), "idPieceJointe")
    validator_id = params.optional_id(data.get("idValideur"), "idValideur")
    if validator_id is not None and validator_id not in set(
        scope.structures_in_scope(user).values_list("pk", flat=True)
    ):
        raise ApiError(ReturnCode.NOT_FOUND)
    if action == "REFUS" and not reason:
        raise ApiError(
            ReturnCode.REASON_REQUIRED, _("Le champ motifRefus est obligatoire pour un refus.")
        )
    labels = {code: str(label) for _id, code, label in REFUSAL_REASONS}
    invoice = _in_role(
        user, pk, scope.validator_invoices(user, Mode.CHANGE), AreaCode.TO_VALIDATE, "validator_id"
    )
    locked = domain(
        validation.decide_prepared,
        invoice,
        actor=user,
        accept=action == "VALIDATION",
        reason=labels.get(reason, reason),
        message=message,
        document_id=document_id,
    )
    return ok(
        idFacture=locked.pk,
        numeroFacture=locked.number,
        dateTraitement=minute(locked.status_changed_at),
        statutFacture=locked.status,
    )


def complete(user, data: Mapping) -> dict:
    pk = invoice_id(data)
    comment = params.text(data.get("commentaire"), "commentaire", max_length=2000)
    items = attachments_of(data.get("pieceJointeComplementaire"))
    invoice = _in_role(
        user, pk, scope.supplier_invoices(user, Mode.CHANGE), AreaCode.ISSUED, "supplier_id"
    )
    if invoice.status != S.SUSPENDUE:
        raise ApiError(
            ReturnCode.ILLEGAL_TRANSITION,
            _("Le statut de la demande de paiement n'est pas défini à « Suspendue »."),
        )
    locked = domain(
        prepared.complete_prepared, invoice, actor=user, comment=comment, attachments=items
    )
    return ok(
        identifiantFactureCPP=locked.pk,
        numeroFacture=locked.number,
        dateTraitement=minute(locked.status_changed_at),
    )


# Fields of `reference` tolerated in `recycler` only when unchanged (API.md §6.12).
RECYCLE_FROZEN = {
    "numeroMarche": "market_number",
    "typeFacture": "invoice_type",
    "typeTva": "vat_type",
    "deviseFacture": "currency",
    "modePaiement": "payment_mode",
    "numeroFactureOrigine": "original_invoice_number",
}


def recycle(user, data: Mapping) -> dict:
    pk = invoice_id(data)
    params.text(data.get("commentaire"), "commentaire", max_length=2000)
    recipient = data.get("destinataire") if isinstance(data.get("destinataire"), dict) else {}
    reference = data.get("reference") or data.get("references")
    reference = reference if isinstance(reference, dict) else {}
    invoice = _in_role(
        user, pk, scope.supplier_invoices(user, Mode.CHANGE), AreaCode.ISSUED, "supplier_id"
    )
    for field, attr in RECYCLE_FROZEN.items():
        value = params.text(reference.get(field), field)
        if value and value != str(getattr(invoice, attr) or ""):
            raise ApiError(ReturnCode.RECYCLE_FIELDS)
    identifier = params.text(recipient.get("codeDestinataire"), "codeDestinataire")
    service = params.text(recipient.get("codeServiceExecutant"), "codeServiceExecutant")
    engagement = params.text(reference.get("numeroBonCommande"), "numeroBonCommande", max_length=50)
    locked = domain(
        issued.recycle_invoice,
        invoice,
        actor=user,
        recipient_identifier=identifier or invoice.recipient_identifier,
        service_code=service
        if "codeServiceExecutant" in recipient
        else invoice.recipient_service_code,
        engagement_number=engagement
        if "numeroBonCommande" in reference
        else invoice.engagement_number,
        expected_status=None,
    )
    return ok(
        identifiantFactureCPP=locked.pk,
        numeroFacture=locked.number,
        dateDepot=day(locked.deposited_at or timezone.now()),
        statutFacture=locked.status,
    )


def process_rejected(user, data: Mapping) -> dict:
    items = data.get("listeDemandePaiement")
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items:
        raise ApiError(ReturnCode.FORMAT, _("Le champ listeDemandePaiement est obligatoire."))
    if len(items) > 100:
        raise ApiError(
            ReturnCode.FORMAT, _("Le champ listeDemandePaiement compte au plus 100 factures.")
        )
    ids = []
    for item in items:
        value = item.get("idDemandePaiement") if isinstance(item, dict) else item
        ids.append(params.required_id(value, "idDemandePaiement"))
    reason = params.text(data.get("motifRejet"), "motifRejet", max_length=255)
    details = params.text(data.get("cpltInfos"), "cpltInfos", max_length=255)
    found = {i.pk: i for i in scope.supplier_invoices(user, Mode.CHANGE).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise ApiError(ReturnCode.NOT_FOUND)
    domain(
        prepared.process_rejections,
        [found[pk] for pk in dict.fromkeys(ids)],
        actor=user,
        reason=reason,
        details=details,
    )
    return ok()
