"""Use cases of the Commitments area (DOMAIN §8): scoped querysets, then one function per
action. Views and the API call these; rights are checked here through `structures.access`.

Errors are `ValidationError` ({field: message} where a field is at fault) and
`PermissionDenied` (the object is visible but the user is in consultation mode).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.enums import CommitmentState, SupplierAnswer
from commitments.models import Commitment, CommitmentInvoice
from portal.areas import AreaCode, Mode
from structures import access
from structures.enums import StructureKind
from structures.models import Service, Structure

AREA = AreaCode.COMMITMENTS

# A change of any of these is a new order for the supplier: its answer is asked again.
MATERIAL_FIELDS = (
    "number",
    "commitment_type",
    "supplier",
    "amount_ht",
    "currency",
    "valid_from",
    "valid_until",
)
# Fields that identify the commitment for its linked invoices (EJ-4).
LOCKED_WHEN_LINKED = ("number", "supplier")


# --- Scoped querysets ----------------------------------------------------------------


def structure_ids(user, mode: Mode | str = Mode.VIEW) -> list[int]:
    return access.structure_ids_with_area(user, AREA, mode)


def commitments_visible_to(user, mode: Mode | str = Mode.VIEW) -> QuerySet[Commitment]:
    """Commitments published by, or addressed to, a structure where the user holds the area."""
    ids = structure_ids(user, mode)
    return Commitment.objects.filter(Q(recipient_id__in=ids) | Q(supplier_id__in=ids))


def published_by(structure: Structure) -> QuerySet[Commitment]:
    """The recipient's list (EJ-2), with the number of linked invoices: a subquery per
    listed row, where a join and GROUP BY aggregated every commitment of the structure
    before the page could be sorted (issue 10)."""
    links = (
        CommitmentInvoice.objects.filter(commitment=OuterRef("pk"))
        .order_by()
        .values("commitment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Commitment.objects.filter(recipient=structure)
        .select_related("supplier", "service")
        .annotate(invoice_count=Coalesce(Subquery(links, output_field=IntegerField()), 0))
        .order_by("-date", "-id")
    )


def orders_of(structure: Structure) -> QuerySet[Commitment]:
    """The supplier's orders (« commandes », EJ-3), with their linked invoices."""
    return (
        Commitment.objects.filter(supplier=structure)
        .select_related("recipient", "service")
        .prefetch_related("invoice_links__invoice")
        .order_by("-date", "-id")
    )


def filter_commitments(queryset: QuerySet[Commitment], criteria: dict) -> QuerySet[Commitment]:
    """The list filters: number, supplier, recipient, state, type, supplier's answer."""
    number = (criteria.get("number") or "").strip()
    if number:
        queryset = queryset.filter(number__icontains=number)
    supplier = (criteria.get("supplier") or "").strip()
    if supplier:
        queryset = queryset.filter(
            Q(supplier__company_name__icontains=supplier)
            | Q(supplier_identifier__icontains=supplier.replace(" ", ""))
        )
    recipient = (criteria.get("recipient") or "").strip()
    if recipient:
        queryset = queryset.filter(
            Q(recipient__company_name__icontains=recipient)
            | Q(recipient__identifier__icontains=recipient.replace(" ", ""))
        )
    state = criteria.get("state")
    if state == CommitmentState.COMMANDE:
        queryset = queryset.filter(is_active=True)
    elif state == CommitmentState.INACTIF:
        queryset = queryset.filter(is_active=False)
    if criteria.get("commitment_type"):
        queryset = queryset.filter(commitment_type=criteria["commitment_type"])
    answer = criteria.get("answer")
    if answer == "NONE":
        queryset = queryset.filter(supplier_answer__isnull=True)
    elif answer:
        queryset = queryset.filter(supplier_answer=answer)
    return queryset


def can_manage(user, commitment: Commitment) -> bool:
    """Modification mode on the publishing structure (EJ-1, EJ-2)."""
    return access.has_area(user, commitment.recipient_id, AREA, Mode.CHANGE)


def can_answer(user, commitment: Commitment) -> bool:
    """EJ-3: modification mode on the supplier, an active commitment not yet answered."""
    return (
        commitment.is_active
        and commitment.supplier_answer is None
        and access.has_area(user, commitment.supplier_id, AREA, Mode.CHANGE)
    )


