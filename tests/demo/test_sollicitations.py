"""Demo sollicitations: one follow-up awaiting the supplier's information, one at the
support desk; seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from requests_app.models import Sollicitation

pytestmark = pytest.mark.django_db


def test_demo_sollicitations_are_seeded_once():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    rows = dict(Sollicitation.objects.values_list("category", "status"))
    assert rows == {"SUIVI_FACTURE": "EN_ATTENTE_COMPLEMENT", "PROBLEME_TECHNIQUE": "NOUVELLE"}
    follow_up = Sollicitation.objects.get(category="SUIVI_FACTURE")
    assert follow_up.addressee_structure.identifier == "11000201100044"
