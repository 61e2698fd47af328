"""Issue 12: what the API's speed rests on, kept by tests. Authentication reads the token,
the connection and the account in one statement, afresh on every call (a revocation or a
deactivation still takes effect at once); the password is verified once per process, not
hashed again on every call; consulter/rechercher answer in a fixed, small number of queries."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import credentials
from api import services as api_services
from api.models import TechnicalAccount
from invoicing.enums import InvoiceStatus
from tests.api.conftest import SECRET, account_header
from tests.factories.invoicing import InvoiceFactory

CONSULT = "factures/v1/consulter/fournisseur"
SEARCH = "factures/v1/rechercher/fournisseur"


@pytest.fixture(autouse=True)
def _empty_credentials_memory():
    credentials.forget_all()
    yield
    credentials.forget_all()


def _invoice(world):
    return InvoiceFactory(
        supplier=world.personas.structure,
        recipient=world.personas.public,
        status=InvoiceStatus.MISE_A_DISPOSITION,
    )


def _queries(api, path, body) -> int:
    api.post(path, body)  # the first call verifies the password
    with CaptureQueriesContext(connection) as queries:
        response = api.post(path, body)
    assert response.json()["codeRetour"] == 0, response.json()
    return len(queries)


def test_consulter_and_rechercher_take_few_queries(world):
    invoice = _invoice(world)
    # Token + account + its scope (1), the invoice with its lines, VAT lines and
    # attachments (1).
    assert _queries(world.supplier, CONSULT, {"identifiantFactureCPP": invoice.pk}) == 2
    # Token + account + scope, the page with its total.
    body = {"rechercheFactureParFournisseur": {"nbResultatsParPage": 10}}
    assert _queries(world.supplier, SEARCH, body) == 2


def test_token_issuance_takes_two_queries(world, client):
    body = {
        "grant_type": "client_credentials",
        "client_id": world.connection.application.client_id,
        "client_secret": SECRET,
    }
    client.post("/api/oauth/token", body)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/oauth/token", body)
    assert response.status_code == 200
    # The live application (its connection checked in the same statement), then the
    # token's INSERT; on PostgreSQL in a transaction that does not wait for the WAL flush.
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == (3 if connection.vendor == "postgresql" else 2), sql
    assert sql[-1].startswith("INSERT INTO")
    if connection.vendor == "postgresql":
        assert sql[1] == "SET LOCAL synchronous_commit TO OFF"


def test_password_is_not_hashed_again_on_every_call(world):
    invoice = _invoice(world)
    with (
        mock.patch.object(
            credentials, "check_password", wraps=credentials.check_password
        ) as checked,
        mock.patch.object(credentials.cache, "get", return_value=None),
    ):
        for _ in range(3):
            response = world.supplier.post(CONSULT, {"identifiantFactureCPP": invoice.pk})
            assert response.json()["codeRetour"] == 0
    assert checked.call_count == 1


def test_wrong_password_is_refused_after_a_right_one(world):
    assert world.supplier.post(SEARCH, {}).status_code == 200
    wrong = account_header(world.supplier_login, world.supplier_password + "x")
    assert world.supplier.post(SEARCH, {}, account=wrong).status_code == 401


def test_password_change_ends_the_remembered_verification(world):
    assert world.supplier.post(SEARCH, {}).status_code == 200
    account = TechnicalAccount.objects.get(user__email=world.supplier_login)
    new_password = api_services.reset_technical_password(account, actor=world.personas.main_manager)
    assert world.supplier.post(SEARCH, {}).status_code == 401
    fresh = account_header(world.supplier_login, new_password)
    assert world.supplier.post(SEARCH, {}, account=fresh).status_code == 200


def test_revocation_kills_a_token_in_use_at_once(world):
    assert world.supplier.post(SEARCH, {}).status_code == 200
    api_services.revoke_connection(world.connection, actor=world.personas.main_manager)
    assert world.supplier.post(SEARCH, {}).status_code == 401


def test_deactivation_of_a_technical_account_in_use_is_immediate(world):
    assert world.supplier.post(SEARCH, {}).status_code == 200
    TechnicalAccount.objects.filter(user__email=world.supplier_login).update(is_active=False)
    assert world.supplier.post(SEARCH, {}).status_code == 403


def test_deactivated_user_in_use_is_refused_at_once(world):
    from accounts.models import User

    assert world.supplier.post(SEARCH, {}).status_code == 200
    User.objects.filter(email=world.supplier_login).update(is_active=False)
    assert world.supplier.post(SEARCH, {}).status_code == 403


def test_login_with_capitals_still_works(world):
    header = account_header(world.supplier_login.upper(), world.supplier_password)
    assert world.supplier.post(SEARCH, {}, account=header).status_code == 200


def test_nul_byte_in_cpro_account_is_401(world):
    for text in (f"{world.supplier_login}\x00:x", f"{world.supplier_login}:pass\x00word"):
        header = base64.b64encode(text.encode()).decode()
        assert world.supplier.post(SEARCH, {}, account=header).status_code == 401