def publishing_structures(user) -> QuerySet[Structure]:
    """Public structures where the user may create commitments."""
    return Structure.objects.filter(
        pk__in=structure_ids(user, Mode.CHANGE), kind=StructureKind.PUBLIQUE, is_active=True
    )


# --- Checks --------------------------------------------------------------------------


def _require_manage(actor, recipient: Structure) -> None:
    if not recipient.is_public:
        raise PermissionDenied(_("Seule une structure publique publie des engagements."))
    if not access.has_area(actor, recipient, AREA, Mode.CHANGE):
        raise PermissionDenied(_("Vous consultez cet espace : la modification n'est pas permise."))


def find_supplier(identifier: str, *, recipient: Structure) -> Structure:
    compact = (identifier or "").replace(" ", "").strip()
    if not compact:
        raise ValidationError({"supplier_identifier": _("Saisissez l'identifiant du fournisseur.")})
    supplier = (
        Structure.objects.filter(identifier=compact, is_active=True)
        .order_by("identifier_type", "id")
        .first()
    )
    if supplier is None:
        raise ValidationError(
            {
                "supplier_identifier": _(
                    "Aucune structure active ne porte l'identifiant %(identifier)s dans Chorus Pro."
                )
                % {"identifier": compact}
            }
        )
    if supplier.pk == recipient.pk:
        raise ValidationError(
            {
                "supplier_identifier": _(
                    "Le fournisseur doit être une autre structure que la structure publique."
                )
            }
        )
    return supplier


def _clean(recipient: Structure, values: dict, *, exclude_pk: int | None) -> dict:
    """Shape and rules of a commitment's data; raises every field error at once."""
    errors: dict[str, str] = {}
    number = (values.get("number") or "").strip()
    if not number:
        errors["number"] = _("Saisissez le numéro d'engagement.")
    elif (
        Commitment.objects.filter(recipient=recipient, number__iexact=number)
        .exclude(pk=exclude_pk)
        .exists()
    ):
        errors["number"] = _(
            "Le numéro d'engagement %(number)s existe déjà pour cette structure."
        ) % {"number": number}
    values["number"] = number
    amount = values.get("amount_ht")
    if amount is None:
        errors["amount_ht"] = _("Saisissez le montant HT.")
    elif Decimal(amount) < 0:
        errors["amount_ht"] = _("Le montant HT ne peut pas être négatif.")
    currency = (values.get("currency") or "EUR").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = _("Saisissez le code de la devise sur trois lettres, par exemple EUR.")
    values["currency"] = currency
    service = values.get("service")
    if service is not None and service.structure_id != recipient.pk:
        errors["service"] = _("Ce service n'appartient pas à la structure publique.")
    valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = _("La fin de validité doit suivre le début de validité.")
    if values.get("date") is None:
        values["date"] = timezone.localdate()
    if errors:
        raise ValidationError(errors)
    return values


def _save(commitment: Commitment) -> Commitment:
    """The unique constraint answers a double submit or a race the check above missed."""
    try:
        with transaction.atomic():
            commitment.save()
    except IntegrityError:
        raise ValidationError(
            {
                "number": _("Le numéro d'engagement %(number)s existe déjà pour cette structure.")
                % {"number": commitment.number}
            }
        ) from None
    return commitment


# --- Use cases -----------------------------------------------------------------------


