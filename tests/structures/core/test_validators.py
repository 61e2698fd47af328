"""STR-2/3/4, BNK-2, SRV-1: identifier, VAT, IBAN, BIC and service-code validation."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from structures.enums import IdentifierType
from structures.validators import (
    validate_bic,
    validate_iban,
    validate_identifier,
    validate_service_code,
    validate_siret,
    validate_vat_number,
)


def _code(func, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        func(*args, **kwargs)
    return caught.value.code


@pytest.mark.parametrize(
    "value",
    ["73282932000074", "732 829 320 00074", "732.829.320.00074", "11000201100044"],
)
def test_validate_siret_valid_returns_compact_digits(value):
    assert validate_siret(value) == value.replace(" ", "").replace(".", "")


@pytest.mark.parametrize(
    "value", ["12345678200028", "12345678200036", "12345678200044", "12345678200051"]
)
def test_validate_siret_qualification_fixtures_pass(value):
    """DIR-5: the public qualification SIRETs are valid SIRETs."""
    assert validate_siret(value) == value


def test_validate_siret_thirteen_digits_says_length():
    with pytest.raises(ValidationError) as caught:
        validate_siret("7328293200007")
    assert caught.value.code == "siret_length"
    with translation.override("fr"):
        assert "14 chiffres" in caught.value.messages[0]
        assert "13" in caught.value.messages[0]


def test_validate_siret_letters_says_digits_only():
    assert _code(validate_siret, "7328293200007A") == "siret_not_digits"


def test_validate_siret_bad_checksum_says_checksum():
    assert _code(validate_siret, "73282932000079") == "siret_checksum"


def test_validate_siret_la_poste_digit_sum_multiple_of_five_passes():
    """STR-4: SIREN 356000000, sum of the 14 digits a multiple of 5 (not Luhn)."""
    number = "35600000049837"  # digit sum 45, fails Luhn
    assert validate_siret(number) == number


def test_validate_siret_la_poste_digit_sum_not_multiple_of_five_fails():
    assert _code(validate_siret, "35600000012345") == "siret_checksum"


def test_validate_siret_empty_is_required():
    assert _code(validate_siret, "  ") == "required"


@pytest.mark.parametrize(
    ("identifier_type", "value", "expected"),
    [
        (IdentifierType.SIRET, "732 829 320 00074", "73282932000074"),
        (IdentifierType.UE_HORS_FRANCE, "DE 136 695 976", "DE136695976"),
        (IdentifierType.HORS_UE, "ch-123.456/7", "CH-123.456/7"),
        (IdentifierType.RIDET, "1234567 001", "1234567001"),
        (IdentifierType.RIDET, "123456.001", "123456001"),
        (IdentifierType.TAHITI, "a12345", "A12345"),
        (IdentifierType.TAHITI, "A12345 001", "A12345001"),
        (IdentifierType.PARTICULIER, "Jean Dupont 1970", "Jean Dupont 1970"),
        (IdentifierType.AUTRE, "ASSOC-42", "ASSOC-42"),
    ],
)
def test_validate_identifier_valid_per_type_normalises(identifier_type, value, expected):
    assert validate_identifier(identifier_type, value) == expected


@pytest.mark.parametrize(
    ("identifier_type", "value", "code"),
    [
        (IdentifierType.SIRET, "7328293200007", "siret_length"),
        (IdentifierType.UE_HORS_FRANCE, "FR40303265045", "vat_france"),
        (IdentifierType.UE_HORS_FRANCE, "136695976", "vat_prefix"),
        (IdentifierType.UE_HORS_FRANCE, "DE136695977", "vat_invalid"),
        (IdentifierType.HORS_UE, "abc#def", "identifier_format"),
        (IdentifierType.HORS_UE, "X" * 81, "identifier_length"),
        (IdentifierType.RIDET, "12345001", "ridet_format"),
        (IdentifierType.RIDET, "12345A7001", "ridet_format"),
        (IdentifierType.TAHITI, "A1234", "tahiti_format"),
        (IdentifierType.TAHITI, "A12345AB", "tahiti_format"),
        (IdentifierType.PARTICULIER, "---", "identifier_format"),
        (IdentifierType.AUTRE, "", "required"),
        ("NOPE", "123", "identifier_type"),
    ],
)
def test_validate_identifier_invalid_per_type_has_code(identifier_type, value, code):
    assert _code(validate_identifier, identifier_type, value) == code


def test_validate_vat_number_french_valid_passes():
    assert validate_vat_number("fr 40 303 265 045") == "FR40303265045"


def test_validate_vat_number_unknown_country_is_refused():
    assert _code(validate_vat_number, "US123456789") == "vat_country"


def test_validate_iban_valid_is_compacted():
    assert validate_iban("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"


def test_validate_iban_bad_checksum_is_refused():
    assert _code(validate_iban, "FR7630006000011234567890188") == "iban_checksum"


def test_validate_iban_truncated_is_refused_by_its_check():
    assert _code(validate_iban, "FR76300060000112345678901") == "iban_checksum"


def test_validate_iban_letters_only_is_refused():
    assert _code(validate_iban, "NOT AN IBAN") in ("iban_format", "iban_checksum")


@pytest.mark.parametrize("value", ["AGRIFRPP", "AGRIFRPPXXX", "agri fr pp xxx"])
def test_validate_bic_eight_or_eleven_characters_passes(value):
    assert validate_bic(value) in ("AGRIFRPP", "AGRIFRPPXXX")


def test_validate_bic_nine_characters_says_length():
    assert _code(validate_bic, "AGRIFRPPX") == "bic_length"


def test_validate_bic_digits_in_bank_code_is_refused():
    assert _code(validate_bic, "1GRIFRPP") == "bic_format"


def test_validate_service_code_over_100_characters_is_refused():
    assert _code(validate_service_code, "S" * 101) == "service_code_length"
    assert validate_service_code("  " + "S" * 100 + " ") == "S" * 100
