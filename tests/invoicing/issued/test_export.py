"""CSV export of the Issued invoices search (issue 11): the current filters, streamed, UTF-8
with BOM, formulas neutralised, another structure's invoices never in it, constant queries."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("invoicing:issued_export")


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="factures-emises-')
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_export_has_the_search_results_of_the_current_filters(
    client, personas, invoice_for, foreign_invoice
):
    invoice_for("SUSPENDUE", number="BRAVO-2", amount_ttc=Decimal("2500.00"))
    invoice_for("MISE_EN_PAIEMENT", number="CHARLIE-3")
    client.force_login(personas.simple_view)

    rows = _rows(client.get(URL, {"status": "SUSPENDUE"}))

    assert rows[0][:3] == ["Numéro de facture", "Type", "Date de facture"]
    assert [row[0] for row in rows[1:]] == ["BRAVO-2"]
    assert rows[1][5] == "Suspendue"
    assert rows[1][14] == "2500.00"
    everything = [row[0] for row in _rows(client.get(URL))[1:]]
    assert sorted(everything) == ["BRAVO-2", "CHARLIE-3"]  # never SECRET-OTHER
    search_page = client.get(reverse("invoicing:issued_search"), {"status": "SUSPENDUE"})
    assert f"{URL}?status=SUSPENDUE" in search_page.content.decode()


def test_export_neutralises_formulas(client, personas, invoice_for):
    invoice_for("MISE_A_DISPOSITION", number="=1+1", recipient_name="@SUM(A1)")
    client.force_login(personas.simple_view)
    row = _rows(client.get(URL))[1]
    assert row[0] == "'=1+1"
    assert row[9] == "'@SUM(A1)"


def test_export_invalid_filters_go_back_to_the_search_page(client, personas):
    client.force_login(personas.simple_view)
    response = client.get(URL, {"amount_min": "abc"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("invoicing:issued_search"))


def test_export_same_number_of_queries_for_1_and_3_rows(client, personas, invoice_for):
    client.force_login(personas.simple_view)
    invoice_for("MISE_A_DISPOSITION")
    _rows(client.get(URL))  # warm up
    with CaptureQueriesContext(connection) as one:
        assert len(_rows(client.get(URL))) == 2
    invoice_for("SUSPENDUE")
    invoice_for("BROUILLON", frame="A12_FACTURE_COTRAITANT")
    with CaptureQueriesContext(connection) as three:
        assert len(_rows(client.get(URL))) == 4
    assert len(three) == len(one)


def test_export_refused_without_the_issued_area(client, personas):
    client.force_login(personas.unattached)
    response = client.get(URL)
    assert response.status_code != 200
    assert "text/csv" not in response.get("Content-Type", "")
