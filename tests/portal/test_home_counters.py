"""The logged-in homepage shows, per structure, counters linking to the filtered lists
(issue 11): invoices to process, suspended, to validate, rejections not acknowledged. One
query per kind whatever the number of structures; counts capped at 999 ("999+")."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing import counters
from structures.enums import Role
from tests.factories.invoicing import InvoiceFactory
from tests.factories.structures import StructureFactory, attach

pytestmark = pytest.mark.django_db


def _counters(html: str, structure) -> dict[str, str]:
    block = html.split(f'data-structure="{structure.pk}"', 1)[1].split("</li>\n", 1)[0]
    return dict(re.findall(r'data-counter="(\w+)">[^:<]+ : ([\d+]+)<', block))


def test_home_counters_per_structure_link_to_the_filtered_lists(client, personas):
    for _ in range(2):
        InvoiceFactory(supplier=personas.structure, recipient=personas.public, status="SUSPENDUE")
    InvoiceFactory(supplier=personas.structure, recipient=personas.public, status="REJETEE")
    InvoiceFactory(  # acknowledged: not counted
        supplier=personas.structure,
        recipient=personas.public,
        status="REJETEE",
        acknowledged_at="2026-01-05T10:00:00Z",
    )
    InvoiceFactory(supplier=personas.other_structure, status="SUSPENDUE")  # not theirs
    client.force_login(personas.main_manager)

    html = client.get(reverse("home")).content.decode()

    assert _counters(html, personas.structure) == {"suspended": "2", "rejected": "1"}
    assert (
        f'href="/factures/emises/rechercher/?structure={personas.structure.pk}&amp;status=SUSPENDUE"'
        in html
    )


def test_home_counters_of_a_public_reviewer_count_invoices_to_process(client, personas):
    InvoiceFactory(
        supplier=personas.structure, recipient=personas.public, status="MISE_A_DISPOSITION"
    )
    InvoiceFactory(
        supplier=personas.structure, recipient=personas.public, status="MISE_EN_PAIEMENT"
    )
    client.force_login(personas.public_reviewer)
    html = client.get(reverse("home")).content.decode()
    assert _counters(html, personas.public) == {"to_process": "1"}
    assert f'href="{reverse("invoicing:received")}"' in html


def test_home_counters_show_999_plus_above_999():
    assert counters.CAP == 999
    assert counters.Counter("suspended", "x", 1000, "/").shown == "999+"
    assert counters.Counter("suspended", "x", 999, "/").shown == "999"


def test_home_counters_stop_counting_past_the_cap(personas, monkeypatch):
    monkeypatch.setattr(counters, "CAP", 2)
    for _ in range(4):
        InvoiceFactory(supplier=personas.structure, recipient=personas.public, status="SUSPENDUE")
    found = counters.home_counters(personas.main_manager, [personas.structure.pk])
    (suspended,) = found[personas.structure.pk]
    assert suspended.count == 3  # stopped at CAP + 1
    assert suspended.shown == "2+"


def test_home_counters_one_query_per_kind_for_1_and_3_structures(client, personas):
    client.force_login(personas.main_manager)
    InvoiceFactory(supplier=personas.structure, recipient=personas.public, status="SUSPENDUE")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    for _ in range(2):
        structure = StructureFactory()
        attach(personas.main_manager, structure, Role.MAIN_MANAGER)
        InvoiceFactory(supplier=structure, recipient=personas.public, status="SUSPENDUE")
    with CaptureQueriesContext(connection) as three:
        html = client.get(reverse("home")).content.decode()
    assert html.count('data-counter="suspended"') == 3
    assert len(three) == len(one)
