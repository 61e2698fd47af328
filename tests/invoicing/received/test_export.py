"""CSV export of the Received invoices search (issue 11): the current filters, streamed,
UTF-8 with BOM, only the invoices the reviewer may see (services), constant queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing.enums import InvoiceStatus as S

pytestmark = pytest.mark.django_db
URL = reverse("invoicing:received_export")


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="factures-recues-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_export_has_the_search_results_of_the_current_filters(client, world):
    world.invoice(number="REC-1", service=world.service_x)
    world.invoice(S.SUSPENDUE, number="REC-2", service=world.service_y)
    world.invoice(number="OTHER-1", recipient=world.other_public)
    client.force_login(world.reviewer)

    assert [r[0] for r in _rows(client.get(URL, {"number": "REC-2"}))[1:]] == ["REC-2"]
    assert sorted(r[0] for r in _rows(client.get(URL))[1:]) == ["REC-1", "REC-2"]
    page = client.get(reverse("invoicing:received_search"), {"number": "REC"}).content.decode()
    assert f"{URL}?number=REC" in page


def test_export_of_a_service_reviewer_has_their_services_only(client, world):
    world.invoice(number="REC-X", service=world.service_x)
    world.invoice(number="REC-Y", service=world.service_y)
    client.force_login(world.reviewer_x)
    assert [r[0] for r in _rows(client.get(URL))[1:]] == ["REC-X"]


def test_export_same_number_of_queries_for_1_and_3_rows(client, world):
    client.force_login(world.reviewer)
    world.invoice(number="A")
    _rows(client.get(URL))
    with CaptureQueriesContext(connection) as one:
        assert len(_rows(client.get(URL))) == 2
    world.invoice(number="B", service=world.service_x)
    world.invoice(S.SUSPENDUE, number="C")
    with CaptureQueriesContext(connection) as three:
        assert len(_rows(client.get(URL))) == 4
    assert len(three) == len(one)


def test_export_refused_to_a_supplier(client, world):
    client.force_login(world.personas.simple_view)
    response = client.get(URL)
    assert response.status_code != 200
    assert "text/csv" not in response.get("Content-Type", "")
