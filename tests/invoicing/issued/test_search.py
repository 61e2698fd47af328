"""ISSUED → Rechercher: filters, sort, pagination, and a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories.structures import PublicStructureFactory

pytestmark = pytest.mark.django_db
URL = reverse("invoicing:issued_search")


def numbers(response):
    return [invoice.number for invoice in response.context["page"].object_list]


def test_search_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["support", "unattached"])
def test_search_user_without_issued_area_is_refused(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "persona", ["main_manager", "secondary_manager", "simple_view", "simple_change"]
)
def test_search_supplier_users_find_their_invoices_only(
    client, personas, invoice_for, foreign_invoice, persona
):
    invoice_for("MISE_A_DISPOSITION", number="MINE-1")
    invoice_for("BROUILLON", number="MINE-DRAFT")
    client.force_login(getattr(personas, persona))

    response = client.get(URL)

    assert sorted(numbers(response)) == ["MINE-1", "MINE-DRAFT"]
    assert "SECRET-OTHER" not in response.content.decode()


@pytest.mark.parametrize("persona", ["other_user", "public_reviewer"])
def test_search_other_structures_find_nothing(client, personas, invoice_for, persona):
    invoice_for("MISE_A_DISPOSITION", number="MINE-1")
    invoice_for("BROUILLON", number="MINE-DRAFT")
    client.force_login(getattr(personas, persona))

    response = client.get(URL, {"number": "MINE"})

    assert numbers(response) == []


@pytest.fixture
def three(personas, invoice_for):
    today = timezone.localdate()
    other_public = PublicStructureFactory(company_name="Mairie de Lyon")
    a = invoice_for(
        "MISE_A_DISPOSITION",
        number="ALPHA-1",
        invoice_date=today - datetime.timedelta(days=20),
        deposited_at=timezone.now() - datetime.timedelta(days=19),
        amount_ttc=Decimal("100.00"),
    )
    b = invoice_for(
        "SUSPENDUE",
        number="BRAVO-2",
        invoice_date=today - datetime.timedelta(days=10),
        deposited_at=timezone.now() - datetime.timedelta(days=9),
        amount_ttc=Decimal("2500.00"),
        recipient=other_public,
        recipient_identifier=other_public.identifier,
        recipient_name=other_public.company_name,
        frame="A9_FACTURE_SOUSTRAITANT",
    )
    c = invoice_for(
        "MISE_EN_PAIEMENT",
        number="CHARLIE-3",
        invoice_date=today - datetime.timedelta(days=2),
        deposited_at=timezone.now() - datetime.timedelta(days=1),
        amount_ttc=Decimal("900.00"),
    )
    return a, b, c


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"number": "bravo"}, ["BRAVO-2"]),
        ({"status": "MISE_EN_PAIEMENT"}, ["CHARLIE-3"]),
        ({"recipient": "lyon"}, ["BRAVO-2"]),
        ({"frame": "A9_FACTURE_SOUSTRAITANT"}, ["BRAVO-2"]),
        ({"amount_min": "500", "amount_max": "1000"}, ["CHARLIE-3"]),
        ({"amount_min": "2000"}, ["BRAVO-2"]),
    ],
)
def test_search_filters(client, personas, three, criteria, expected):
    client.force_login(personas.simple_view)
    assert numbers(client.get(URL, criteria)) == expected


def test_search_filter_by_recipient_siret(client, personas, three):
    client.force_login(personas.simple_view)
    siret = three[1].recipient_identifier
    assert numbers(client.get(URL, {"recipient": siret[:9]})) == ["BRAVO-2"]


def test_search_filter_by_dates(client, personas, three):
    today = timezone.localdate()
    client.force_login(personas.simple_view)

    by_invoice_date = client.get(
        URL,
        {
            "invoice_date_from": (today - datetime.timedelta(days=15)).isoformat(),
            "invoice_date_to": (today - datetime.timedelta(days=5)).isoformat(),
        },
    )
    by_deposit_date = client.get(
        URL, {"deposit_date_from": (today - datetime.timedelta(days=3)).isoformat()}
    )

    assert numbers(by_invoice_date) == ["BRAVO-2"]
    assert numbers(by_deposit_date) == ["CHARLIE-3"]


def test_search_inverted_range_is_an_error_at_the_field(client, personas, three):
    client.force_login(personas.simple_view)

    response = client.get(URL, {"amount_min": "1000", "amount_max": "10"})

    assert response.context["page"] is None
    assert response.context["form"].errors["amount_max"]


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("amount_ttc", "asc", ["ALPHA-1", "CHARLIE-3", "BRAVO-2"]),
        ("amount_ttc", "desc", ["BRAVO-2", "CHARLIE-3", "ALPHA-1"]),
        ("number", "desc", ["CHARLIE-3", "BRAVO-2", "ALPHA-1"]),
        ("invoice_date", "asc", ["ALPHA-1", "BRAVO-2", "CHARLIE-3"]),
        ("status", "asc", ["ALPHA-1", "CHARLIE-3", "BRAVO-2"]),
    ],
)
def test_search_sort(client, personas, three, sort, direction, expected):
    client.force_login(personas.simple_view)
    assert numbers(client.get(URL, {"sort": sort, "direction": direction})) == expected


def test_search_paginates_by_25(client, personas, invoice_for):
    for n in range(27):
        invoice_for("MISE_A_DISPOSITION", number=f"P-{n:03d}")
    client.force_login(personas.simple_view)

    first = client.get(URL, {"sort": "number", "direction": "asc"})
    second = client.get(URL, {"sort": "number", "direction": "asc", "page": 2})

    assert len(numbers(first)) == 25
    assert numbers(second) == ["P-025", "P-026"]
    assert "sort=number" in first.content.decode()  # the criteria follow the pages


def test_search_same_number_of_queries_for_1_and_3_rows(client, personas, invoice_for):
    client.force_login(personas.simple_view)
    invoice_for("MISE_A_DISPOSITION")
    client.get(URL)  # warm up
    with CaptureQueriesContext(connection) as one:
        response = client.get(URL)
    assert len(numbers(response)) == 1
    invoice_for("SUSPENDUE")
    invoice_for("BROUILLON", frame="A12_FACTURE_COTRAITANT")
    with CaptureQueriesContext(connection) as three:
        response = client.get(URL)
    assert len(numbers(response)) == 3
    assert len(three) == len(one)
