"""The rows of the invoice searches (API.md §6.4-§6.6) built from the database's tuples
(issue 12): the columns each row shows (`tz`: the current time zone), read in one statement per page (`api.pages`), no
model instance. They answer what `serialize.supplier_row`, `recipient_row` and
`validator_row` give for the ORM's instances (tests/api/test_tuple_rows.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet, Sum

from api.formats import number, or_none
from api.pages import Columns
from invoicing.models import Invoice


def _with_size(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(total_size=Sum("attachments__size"))


SIZE = {"total_size": _with_size}

PARTIES = (
    "supplier_identifier",
    "supplier_identifier_type",
    "supplier_name",
    "supplier_service__code",
    "supplier_service__name",
    "recipient_id",
    "recipient_identifier",
    "recipient_name",
    "recipient_service_id",
    "recipient_service_code",
    "recipient_service_name",
)
INVOICE = (
    "pk",
    "number",
    "status",
    "invoice_type",
    "invoice_date",
    "deposited_at",
    "status_changed_at",
    "status_comment",
    "amount_ht",
    "amount_ttc",
    "amount_to_pay",
    "currency",
    "engagement_number",
    "market_number",
)
SUPPLIER = Columns(
    Invoice,
    (
        *INVOICE,
        *PARTIES,
        "deposit_mode",
        "rejection_processed",
        "original_invoice_number",
        "validator_identifier",
        "validator_name",
        "validator__identifier_type",
        "created_by_id",
        "created_by__last_name",
        "created_by__first_name",
        "created_by__email",
        "flow_link__flow__number",
    ),
    SIZE,
)
# The received and to-validate lists' indexes are partial (invoicing/indexes.py: the
# statuses a recipient may see, the pending validations): their statements are planned with
# the call's values.
RECIPIENT = Columns(
    Invoice, (*INVOICE, *PARTIES, "downloaded_by_recipient_at"), SIZE, prepared=False
)
VALIDATOR = Columns(
    Invoice,
    (
        *INVOICE,
        *PARTIES,
        "supplier_id",
        "validator_id",
        "validator_identifier",
        "validator_name",
        "validator__identifier_type",
    ),
    prepared=False,
)


# `api.formats.day` and `iso` with the time zone read once per page (`timezone.localtime`
# reads the current one on every value).


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _day_of(value: dt.datetime | None, tz) -> str | None:
    return None if value is None else value.astimezone(tz).date().isoformat()


def _iso(value: dt.datetime | None, tz) -> str | None:
    return None if value is None else value.astimezone(tz).isoformat(timespec="milliseconds")


def _parties(r) -> dict:
    return {
        "codeFournisseur": r.supplier_identifier,
        "typeIdentifiantFournisseur": or_none(r.supplier_identifier_type),
        "designationFournisseur": r.supplier_name,
        "codeServiceFournisseur": r.supplier_service__code,
        "nomServiceFournisseur": r.supplier_service__name,
        "idDestinataire": r.recipient_id,
        "codeDestinataire": or_none(r.recipient_identifier),
        "designationDestinataire": or_none(r.recipient_name),
        "idServiceExecutant": r.recipient_service_id,
        "codeServiceExecutant": or_none(r.recipient_service_code),
        "nomServiceExecutant": or_none(r.recipient_service_name),
    }


def _creator(r) -> str | None:
    if r.created_by_id is None:
        return None
    return or_none(f"{r.created_by__last_name} {r.created_by__first_name}".strip()) or (
        r.created_by__email
    )


def supplier_row(r, tz, *, with_size: bool = False) -> dict:
    """§6.4 `rechercher/fournisseur` (`serialize.supplier_row`)."""
    return {
        "identifiantFactureCPP": r.pk,
        "numeroFacture": r.number,
        "statut": r.status,
        "numeroFluxDepot": r.flow_link__flow__number,
        "typeDemandePaiement": "FACTURE",
        "typeFacture": r.invoice_type,
        "modeDepot": or_none(r.deposit_mode),
        **_parties(r),
        "dateFacture": _day(r.invoice_date),
        "dateDepot": _day_of(r.deposited_at, tz),
        "dateHeureEtatCourant": _iso(r.status_changed_at, tz),
        "commentaireEtatCourant": or_none(r.status_comment),
        "montantHT": number(r.amount_ht),
        "montantTTC": number(r.amount_ttc),
        "montantAPayer": number(r.amount_to_pay),
        "devise": r.currency,
        "rejetTraite": r.rejection_processed,
        "taille": r.total_size if with_size else None,
        "nomPrenomUtilisateurCreateur": _creator(r),
        "numeroBonCommande": or_none(r.engagement_number),
        "numeroMarche": or_none(r.market_number),
        "numeroFactureOrigine": or_none(r.original_invoice_number),
        "codeValideur1": or_none(r.validator_identifier),
        "raisonSocialeValideur1": or_none(r.validator_name),
        "typeIdentifiantValideur1": r.validator__identifier_type,
        "dateValidation1": None,
    }


def recipient_row(r, tz, *, with_size: bool = False) -> dict:
    """§6.5 `rechercher/recipiendaire` (`serialize.recipient_row`)."""
    return {
        "idFacture": r.pk,
        "numeroFacture": r.number,
        "statut": r.status,
        "typeDemandePaiement": "FACTURE",
        "typeFacture": r.invoice_type,
        "typeFactureTravaux": None,
        **_parties(r),
        "dateDepot": _day_of(r.deposited_at, tz),
        "dateFacture": _day(r.invoice_date),
        "dateHeureEtatCourant": _iso(r.status_changed_at, tz),
        "commentaireEtatCourant": or_none(r.status_comment),
        "devise": r.currency,
        "montantHT": number(r.amount_ht),
        "montantTTC": number(r.amount_ttc),
        "montantAPayer": number(r.amount_to_pay),
        "numeroBonCommande": or_none(r.engagement_number),
        "numeroMarche": or_none(r.market_number),
        "factureTelechargeeParDestinataire": r.downloaded_by_recipient_at is not None,
        "taille": r.total_size if with_size else None,
        "codeMOA": None,
        "codeMOE": None,
        "designationMOA": None,
        "designationMOE": None,
        "typeIdentifiantMOA": None,
        "typeIdentifiantMOE": None,
    }


def validator_row(r, tz) -> dict:
    """§6.6 `rechercher/valideur` (`serialize.validator_row`)."""
    return {
        "idFacture": r.pk,
        "numeroFacture": r.number,
        "statut": r.status,
        "typeDemandePaiement": "FACTURE",
        "typeFacture": r.invoice_type,
        "dateDepot": _day_of(r.deposited_at, tz),
        "dateFacture": _day(r.invoice_date),
        "idFournisseur": r.supplier_id,
        "identifiantFournisseur": r.supplier_identifier,
        "typeIdentifiantFournisseur": or_none(r.supplier_identifier_type),
        "designationFournisseur": r.supplier_name,
        "codeServiceFournisseur": r.supplier_service__code,
        "nomServiceFournisseur": r.supplier_service__name,
        "idDestinataire": r.recipient_id,
        "identifiantDestinataire": or_none(r.recipient_identifier),
        "typeIdentifiantDestinataire": "SIRET" if r.recipient_identifier else None,
        "designationDestinataire": or_none(r.recipient_name),
        "idServiceExecutant": r.recipient_service_id,
        "codeServiceExecutant": or_none(r.recipient_service_code),
        "nomServiceExecutant": or_none(r.recipient_service_name),
        "idValideur": r.validator_id,
        "identifiantValideur": or_none(r.validator_identifier),
        "typeIdentifiantValideur": r.validator__identifier_type,
        "designationValideur": or_none(r.validator_name),
        "montantHT": number(r.amount_ht),
        "montantTTC": number(r.amount_ttc),
        "montantAPayer": number(r.amount_to_pay),
        "devise": r.currency,
        "numeroEngagement": or_none(r.engagement_number),
        "numeroMarche": or_none(r.market_number),
    }
