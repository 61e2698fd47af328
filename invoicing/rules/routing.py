"""Who an invoice goes to and comes from: recipient and service (INV-3, INV-4, EJ-4, not
one's own structure), supplier and its service and bank account (INV-1), validator (VAL-1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commitments import rules as commitment_rules
from invoicing.enums import (
    VALIDATION_FRAMES,
    Frame,
)
from invoicing.errors import ReturnCode
from invoicing.rules import memo
from invoicing.rules.fields import (
    REFERENCE_MAX,
    FieldErrors,
    normalise_identifier,
)
from portal.areas import AreaCode, Mode
from portal.prepared import Prepared
from structures import access
from structures.models import BankAccount, Service, Structure


@dataclass(frozen=True)
class Routing:
    recipient: Structure
    recipient_service: Service | None


def find_recipient(identifier: str) -> Structure | None:
    """INV-3: an active structure with RECEIVED open, or None (read once per `memo.batch`)."""
    identifier = normalise_identifier(identifier)
    if not identifier:
        return None
    return memo.remember(recipient_key(identifier), lambda: _find_recipient(identifier))


def recipient_key(identifier: str) -> tuple:
    return ("recipient", identifier)


_IDENTIFIER = "\x00identifier"  # marks where the call's identifier goes

# One query (issue 10): the structure and its opened RECEIVED area together, compiled once
# per process (compiling the EXISTS cost three times running it, twice per deposit). Its
# parameters are the identifier, which picks rows by a plain index, and the area code of
# the (structure, area) unique index: neither table has a partial index a generic plan
# could miss, so the prepared plan is the right one (`portal.prepared`).
_RECIPIENT = Prepared(
    lambda _vendor: Structure.objects.filter(identifier=_IDENTIFIER, is_active=True).filter(
        access.open_area_exists(AreaCode.RECEIVED)
    )[:1],
    _IDENTIFIER,
)


def _find_recipient(identifier: str) -> Structure | None:
    found = _RECIPIENT.run(identifier)
    return found[0] if found else None


def find_recipients(identifiers) -> dict[str, Structure | None]:
    """`find_recipient` of many identifiers (normalised) in two queries."""
    identifiers = {normalise_identifier(i) for i in identifiers} - {""}
    found = dict.fromkeys(identifiers)
    structures = list(Structure.objects.filter(identifier__in=identifiers, is_active=True))
    opened = access.opened_among(structures, AreaCode.RECEIVED)
    for structure in structures:
        if structure.pk in opened and found[structure.identifier] is None:
            found[structure.identifier] = structure
    return found


SIRET_DIGITS = 14  # STR-3


def recipient_problem(identifier: str, *, supplier_pk=None) -> tuple[str, str]:
    """Why `identifier` names no recipient (find_recipient gave None), in words the user
    can act on: too short, their own structure, a structure that receives no invoices,
    an inactive one, or none at all. Returns (kind, message); kind is one of "short",
    "own", "not_recipient", "inactive", "unknown"."""
    identifier = normalise_identifier(identifier)
    if identifier.isdigit() and len(identifier) < SIRET_DIGITS:
        return "short", _(
            "Le SIRET %(identifier)s est trop court : un SIRET compte %(digits)d chiffres "
            "(%(count)d saisis)."
        ) % {"identifier": identifier, "digits": SIRET_DIGITS, "count": len(identifier)}
    structure = Structure.objects.filter(identifier=identifier).order_by("-is_active", "pk").first()
    if structure is not None and supplier_pk is not None and str(structure.pk) == str(supplier_pk):
        return "own", _(
            "Une structure ne peut pas se facturer elle-même : choisissez un autre destinataire."
        )
    if structure is not None and structure.is_active:
        return "not_recipient", _(
            "La structure %(identifier)s n'est pas une structure destinataire : elle ne reçoit "
            "pas de factures sur la plateforme. Vérifiez le SIRET dans l'annuaire."
        ) % {"identifier": identifier}
    if structure is not None:
        return "inactive", _(
            "La structure %(identifier)s est inactive : elle ne reçoit plus de factures."
        ) % {"identifier": identifier}
    return "unknown", _("Le destinataire %(identifier)s est inconnu ou inactif.") % {
        "identifier": identifier
    }


def find_active_structure(identifier: str | None) -> Structure | None:
    """An active structure by identifier (the validator of VAL-1), or None."""
    identifier = normalise_identifier(identifier)
    if not identifier:
        return None
    return memo.remember(
        ("active structure", identifier),
        lambda: Structure.objects.filter(identifier=identifier, is_active=True).first(),
    )


def find_service(structure: Structure | None, code: str, *, active_only: bool = False):
    """The structure's service with this code, or None. Inactive ones are found unless
    `active_only`: the checks then say why they are refused."""
    if structure is None or not code:
        return None

    def read():
        services = structure.services.filter(code=code)
        if active_only:
            services = services.filter(is_active=True)
        return services.first()

    return memo.remember(service_key(structure.pk, code, active_only), read)


def service_key(structure_id, code: str, active_only: bool = False) -> tuple:
    return ("service", structure_id, code, active_only)


def usable_services(recipient: Structure) -> list[Service]:
    """SRV-2: the services an invoice may name today."""
    return [s for s in recipient.services.filter(is_active=True).order_by("code") if s.is_usable()]


def check_routing(
    *, supplier, recipient_identifier: str, service_code: str, engagement_number: str
) -> Routing:
    """INV-3, INV-4, EJ-4 and the own-structure refusal; also used by recycling (T16)."""
    errors = FieldErrors()
    identifier = normalise_identifier(recipient_identifier)
    service_code = (service_code or "").strip()
    engagement_number = (engagement_number or "").strip()
    recipient = None
    service = None

    if len(engagement_number) > REFERENCE_MAX:
        errors.add(
            "engagement_number",
            _("Le numéro d'engagement ne peut pas dépasser %(max)d caractères.")
            % {"max": REFERENCE_MAX},
        )
    if not identifier:
        errors.add("recipient_identifier", _("Le SIRET du destinataire est obligatoire."))
    else:
        recipient = find_recipient(identifier)
        if recipient is None:
            errors.add(
                "recipient_identifier",
                recipient_problem(identifier, supplier_pk=getattr(supplier, "pk", supplier))[1],
                ReturnCode.RECIPIENT,
            )
        elif supplier is not None and recipient.pk == getattr(supplier, "pk", supplier):
            errors.add(
                "recipient_identifier",
                _(
                    "Une structure ne peut pas se facturer elle-même : choisissez un autre destinataire."
                ),
                ReturnCode.RECIPIENT,
            )
            recipient = None

    if recipient is not None:
        if service_code:
            service = find_service(recipient, service_code)
            if service is None:
                errors.add(
                    "recipient_service_code",
                    _("Le code service %(code)s n'existe pas pour ce destinataire.")
                    % {"code": service_code},
                    ReturnCode.SERVICE,
                )
            elif not service.is_usable():
                errors.add(
                    "recipient_service_code",
                    _("Le service %(code)s est inactif ou hors de sa période de validité.")
                    % {"code": service_code},
                    ReturnCode.SERVICE,
                )
                service = None
        elif recipient.service_code_required:
            errors.add(
                "recipient_service_code",
                _("Le code service est obligatoire pour ce destinataire."),
                ReturnCode.SERVICE,
            )
        if not engagement_number:
            if recipient.engagement_required:
                errors.add(
                    "engagement_number",
                    _("Le numéro d'engagement est obligatoire pour ce destinataire."),
                    ReturnCode.ENGAGEMENT,
                )
            elif service is not None and service.engagement_required:
                errors.add(
                    "engagement_number",
                    _("Le numéro d'engagement est obligatoire pour le service %(code)s.")
                    % {"code": service.code},
                    ReturnCode.ENGAGEMENT,
                )
        if recipient.engagement_or_service_required and not engagement_number and not service_code:
            message = _("Le numéro d'engagement ou le code service doit être renseigné.")
            errors.add("recipient_service_code", message, ReturnCode.ENGAGEMENT_OR_SERVICE)
            errors.add("engagement_number", message, ReturnCode.ENGAGEMENT_OR_SERVICE)
        if engagement_number and supplier is not None and not errors.has("engagement_number"):
            refusal = commitment_rules.check_engagement(
                recipient=recipient,
                supplier=supplier,
                engagement_number=engagement_number,
                service=service,
            )
            if refusal:
                errors.add("engagement_number", refusal, ReturnCode.ENGAGEMENT)

    errors.raise_if_any()
    return Routing(recipient=recipient, recipient_service=service)


def check_supplier(supplier, *, actor, errors: FieldErrors | None = None) -> None:
    """INV-1: an active supplier on which the actor holds ISSUED in modification."""
    own = errors or FieldErrors()
    if supplier is None or not getattr(supplier, "is_active", False):
        own.add(
            "supplier", _("La structure fournisseur est inconnue ou inactive."), ReturnCode.SUPPLIER
        )
    elif not access.has_area(actor, supplier.pk, AreaCode.ISSUED, Mode.CHANGE):
        own.add(
            "supplier",
            _(
                "Vous n'avez pas l'espace « Factures émises » en modification sur la structure "
                "%(name)s."
            )
            % {"name": supplier.company_name},
            ReturnCode.SUPPLIER,
        )
    if errors is None:
        own.raise_if_any()


def check_supplier_objects(data: Mapping, supplier, errors: FieldErrors):
    service = data.get("supplier_service") or None
    if service is not None:
        service = (
            service if isinstance(service, Service) else Service.objects.filter(pk=service).first()
        )
        if (
            service is None
            or supplier is None
            or service.structure_id != supplier.pk
            or not service.is_usable()
        ):
            errors.add(
                "supplier_service",
                _("Le service fournisseur est inconnu ou inactif pour cette structure."),
                ReturnCode.SUPPLIER,
            )
            service = None
    account = data.get("bank_account") or None
    if account is not None:
        account = (
            account
            if isinstance(account, BankAccount)
            else BankAccount.objects.filter(pk=account).first()
        )
        if (
            account is None
            or supplier is None
            or account.structure_id != supplier.pk
            or not account.is_active
        ):
            errors.add(
                "bank_account",
                _("Les coordonnées bancaires sont inconnues ou inactives pour ce fournisseur."),
                ReturnCode.BANK,
            )
            account = None
    return service, account


def check_validator(
    *, frame: Frame, supplier, validator_identifier: str, validator_service_code: str
) -> tuple[Structure | None, Service | None]:
    """VAL-1: A9/A12 need an active validator structure other than the supplier."""
    errors = FieldErrors()
    identifier = normalise_identifier(validator_identifier)
    code = (validator_service_code or "").strip()
    validator = service = None
    if frame not in VALIDATION_FRAMES:
        return None, None
    if not identifier:
        errors.add(
            "validator_identifier",
            _(
                "Le SIRET du titulaire ou du mandataire (structure valideur) est obligatoire "
                "pour le cadre %(frame)s."
            )
            % {"frame": frame.short},
            ReturnCode.VALIDATOR,
        )
    else:
        validator = find_active_structure(identifier)
        if validator is None:
            errors.add(
                "validator_identifier",
                _("La structure valideur %(identifier)s est inconnue ou inactive.")
                % {"identifier": identifier},
                ReturnCode.VALIDATOR,
            )
        elif supplier is not None and validator.pk == supplier.pk:
            errors.add(
                "validator_identifier",
                _("La structure valideur doit être différente de la structure fournisseur."),
                ReturnCode.VALIDATOR,
            )
            validator = None
    if validator is not None and code:
        service = find_service(validator, code, active_only=True)
        if service is None:
            errors.add(
                "validator_service_code",
                _("Le service %(code)s n'existe pas pour la structure valideur.") % {"code": code},
                ReturnCode.VALIDATOR,
            )
    errors.raise_if_any()
    return validator, service


def mandate_missing_message(supplier) -> str:
    return _(
        "La saisie en ligne nécessite le mandat de facturation : la structure %(name)s doit "
        "d'abord l'accepter (un gestionnaire de la structure le souscrit une seule fois)."
    ) % {"name": supplier.company_name}
