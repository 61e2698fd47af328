"""Issue 12: `consulter/fournisseur` and `rechercher/fournisseur` answer in two queries
(the caller with its scope, the answer) whatever the number of rows; the one-statement reads
give what the ORM gives; API calls skip the portal's page middleware."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import credentials, scope
from api.factures import serialize
from invoicing.enums import AttachmentType, InvoiceStatus
from invoicing.models import Attachment, Invoice, InvoiceLine, VatLine
from tests.api.conftest import SECRET
from tests.factories.invoicing import InvoiceFactory

CONSULT = "factures/v1/consulter/fournisseur"
SEARCH = "factures/v1/rechercher/fournisseur"


@pytest.fixture(autouse=True)
def _empty_credentials_memory():
    credentials.forget_all()
    yield
    credentials.forget_all()


def _invoice(world, rows: int = 1, **fields) -> Invoice:
    fields.setdefault("supplier", world.personas.structure)
    fields.setdefault("recipient", world.personas.public)
    fields.setdefault("status", InvoiceStatus.MISE_A_DISPOSITION)
    invoice = InvoiceFactory(**fields)
    for n in range(rows):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=n + 1,
            designation=f"Ligne {n}",
            reference="R" * n,
            quantity=Decimal("1.5") + n,
            unit_price=Decimal("100.10"),
            discount=Decimal("0"),
            vat_rate=Decimal("20") if n % 2 else Decimal("5.5"),
            amount_ht=Decimal("150.15") * (n + 1),
        )
        VatLine.objects.create(
            invoice=invoice,
            rate=Decimal("5.5") + n,
            base_ht=Decimal("10.01"),
            amount_tva=Decimal("0.55"),
        )
        Attachment.objects.create(
            invoice=invoice,
            path=f"x/{n}.pdf",
            original_name=f"piece{n}.pdf",
            size=1000 + n,
            sha256="0" * 64,
            is_main=n == 0,
            attachment_type="" if n == 0 else AttachmentType.DEVIS,
        )
    return invoice


def _count(api, path, body) -> int:
    api.post(path, body)  # the first call verifies the password
    with CaptureQueriesContext(connection) as queries:
        response = api.post(path, body)
    assert response.json()["codeRetour"] == 0, response.json()
    return len(queries)


def test_consulter_takes_two_queries_for_one_or_three_rows(world):
    one = _count(world.supplier, CONSULT, {"identifiantFactureCPP": _invoice(world, 1).pk})
    three = _count(world.supplier, CONSULT, {"identifiantFactureCPP": _invoice(world, 3).pk})
    assert one == three == 2  # the caller with its scope, the invoice with its sub-lists


def test_rechercher_takes_two_queries_for_one_or_three_rows(world):
    body = {"rechercheFactureParFournisseur": {"nbResultatsParPage": 10}}
    _invoice(world, 0)
    one = _count(world.supplier, SEARCH, body)
    _invoice(world, 0), _invoice(world, 0)
    three = _count(world.supplier, SEARCH, body)
    assert one == three == 2  # the caller with its scope, the page with its total


def test_consulter_answers_what_the_orm_reads(world):
    invoice = _invoice(world, 3, comment="Été", number="F-ÉTÉ-1")
    answer = world.supplier.post(CONSULT, {"identifiantFactureCPP": invoice.pk}).json()
    loaded = serialize.for_detail(Invoice.objects.filter(pk=invoice.pk)).get()
    expected = serialize.full(loaded, {}, serialize.sub_lists(loaded))
    assert answer["facture"] == expected
    assert [p["pieceJointeTypeCode"] for p in expected["listeDesPiecesJointes"]["pieceJointe"]] == [
        "FACTURE",
        "DEVIS",
        "DEVIS",
    ]


@pytest.mark.parametrize("status", [InvoiceStatus.BROUILLON, InvoiceStatus.MISE_A_DISPOSITION])
def test_supplier_sees_agrees_with_the_scoped_queryset(world, other_api, status):
    own = _invoice(world, 0, status=status)
    foreign = _invoice(world, 0, status=status, supplier=world.personas.other_structure)
    for api in (world.supplier, other_api):
        user = api_user(api)
        for invoice in (own, foreign):
            in_queryset = scope.supplier_invoices(user).filter(pk=invoice.pk).exists()
            assert scope.supplier_sees(user, invoice) is in_queryset


def api_user(api):
    from api.auth import caller_for

    return caller_for(api.token, api.account).user


def test_api_calls_skip_the_page_middleware(world):
    response = world.supplier.post(SEARCH, {})
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")  # no session read
    assert not response.cookies
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Language"] == "fr"
    assert response["Content-Type"] == "application/json;charset=utf-8"
    assert int(response["Content-Length"]) == len(response.content)


def test_token_endpoint_skips_the_page_middleware(world, client):
    body = {
        "grant_type": "client_credentials",
        "client_id": world.connection.application.client_id,
        "client_secret": SECRET,
    }
    response = client.post("/api/oauth/token", body)
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    assert "Cookie" not in response.get("Vary", "")  # no session read
    assert not response.cookies
    assert response["X-Frame-Options"] == "DENY"
    assert int(response["Content-Length"]) == len(response.content)
