"""Identifier validation per type (STR-2/3/4), VAT, IBAN, BIC and service codes.

Every function takes the user's input, returns the normalised value to store and raises
`django.core.exceptions.ValidationError` with a French message (the msgid) and a stable
`code` that tests and the API can rely on. The checks themselves come from python-stdnum
(ARCHITECTURE: never hand-write a Luhn check).

Formats of the non-SIRET identifier types (STR-2, product decision, shown as form hints):

- UE_HORS_FRANCE: the intra-EU VAT number of a company established in another member state
  (country prefix + national number, e.g. DE136695976), checked by stdnum.eu.vat; a French
  (FR) number is refused, since such a company has a SIRET.
- HORS_UE: free text (a foreign registration number): 1 to 80 letters, digits, spaces and
  `- . /`.
- RIDET (New Caledonia): the company number of 6 or 7 digits followed by the 3-digit
  establishment rank, stored without separators (9 or 10 digits).
- TAHITI (French Polynesia): the 6-character TAHITI number (letters and digits), optionally
  followed by the 3-digit establishment rank (6 or 9 characters), stored in capitals.
- PARTICULIER and AUTRE: free text, 1 to 80 characters, with at least one letter or digit.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from structures.enums import IdentifierType

IDENTIFIER_MAX_LENGTH = 80
SERVICE_CODE_MAX_LENGTH = 100
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"

# STR-2: "the form shows the expected format for each type".
IDENTIFIER_HINTS = {
    IdentifierType.SIRET: _(
        "14 chiffres : le SIREN (9 chiffres) suivi du NIC (5 chiffres), par exemple 732 829 320 00074."
    ),
    IdentifierType.UE_HORS_FRANCE: _(
        "Numéro de TVA intracommunautaire d'un autre État membre, préfixe pays compris, par exemple DE136695976."
    ),
    IdentifierType.HORS_UE: _(
        "Numéro d'immatriculation du pays d'établissement : lettres, chiffres, espaces, « - », « . » ou « / » (80 caractères au plus)."
    ),
    IdentifierType.RIDET: _(
        "Numéro RIDET : 6 ou 7 chiffres de l'entreprise suivis des 3 chiffres de l'établissement."
    ),
    IdentifierType.TAHITI: _(
        "Numéro TAHITI : 6 lettres ou chiffres, éventuellement suivis des 3 chiffres de l'établissement."
    ),
    IdentifierType.PARTICULIER: _("Identifiant libre de 80 caractères au plus."),
    IdentifierType.AUTRE: _("Identifiant libre de 80 caractères au plus."),
}

_SEPARATORS = re.compile(r"[\s.\-/]")
_HORS_UE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z .\-/]*$")
_RIDET = re.compile(r"^\d{6,7}\d{3}$")
_TAHITI = re.compile(r"^[0-9A-Z]{6}(\d{3})?$")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "")


def validate_siret(value: str) -> str:
    """STR-3/STR-4: 14 digits, Luhn checksum; La Poste (SIREN 356000000): digit sum % 5.

    Exactly STR-4: the key of the 14-digit number is checked, not the SIREN's own key
    (stdnum's `fr.siret.validate` also checks the SIREN, which STR-4 does not ask). As in
    stdnum, La Poste's head office 35600000000048 keeps the ordinary Luhn rule.
    """
    number = _compact(value)
    if not number:
        raise ValidationError(_("Saisissez le SIRET."), code="required")
    if not number.isdigit():
        raise ValidationError(
            _(
                "Le SIRET ne contient que des chiffres : retirez les lettres et les autres caractères."
            ),
            code="siret_not_digits",
        )
    if len(number) != 14:
        raise ValidationError(
            _("Le SIRET compte 14 chiffres ; vous en avez saisi %(count)s."),
            code="siret_length",
            params={"count": len(number)},
        )
    if number[:9] == "000000000":
        # All zeros pass the Luhn check, but no company has SIREN 000 000 000.
        valid = False
    elif number.startswith(LA_POSTE_SIREN) and number != LA_POSTE_HEAD_OFFICE:
        valid = sum(int(digit) for digit in number) % 5 == 0
    else:
        valid = luhn.is_valid(number)
    if not valid:
        raise ValidationError(
            _(
                "Ce SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez chacun des 14 chiffres."
            ),
            code="siret_checksum",
        )
    return number


def validate_vat_number(value: str, *, exclude_france: bool = False) -> str:
    """An intra-EU VAT number (stdnum.eu.vat: country prefix and national check)."""
    number = _compact(value).upper()
    if not number:
        raise ValidationError(_("Saisissez le numéro de TVA intracommunautaire."), code="required")
    if not number[:2].isalpha():
        raise ValidationError(
            _(
                "Le numéro de TVA intracommunautaire commence par le code du pays (par exemple FR ou DE)."
            ),
            code="vat_prefix",
        )
    if exclude_france and number[:2] == "FR":
        raise ValidationError(
            _("Une structure établie en France s'identifie par son SIRET, pas par sa TVA."),
            code="vat_france",
        )
    try:
        return stdnum_vat.validate(number)
    except InvalidComponent:
        raise ValidationError(
            _("Le code pays %(country)s n'est pas celui d'un État de l'Union européenne."),
            code="vat_country",
            params={"country": number[:2]},
        ) from None
    except StdnumError:
        raise ValidationError(
            _("Ce numéro de TVA intracommunautaire n'est pas valide."), code="vat_invalid"
        ) from None


def validate_identifier(identifier_type: str, value: str) -> str:
    """STR-2: the identifier checked and normalised according to its type."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Saisissez l'identifiant."), code="required")
    if identifier_type == IdentifierType.SIRET:
        return validate_siret(raw)
    if identifier_type == IdentifierType.UE_HORS_FRANCE:
        return validate_vat_number(raw, exclude_france=True)
    if identifier_type == IdentifierType.RIDET:
        number = _compact(raw)
        if not _RIDET.match(number):
            raise ValidationError(
                _(
                    "Le numéro RIDET compte 6 ou 7 chiffres suivis des 3 chiffres de l'établissement."
                ),
                code="ridet_format",
            )
        return number
    if identifier_type == IdentifierType.TAHITI:
        number = _compact(raw).upper()
        if not _TAHITI.match(number):
            raise ValidationError(
                _(
                    "Le numéro TAHITI compte 6 lettres ou chiffres, éventuellement suivis des 3 chiffres de l'établissement."
                ),
                code="tahiti_format",
            )
        return number
    if len(raw) > IDENTIFIER_MAX_LENGTH:
        raise ValidationError(
            _("L'identifiant compte au plus %(max)s caractères."),
            code="identifier_length",
            params={"max": IDENTIFIER_MAX_LENGTH},
        )
    if identifier_type == IdentifierType.HORS_UE:
        if not _HORS_UE.match(raw):
            raise ValidationError(
                _(
                    "L'identifiant ne contient que des lettres, des chiffres, des espaces et les signes « - », « . » ou « / »."
                ),
                code="identifier_format",
            )
        return raw.upper()
    if identifier_type in (IdentifierType.PARTICULIER, IdentifierType.AUTRE):
        if not any(char.isalnum() for char in raw):
            raise ValidationError(
                _("L'identifiant contient au moins une lettre ou un chiffre."),
                code="identifier_format",
            )
        return raw
    raise ValidationError(_("Type d'identifiant inconnu."), code="identifier_type")


