"""Issue 9 (Low 13): a country must be an ISO code, a postcode must look like one, and the
all-zero SIRET (which passes the Luhn check) does not exist."""

import pytest
from django.core.exceptions import ValidationError

from structures.core.forms import ServiceForm, StructureEditForm
from structures.validators import validate_siret
from tests.factories.structures import PublicStructureFactory, StructureFactory

pytestmark = pytest.mark.django_db


def _service_form(structure, **overrides):
    data = {
        "code": "ACHATS",
        "name": "Service achats",
        "street": "1 rue de la Paix",
        "postcode": "75002",
        "city": "Paris",
        "country": "FR",
    }
    data.update(overrides)
    return ServiceForm(data, instance=None)


@pytest.mark.parametrize("country", ["XX", "ZZ", "F1", "EU", "F"])
def test_service_with_a_country_that_is_not_iso_is_refused(country):
    form = _service_form(PublicStructureFactory(), country=country)

    assert not form.is_valid()
    assert "country" in form.errors


@pytest.mark.parametrize("postcode", ["-1", "<b>75</b>", "7500", "750021", "ABCDE", "=1+1"])
def test_french_postcode_must_be_five_digits(postcode):
    form = _service_form(PublicStructureFactory(), postcode=postcode)

    assert not form.is_valid()
    assert "postcode" in form.errors


@pytest.mark.parametrize(
    ("country", "postcode"),
    [("GB", "SW1A 1AA"), ("IE", "D02 X285"), ("DE", "10115"), ("BE", "1000")],
)
def test_foreign_postcodes_of_their_shape_are_accepted(country, postcode):
    form = _service_form(PublicStructureFactory(), country=country, postcode=postcode)

    assert form.is_valid(), form.errors


def test_structure_edit_refuses_html_postcode():
    structure = StructureFactory()
    data = {
        field.name: getattr(structure, field.name)
        for field in StructureEditForm(instance=structure)
        if getattr(structure, field.name, None) is not None
    }
    data.update(postcode="<script>", country="FR")

    form = StructureEditForm(data, instance=structure)

    assert not form.is_valid()
    assert "postcode" in form.errors


def test_all_zero_siret_does_not_exist():
    with pytest.raises(ValidationError) as error:
        validate_siret("00000000000000")

    assert error.value.code == "siret_checksum"
