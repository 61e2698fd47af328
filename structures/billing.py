"""What invoices are routed and paid through (DOMAIN §3.3, MAN-1): the services of a
structure (SRV-1), its bank details (BNK-1/2) and its billing mandate.

Plain functions, `@transaction.atomic`, keyword-only `actor`, rights checked through
`structures.identity.locked_for_manager`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from structures import access
from structures.enums import ManagerActionCode
from structures.history import log_action
from structures.identity import (
    check_required,
    check_unknown,
    clean_text,
    locked,
    locked_for_manager,
)
from structures.models import BankAccount, Service, Structure
from structures.validators import validate_bic, validate_iban, validate_service_code

SERVICE_FIELDS = (
    "code",
    "name",
    "description",
    "street",
    "address_complement",
    "postcode",
    "city",
    "country",
    "valid_from",
    "valid_until",
    "is_active",
    "engagement_required",
    "payment_status_managed",
)
BANK_FIELDS = ("label", "iban", "bic", "is_factor", "is_active")


def _service_data(data: dict) -> dict:
    check_unknown(data, SERVICE_FIELDS)
    data = clean_text(data, SERVICE_FIELDS)
    if "code" in data:
        try:
            data["code"] = validate_service_code(data["code"])
        except ValidationError as exc:
            raise ValidationError({"code": exc}) from None
    if "country" in data:
        data["country"] = (data["country"] or "FR").upper()
    return data


def _check_service(service: Service) -> None:
    if not service.name:
        raise ValidationError({"name": _("Ce champ est obligatoire.")})
    if service.valid_from and service.valid_until and service.valid_until < service.valid_from:
        raise ValidationError(
            {"valid_until": _("La fin de validité ne peut pas précéder le début de validité.")}
        )
    duplicate = Service.objects.filter(structure_id=service.structure_id, code=service.code)
    if service.pk:
        duplicate = duplicate.exclude(pk=service.pk)
    if duplicate.exists():
        raise _code_in_use(service.code)


def _code_in_use(code: str) -> ValidationError:
    return ValidationError(
        {
            "code": ValidationError(
                _("Le code service %(code)s existe déjà dans cette structure."),
                code="service_code_in_use",
                params={"code": code},
            )
        }
    )


def _save_service(service: Service) -> None:
    try:
        with transaction.atomic():
            service.save()
    except IntegrityError:
        raise _code_in_use(service.code) from None


@transaction.atomic
def create_service(structure: Structure, *, actor, **data) -> Service:
    structure = locked_for_manager(structure, actor)
    data = _service_data(data)
    if not data.get("code"):
        raise ValidationError({"code": _("Saisissez le code du service.")})
    service = Service(structure=structure, **data)
    _check_service(service)
    _save_service(service)
    log_action(
        structure, actor=actor, action=ManagerActionCode.SERVICE_CREATED, details=service.code
    )
    return service


@transaction.atomic
def update_service(service: Service, *, actor, **data) -> Service:
    structure = locked_for_manager(service.structure, actor)
    service = Service.objects.select_for_update().get(pk=service.pk)
    for field, value in _service_data(data).items():
        setattr(service, field, value)
    _check_service(service)
    _save_service(service)
    log_action(
        structure, actor=actor, action=ManagerActionCode.SERVICE_UPDATED, details=service.code
    )
    return service


def _bank_data(data: dict) -> dict:
    check_unknown(data, BANK_FIELDS)
    data = clean_text(data, BANK_FIELDS)
    errors = {}
    for field, validator in (("iban", validate_iban), ("bic", validate_bic)):
        if field in data:
            try:
                data[field] = validator(data[field])
            except ValidationError as exc:
                errors[field] = exc
    if "label" in data and not data["label"]:
        errors["label"] = ValidationError(_("Ce champ est obligatoire."), code="required")
    if errors:
        raise ValidationError(errors)
    return data


def _check_bank_duplicate(account: BankAccount) -> None:
    """A double submit must not create the same account twice."""
    if not account.is_active:
        return
    duplicate = BankAccount.objects.filter(
        structure_id=account.structure_id, iban=account.iban, is_active=True
    )
    if account.pk:
        duplicate = duplicate.exclude(pk=account.pk)
    if duplicate.exists():
        raise ValidationError(
            {"iban": _("Cet IBAN figure déjà parmi les coordonnées bancaires actives.")}
        )


@transaction.atomic
def create_bank_account(structure: Structure, *, actor, **data) -> BankAccount:
    structure = locked_for_manager(structure, actor)
    data = _bank_data(data)
    check_required(data, ("label", "iban", "bic"))
    account = BankAccount(structure=structure, **data)
    _check_bank_duplicate(account)
    account.save()
    log_action(
        structure, actor=actor, action=ManagerActionCode.BANK_ACCOUNT_CREATED, details=account.label
    )
    return account


@transaction.atomic
def update_bank_account(account: BankAccount, *, actor, **data) -> BankAccount:
    structure = locked_for_manager(account.structure, actor)
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    for field, value in _bank_data(data).items():
        setattr(account, field, value)
    _check_bank_duplicate(account)
    account.save()
    log_action(
        structure, actor=actor, action=ManagerActionCode.BANK_ACCOUNT_UPDATED, details=account.label
    )
    return account


@transaction.atomic
def deactivate_bank_account(account: BankAccount, *, actor) -> BankAccount:
    """BNK-2: an inactive account is no longer "valid" (not selectable on invoices)."""
    structure = locked(account.structure)
    access.require_manager(actor, structure)
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    if account.is_active:
        account.is_active = False
        account.save(update_fields=["is_active"])
        log_action(
            structure,
            actor=actor,
            action=ManagerActionCode.BANK_ACCOUNT_DEACTIVATED,
            details=account.label,
        )
    return account


@transaction.atomic
def accept_billing_mandate(structure: Structure, *, actor) -> Structure:
    """Once per structure; a second acceptance (double click) changes nothing."""
    structure = locked_for_manager(structure, actor)
    if structure.billing_mandate_accepted_at is None:
        structure.billing_mandate_accepted_at = timezone.now()
        structure.billing_mandate_accepted_by = actor
        structure.save(update_fields=["billing_mandate_accepted_at", "billing_mandate_accepted_by"])
        log_action(structure, actor=actor, action=ManagerActionCode.BILLING_MANDATE_ACCEPTED)
    return structure