@transaction.atomic
def create_commitment(
    *,
    actor,
    recipient: Structure,
    number: str,
    commitment_type: str,
    supplier_identifier: str,
    amount_ht: Decimal,
    currency: str = "EUR",
    label: str = "",
    service: Service | None = None,
    date: datetime.date | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    is_active: bool = True,
) -> Commitment:
    """EJ-1: a public structure publishes a commitment for a supplier."""
    _require_manage(actor, recipient)
    errors: dict = {}
    supplier = None
    try:
        supplier = find_supplier(supplier_identifier, recipient=recipient)
    except ValidationError as error:
        errors.update(error.message_dict)
    values = {
        "number": number,
        "amount_ht": amount_ht,
        "currency": currency,
        "service": service,
        "date": date,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    try:
        values = _clean(recipient, values, exclude_pk=None)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    commitment = Commitment(
        recipient=recipient,
        commitment_type=commitment_type,
        label=(label or "").strip(),
        supplier=supplier,
        supplier_identifier=supplier.identifier,
        is_active=is_active,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    return _save(commitment)


def _locked(commitment: Commitment) -> Commitment:
    return (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("recipient", "supplier")
        .get(pk=commitment.pk)
    )


@transaction.atomic
def update_commitment(commitment: Commitment, *, actor, **changes) -> Commitment:
    """Edit a commitment. Number and supplier are fixed once an invoice is linked (EJ-4);
    a material change asks the supplier's answer again (EJ-3)."""
    locked = _locked(commitment)
    _require_manage(actor, locked.recipient)
    errors: dict = {}
    if "supplier_identifier" in changes:
        identifier = (changes.pop("supplier_identifier") or "").replace(" ", "")
        if identifier != locked.supplier_identifier:
            try:
                changes["supplier"] = find_supplier(identifier, recipient=locked.recipient)
                changes["supplier_identifier"] = changes["supplier"].identifier
            except ValidationError as error:
                errors.update(error.message_dict)
    if "number" in changes:
        changes["number"] = (changes["number"] or "").strip()
    if locked.invoice_links.exists():
        for name in LOCKED_WHEN_LINKED:
            new = changes.get(name)
            old = getattr(locked, name)
            if name in changes and new != old:
                field = "supplier_identifier" if name == "supplier" else name
                errors[field] = _(
                    "Des factures sont liées à cet engagement : le numéro et le fournisseur ne peuvent plus être modifiés."
                )
    values = {
        name: changes.get(name, getattr(locked, name))
        for name in ("number", "amount_ht", "currency", "service", "date")
        + ("valid_from", "valid_until")
    }
    try:
        values = _clean(locked.recipient, values, exclude_pk=locked.pk)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    changes.update(values)
    if "label" in changes:
        changes["label"] = (changes["label"] or "").strip()
    material = any(
        name in changes and changes[name] != getattr(locked, name) for name in MATERIAL_FIELDS
    )
    for name, value in changes.items():
        setattr(locked, name, value)
    if material and locked.supplier_answer is not None:
        locked.supplier_answer = None
        locked.answered_at = None
        locked.answered_by = None
    _save(locked)
    commitment.refresh_from_db()
    return locked


@transaction.atomic
def set_active(commitment: Commitment, *, actor, active: bool) -> Commitment:
    """EJ-2: inactivate (state INACTIF) or reactivate (COMMANDE). Idempotent."""
    locked = _locked(commitment)
    _require_manage(actor, locked.recipient)
    if locked.is_active != active:
        locked.is_active = active
        locked.save(update_fields=["is_active", "updated_at"])
    commitment.refresh_from_db()
    return locked


@transaction.atomic
def delete_commitment(commitment: Commitment, *, actor) -> None:
    """EJ-2: only a commitment no invoice is linked to can be deleted."""
    locked = _locked(commitment)
    _require_manage(actor, locked.recipient)
    if locked.invoice_links.exists():
        raise ValidationError(
            _(
                "Des factures sont liées à l'engagement %(number)s : il ne peut pas être supprimé. Désactivez-le plutôt."
            )
            % {"number": locked.number}
        )
    locked.delete()


@transaction.atomic
def answer_commitment(commitment: Commitment, *, actor, answer: str) -> Commitment:
    """EJ-3: the supplier accepts or refuses the order, once. The same answer twice (double
    submit) changes nothing; a different second answer is refused."""
    if answer not in SupplierAnswer.values:
        raise ValidationError(_("Réponse inconnue."))
    locked = _locked(commitment)
    if not access.has_area(actor, locked.supplier_id, AREA, Mode.CHANGE):
        raise PermissionDenied(_("Vous consultez cet espace : la modification n'est pas permise."))
    if locked.supplier_answer == answer:
        return locked
    if locked.supplier_answer is not None:
        raise ValidationError(_("Vous avez déjà répondu à cette commande."))
    if not locked.is_active:
        raise ValidationError(_("Cet engagement est inactif : il n'attend plus de réponse."))
    locked.supplier_answer = answer
    locked.answered_at = timezone.now()
    locked.answered_by = actor
    locked.save(update_fields=["supplier_answer", "answered_at", "answered_by", "updated_at"])
    commitment.refresh_from_db()
    return locked
