"""The deposit checks of DOMAIN §5.4 (INV-1..INV-9, VAL-1, EJ-4), shared by every channel.

Pure service functions: they read the database, change nothing, and raise one
`InvoiceValidationError({field: [messages]}, {field: api_code})` listing every broken rule,
each message at its field (INV-11) in the active language, each with its API `codeRetour`
(API.md §4.4). Field names are those of the portal's deposit form; the API maps them.

    routing = check_routing(supplier=..., recipient_identifier=..., service_code=...,
                            engagement_number=...)
    checked = check_invoice(data, actor=user, supplier=structure, is_entry_mode=False)
    deposit = check_deposit(data, actor=user, supplier=structure, is_entry_mode=False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from commitments import rules as commitment_rules
from invoicing.enums import (
    CURRENT_FRAMES,
    VALIDATION_FRAMES,
    Frame,
    InvoiceStatus,
    InvoiceType,
    PaymentMode,
    VatExemptionReason,
    VatType,
    frame_from_code,
)
from invoicing.errors import InvoiceValidationError, ReturnCode
from invoicing.models import Invoice
from portal.areas import AreaCode, Mode
from structures import access
from structures.models import BankAccount, Service, Structure

# API codes (API.md §4.4).

NUMBER_MAX = 20
NUMBER_RE = re.compile(r"^[A-Za-z0-9_/+\-]+$")
REFERENCE_MAX = 50  # engagement and market numbers
COMMENT_MAX = 2000
DISCOUNT_REASON_MAX = 255
CENT = Decimal("0.01")
TOLERANCE = Decimal("0.01")  # INV-7, per VAT line
# ISO 4217 codes offered by the portal; any other is refused (§5.3).
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "DKK", "SEK", "NOK", "PLN", "CZK")
CURRENCIES += ("HUF", "RON", "BGN", "XPF", "MAD", "TND", "CNY")


def duplicate_number_message() -> str:
    return _("Ce numéro de facture a déjà été utilisé")


class _Errors:
    """Collects {field: [messages]} and {field: code}; the first code of a field wins."""

    def __init__(self) -> None:
        self.errors: dict[str, list] = {}
        self.codes: dict[str, int] = {}

    def add(self, name: str, message, code: int = ReturnCode.FORMAT) -> None:
        self.errors.setdefault(name, []).append(message)
        self.codes.setdefault(name, code)

    def merge(self, exc: InvoiceValidationError) -> None:
        for name, messages in exc.errors.items():
            for message in messages:
                self.add(name, message, exc.codes.get(name, ReturnCode.FORMAT))

    def has(self, name: str) -> bool:
        return name in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvoiceValidationError(self.errors, self.codes)


def money(value: Any) -> Decimal:
    """A Decimal rounded half-up to the cent (the portal's totals)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Routing: INV-3, INV-4, EJ-4, and "not one's own structure" (INV-1) ----------------


@dataclass(frozen=True)
class Routing:
    recipient: Structure
    recipient_service: Service | None


def normalise_identifier(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "")


def find_recipient(identifier: str) -> Structure | None:
    """INV-3: an active structure with RECEIVED open, or None."""
    identifier = normalise_identifier(identifier)
    if not identifier:
        return None
    for structure in Structure.objects.filter(identifier=identifier, is_active=True):
        if access.is_area_open(structure, AreaCode.RECEIVED):
            return structure
    return None


def usable_services(recipient: Structure) -> list[Service]:
    """SRV-2: the services an invoice may name today."""
    return [s for s in recipient.services.filter(is_active=True).order_by("code") if s.is_usable()]


def check_routing(
    *, supplier, recipient_identifier: str, service_code: str, engagement_number: str
) -> Routing:
    """INV-3, INV-4, EJ-4 and the own-structure refusal; also used by recycling (T16)."""
    errors = _Errors()
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
                _("Le destinataire %(identifier)s est inconnu ou inactif.")
                % {"identifier": identifier},
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
            service = recipient.services.filter(code=service_code).first()
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


# --- The rest of §5.4 -------------------------------------------------------------------


@dataclass
class CheckedInvoice:
    """The values of `data`, normalised, with the referenced objects resolved."""

    frame: Frame
    values: dict[str, Any]
    supplier_service: Service | None = None
    bank_account: BankAccount | None = None
    validator: Structure | None = None
    validator_service: Service | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    vat_lines: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CheckedDeposit:
    routing: Routing
    invoice: CheckedInvoice


def _text(data: Mapping, name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _decimal(data: Mapping, name: str, errors: _Errors, *, required: bool = True):
    value = data.get(name)
    if value in (None, ""):
        if required:
            errors.add(name, _("Ce montant est obligatoire."))
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        errors.add(name, _("Ce montant n'est pas un nombre valide."))
        return None


def _pk(value):
    return getattr(value, "pk", value)


def check_supplier(supplier, *, actor, errors: _Errors | None = None) -> None:
    """INV-1: an active supplier on which the actor holds ISSUED in modification."""
    own = errors or _Errors()
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


def number_is_used(*, supplier, number: str, year: int, exclude_pk: int | None = None) -> bool:
    """INV-5: drafts do not count; rejected and refused invoices keep their number."""
    used = Invoice.objects.filter(
        supplier_id=_pk(supplier), invoice_year=year, number=number
    ).exclude(status=InvoiceStatus.BROUILLON)
    if exclude_pk is not None:
        used = used.exclude(pk=exclude_pk)
    return used.exists()


def _check_frame(data: Mapping, errors: _Errors) -> Frame | None:
    code = _text(data, "frame")
    if not code:
        errors.add("frame", _("Le cadre de facturation est obligatoire."))
        return None
    frame = frame_from_code(code)
    if frame is None:
        errors.add(
            "frame",
            _("Le cadre de facturation %(code)s est inconnu.") % {"code": code},
            ReturnCode.REFERENCE,
        )
        return None
    if frame not in CURRENT_FRAMES:
        errors.add(
            "frame",
            _(
                "Le cadre de facturation %(code)s n'est pas encore disponible : seuls les cadres "
                "A1, A2, A9 et A12 peuvent être déposés."
            )
            % {"code": frame.value},
            ReturnCode.REFERENCE,
        )
        return None
    return frame


def _check_number_and_date(
    data: Mapping, supplier, errors: _Errors, exclude_pk: int | None
) -> tuple[str, date | None]:
    number = _text(data, "number")
    invoice_date = data.get("invoice_date")
    if not number:
        errors.add("number", _("Le numéro de facture est obligatoire."))
    elif len(number) > NUMBER_MAX:
        errors.add(
            "number",
            _("Le numéro de facture ne peut pas dépasser %(max)d caractères.")
            % {"max": NUMBER_MAX},
        )
    elif not NUMBER_RE.match(number):
        errors.add(
            "number",
            _(
                "Le numéro de facture ne peut contenir que des lettres, des chiffres et les "
                "caractères - _ / +."
            ),
        )
    if not invoice_date:
        errors.add("invoice_date", _("La date de facture est obligatoire."))
    elif not isinstance(invoice_date, date):
        errors.add("invoice_date", _("La date de facture n'est pas valide."))
        invoice_date = None
    elif invoice_date > timezone.localdate():
        errors.add(
            "invoice_date", _("La date de facture ne peut pas être postérieure à aujourd'hui.")
        )
    if (
        invoice_date
        and not errors.has("number")
        and supplier is not None
        and number_is_used(
            supplier=supplier, number=number, year=invoice_date.year, exclude_pk=exclude_pk
        )
    ):
        errors.add("number", duplicate_number_message(), ReturnCode.DUPLICATE)
    return number, invoice_date if isinstance(invoice_date, date) else None


def _check_references(data: Mapping, errors: _Errors) -> dict[str, Any]:
    invoice_type = _text(data, "invoice_type") or InvoiceType.FACTURE
    if invoice_type not in InvoiceType.values:
        errors.add("invoice_type", _("Le type de facture est inconnu."), ReturnCode.REFERENCE)
    original = _text(data, "original_invoice_number")
    if invoice_type == InvoiceType.AVOIR:
        if not original:
            errors.add(
                "original_invoice_number",
                _("Le numéro de la facture d'origine est obligatoire pour un avoir."),
            )
        elif len(original) > NUMBER_MAX:
            errors.add(
                "original_invoice_number",
                _("Le numéro de la facture d'origine ne peut pas dépasser %(max)d caractères.")
                % {"max": NUMBER_MAX},
            )
    else:
        original = ""
    currency = (_text(data, "currency") or "EUR").upper()
    if currency not in CURRENCIES:
        errors.add("currency", _("La devise %(code)s n'est pas acceptée.") % {"code": currency})
    vat_type = _text(data, "vat_type")
    reason = _text(data, "vat_exemption_reason")
    if not vat_type:
        errors.add("vat_type", _("Le type de TVA est obligatoire."))
    elif vat_type not in VatType.values:
        errors.add("vat_type", _("Le type de TVA est inconnu."), ReturnCode.REFERENCE)
    if vat_type == VatType.EXONERATION:
        if not reason:
            errors.add(
                "vat_exemption_reason",
                _("Le motif d'exonération de TVA est obligatoire pour une exonération."),
            )
        elif reason not in VatExemptionReason.values:
            errors.add(
                "vat_exemption_reason",
                _("Le motif d'exonération est inconnu."),
                ReturnCode.REFERENCE,
            )
    else:
        reason = ""
    payment_mode = _text(data, "payment_mode")
    if invoice_type == InvoiceType.AVOIR:
        payment_mode = ""  # §5.3: optional and ignored on a credit note
    elif not payment_mode:
        errors.add("payment_mode", _("Le mode de règlement est obligatoire pour une facture."))
    elif payment_mode not in PaymentMode.values:
        errors.add("payment_mode", _("Le mode de règlement est inconnu."), ReturnCode.REFERENCE)
    market = _text(data, "market_number")
    if len(market) > REFERENCE_MAX:
        errors.add(
            "market_number",
            _("Le numéro de marché ne peut pas dépasser %(max)d caractères.")
            % {"max": REFERENCE_MAX},
        )
    comment = _text(data, "comment")
    if len(comment) > COMMENT_MAX:
        errors.add(
            "comment",
            _("Le commentaire ne peut pas dépasser %(max)d caractères.") % {"max": COMMENT_MAX},
        )
    return {
        "invoice_type": invoice_type,
        "original_invoice_number": original,
        "currency": currency,
        "vat_type": vat_type,
        "vat_exemption_reason": reason,
        "payment_mode": payment_mode,
        "market_number": market,
        "comment": comment,
    }


# --- Lines and VAT recap (entry modes) --------------------------------------------------


def line_amount(line: Mapping) -> Decimal:
    quantity = Decimal(str(line.get("quantity") or 0))
    unit_price = Decimal(str(line.get("unit_price") or 0))
    discount = Decimal(str(line.get("discount") or 0))
    return money(quantity * unit_price - discount)


def compute_totals(lines: list[Mapping], global_discount: Any = 0) -> dict[str, Any]:
    """The VAT recap by rate and the totals of entry mode, half-up to the cent."""
    by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = Decimal(str(line.get("vat_rate") or 0)).quantize(CENT)
        by_rate[rate] = by_rate.get(rate, Decimal("0")) + line_amount(line)
    vat_lines = [
        {"rate": rate, "base_ht": money(base), "amount_tva": money(base * rate / 100)}
        for rate, base in sorted(by_rate.items())
    ]
    amount_ht = sum((v["base_ht"] for v in vat_lines), Decimal("0"))
    amount_tva = sum((v["amount_tva"] for v in vat_lines), Decimal("0"))
    discount = money(global_discount or 0)
    amount_ttc = money(amount_ht + amount_tva - discount)
    return {
        "vat_lines": vat_lines,
        "amount_ht": money(amount_ht),
        "amount_tva": money(amount_tva),
        "global_discount": discount,
        "amount_ttc": amount_ttc,
        "amount_to_pay": amount_ttc,
    }


def _check_lines(lines: list[Mapping], errors: _Errors) -> list[dict[str, Any]]:
    if not lines:
        errors.add("lines", _("Ajoutez au moins une ligne de poste."))
        return []
    checked = []
    for index, line in enumerate(lines, start=1):
        designation = str(line.get("designation") or "").strip()
        problems = []
        if not designation:
            problems.append(_("la désignation est obligatoire"))
        elif len(designation) > 255:
            problems.append(_("la désignation dépasse 255 caractères"))
        try:
            quantity = Decimal(str(line.get("quantity")))
            unit_price = Decimal(str(line.get("unit_price")))
            discount = Decimal(str(line.get("discount") or 0))
            vat_rate = Decimal(str(line.get("vat_rate")))
        except ArithmeticError:
            problems.append(_("la quantité, le prix unitaire et le taux de TVA sont obligatoires"))
        else:
            if quantity <= 0:
                problems.append(_("la quantité doit être positive"))
            if unit_price < 0:
                problems.append(_("le prix unitaire ne peut pas être négatif"))
            if discount < 0 or discount > quantity * unit_price:
                problems.append(_("la remise doit être comprise entre 0 et le montant de la ligne"))
            if not Decimal("0") <= vat_rate <= Decimal("100"):
                problems.append(_("le taux de TVA doit être compris entre 0 et 100"))
        if problems:
            errors.add(
                "lines",
                _("Ligne %(n)d : %(problems)s.") % {"n": index, "problems": ", ".join(problems)},
            )
            continue
        checked.append(
            {
                "position": index,
                "reference": str(line.get("reference") or "").strip()[:50],
                "designation": designation,
                "quantity": quantity,
                "unit": str(line.get("unit") or "").strip()[:20],
                "unit_price": unit_price,
                "discount": discount,
                "vat_rate": vat_rate.quantize(CENT),
                "amount_ht": line_amount(line),
            }
        )
    return checked


def _check_amounts(
    data: Mapping, errors: _Errors, *, is_entry_mode: bool, lines: list[dict]
) -> tuple[dict[str, Any], list[dict]]:
    """INV-7."""
    ht = _decimal(data, "amount_ht", errors)
    tva = _decimal(data, "amount_tva", errors)
    ttc = _decimal(data, "amount_ttc", errors)
    discount = _decimal(data, "global_discount", errors, required=False) or Decimal("0")
    to_pay = _decimal(data, "amount_to_pay", errors)
    reason = _text(data, "global_discount_reason")
    vat_lines: list[dict] = []
    for name, value in (("amount_ht", ht), ("amount_tva", tva), ("amount_ttc", ttc)):
        if value is not None and value < 0:
            errors.add(name, _("Ce montant ne peut pas être négatif."), ReturnCode.AMOUNTS)
    if discount < 0:
        errors.add(
            "global_discount", _("La remise globale ne peut pas être négative."), ReturnCode.AMOUNTS
        )
    if discount > 0 and not reason:
        errors.add(
            "global_discount_reason",
            _("Le motif de la remise globale est obligatoire quand une remise est saisie."),
        )
    if len(reason) > DISCOUNT_REASON_MAX:
        errors.add(
            "global_discount_reason",
            _("Le motif de la remise ne peut pas dépasser %(max)d caractères.")
            % {"max": DISCOUNT_REASON_MAX},
        )
    if is_entry_mode and lines:
        computed = compute_totals(lines, discount)
        given = data.get("vat_lines") or computed["vat_lines"]
        vat_lines = _check_vat_recap(given, computed["vat_lines"], errors)
        tolerance = TOLERANCE * max(1, len(computed["vat_lines"]))
        if ht is not None and abs(ht - computed["amount_ht"]) > tolerance:
            errors.add(
                "amount_ht",
                _("Le montant HT ne correspond pas à la somme des bases du récapitulatif de TVA."),
                ReturnCode.AMOUNTS,
            )
        if tva is not None and abs(tva - computed["amount_tva"]) > tolerance:
            errors.add(
                "amount_tva",
                _("Le montant de TVA ne correspond pas au récapitulatif de TVA."),
                ReturnCode.AMOUNTS,
            )
    tolerance = TOLERANCE * max(1, len(vat_lines))
    if None not in (ht, tva, ttc) and abs(ttc - (ht + tva - discount)) > tolerance:
        errors.add(
            "amount_ttc",
            _(
                "Le montant TTC ne correspond pas au montant HT augmenté de la TVA et diminué de "
                "la remise globale."
            ),
            ReturnCode.AMOUNTS,
        )
    if to_pay is not None:
        if to_pay < 0:
            errors.add(
                "amount_to_pay", _("Le net à payer ne peut pas être négatif."), ReturnCode.AMOUNTS
            )
        elif ttc is not None and to_pay > ttc:
            errors.add(
                "amount_to_pay",
                _("Le net à payer ne peut pas dépasser le montant TTC."),
                ReturnCode.AMOUNTS,
            )
    values = {
        "amount_ht": ht,
        "amount_tva": tva,
        "amount_ttc": ttc,
        "global_discount": discount,
        "global_discount_reason": reason if discount > 0 else "",
        "amount_to_pay": to_pay,
    }
    return values, vat_lines


def _check_vat_recap(given: list[Mapping], computed: list[dict], errors: _Errors) -> list[dict]:
    """INV-7, entry modes: the recap must match the lines, rate by rate."""
    expected = {v["rate"]: v for v in computed}
    seen = set()
    for vat in given:
        try:
            rate = Decimal(str(vat.get("rate"))).quantize(CENT)
            base = Decimal(str(vat.get("base_ht")))
            amount = Decimal(str(vat.get("amount_tva")))
        except ArithmeticError:
            errors.add("vat_lines", _("Une ligne du récapitulatif de TVA est incomplète."))
            return computed
        wanted = expected.get(rate)
        seen.add(rate)
        if (
            wanted is None
            or abs(base - wanted["base_ht"]) > TOLERANCE
            or abs(amount - wanted["amount_tva"]) > TOLERANCE
        ):
            errors.add(
                "vat_lines",
                _("Le récapitulatif de TVA au taux de %(rate)s %% ne correspond pas aux lignes.")
                % {"rate": rate},
                ReturnCode.AMOUNTS,
            )
    if seen != set(expected) and not errors.has("vat_lines"):
        errors.add(
            "vat_lines",
            _("Le récapitulatif de TVA ne reprend pas tous les taux des lignes."),
            ReturnCode.AMOUNTS,
        )
    return computed


# --- Parties: supplier service, bank details (INV-8), validator (VAL-1) -----------------


def _check_supplier_objects(data: Mapping, supplier, errors: _Errors):
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
    errors = _Errors()
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
        validator = Structure.objects.filter(identifier=identifier, is_active=True).first()
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
        service = validator.services.filter(code=code, is_active=True).first()
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


def check_invoice(
    data: Mapping[str, Any],
    *,
    actor,
    supplier,
    is_entry_mode: bool,
    exclude_pk: int | None = None,
) -> CheckedInvoice:
    """INV-1, INV-2, INV-5..INV-9, VAL-1 and the field limits of §5.3.

    `data` holds the deposit form's cleaned values: frame, number, invoice_date (a date),
    invoice_type, original_invoice_number, currency, vat_type, vat_exemption_reason,
    payment_mode, market_number, comment, amount_ht, amount_tva, amount_ttc,
    global_discount, global_discount_reason, amount_to_pay, supplier_service and
    bank_account (instances or ids), validator_identifier, validator_service_code, and in
    entry mode lines (dicts: designation, quantity, unit, unit_price, discount, vat_rate)
    with optional vat_lines (rate, base_ht, amount_tva). `exclude_pk`: the invoice being
    checked (a draft) for INV-5.
    """
    errors = _Errors()
    check_supplier(supplier, actor=actor, errors=errors)
    if is_entry_mode and supplier is not None and not supplier.has_billing_mandate:
        errors.add("supplier", mandate_missing_message(supplier), ReturnCode.NOT_ALLOWED)
    frame = _check_frame(data, errors)
    number, invoice_date = _check_number_and_date(data, supplier, errors, exclude_pk)
    references = _check_references(data, errors)
    lines = _check_lines(list(data.get("lines") or []), errors) if is_entry_mode else []
    amounts, vat_lines = _check_amounts(data, errors, is_entry_mode=is_entry_mode, lines=lines)
    supplier_service, bank_account = _check_supplier_objects(data, supplier, errors)
    validator = validator_service = None
    if frame is not None:
        try:
            validator, validator_service = check_validator(
                frame=frame,
                supplier=supplier,
                validator_identifier=_text(data, "validator_identifier"),
                validator_service_code=_text(data, "validator_service_code"),
            )
        except InvoiceValidationError as exc:
            errors.merge(exc)
    errors.raise_if_any()
    return CheckedInvoice(
        frame=frame,
        values={"number": number, "invoice_date": invoice_date, **references, **amounts},
        supplier_service=supplier_service,
        bank_account=bank_account,
        validator=validator,
        validator_service=validator_service,
        lines=lines,
        vat_lines=vat_lines,
    )


def check_deposit(
    data: Mapping[str, Any],
    *,
    actor,
    supplier,
    is_entry_mode: bool,
    exclude_pk: int | None = None,
) -> CheckedDeposit:
    """Every check of §5.4 at once: the user sees all broken rules in one go."""
    errors = _Errors()
    routing = checked = None
    try:
        routing = check_routing(
            supplier=supplier,
            recipient_identifier=_text(data, "recipient_identifier"),
            service_code=_text(data, "recipient_service_code"),
            engagement_number=_text(data, "engagement_number"),
        )
    except InvoiceValidationError as exc:
        errors.merge(exc)
    try:
        checked = check_invoice(
            data,
            actor=actor,
            supplier=supplier,
            is_entry_mode=is_entry_mode,
            exclude_pk=exclude_pk,
        )
    except InvoiceValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    return CheckedDeposit(routing=routing, invoice=checked)