def validate_iban(value: str) -> str:
    """BNK-2: ISO 13616 (country, length, mod-97 check)."""
    number = stdnum_iban.compact(value or "")
    if not number:
        raise ValidationError(_("Saisissez l'IBAN."), code="required")
    try:
        return stdnum_iban.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "Cet IBAN n'est pas valide : sa clé de contrôle ne correspond pas. Vérifiez chaque caractère et leur nombre (27 pour un IBAN français)."
            ),
            code="iban_checksum",
        ) from None
    except InvalidLength:
        raise ValidationError(
            _("Cet IBAN n'a pas la longueur attendue pour son pays."), code="iban_length"
        ) from None
    except StdnumError:
        raise ValidationError(
            _("Cet IBAN n'est pas valide : il commence par le code pays suivi de chiffres."),
            code="iban_format",
        ) from None


def validate_bic(value: str) -> str:
    """BNK-2: 8 or 11 characters (bank, country, location, optional branch)."""
    number = stdnum_bic.compact(value or "")
    if not number:
        raise ValidationError(_("Saisissez le BIC."), code="required")
    if len(number) not in (8, 11):
        raise ValidationError(
            _("Le BIC compte 8 ou 11 caractères ; vous en avez saisi %(count)s."),
            code="bic_length",
            params={"count": len(number)},
        )
    try:
        return stdnum_bic.validate(number)
    except StdnumError:
        raise ValidationError(
            _(
                "Ce BIC n'est pas valide : 4 lettres (banque), 2 lettres (pays), 2 caractères (lieu), puis 3 caractères facultatifs (agence)."
            ),
            code="bic_format",
        ) from None


def validate_service_code(value: str) -> str:
    """SRV-1: at most 100 characters; spaces around are dropped."""
    code = (value or "").strip()
    if not code:
        raise ValidationError(_("Saisissez le code du service."), code="required")
    if len(code) > SERVICE_CODE_MAX_LENGTH:
        raise ValidationError(
            _("Le code du service compte au plus %(max)s caractères."),
            code="service_code_length",
            params={"max": SERVICE_CODE_MAX_LENGTH},
        )
    return code
