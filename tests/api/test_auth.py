"""API.md §2: token endpoint (AUTH-1..AUTH-3), bearer and cpro-account (§2.3)."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api import services as api_services
from tests.api.conftest import SECRET, account_header, declare

AUTH_FAILED = {"codeRetour": 401, "libelle": "Problème d'authentification"}
DENIED = {"codeRetour": 403, "libelle": "Accès refusé"}
PATH = "transverses/v1/recuperer/structures/actives/fournisseur"


def test_token_without_scope_has_no_scope_and_lasts_3600_seconds(world, client):
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": world.connection.application.client_id,
            "client_secret": SECRET,
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert "scope" not in body


def test_token_with_openid_scope_and_basic_credentials_echoes_the_scope(world, client):
    basic = base64.b64encode(f"{world.connection.application.client_id}:{SECRET}".encode()).decode()
    response = client.post(
        "/api/oauth/token",
        {"grant_type": "client_credentials", "scope": "openid"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "openid"


def test_token_with_another_scope_ignores_it(world, client):
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": world.connection.application.client_id,
            "client_secret": SECRET,
            "scope": "whatever",
        },
    )
    assert response.status_code == 200
    assert "scope" not in response.json()


def test_token_with_a_wrong_secret_is_invalid_client(world, client):
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": world.connection.application.client_id,
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "error_description" in response.json()


@pytest.mark.parametrize("client_id", ["unknown-client", "abc\x00def", ""])
def test_token_for_an_unknown_or_malformed_client_is_invalid_client(world, client, client_id):
    tokens = AccessToken.objects.count()
    response = client.post(
        "/api/oauth/token",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": SECRET},
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_client", "invalid_request")
    assert AccessToken.objects.count() == tokens


def test_token_with_another_grant_type_is_unsupported(world, client):
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "password",
            "client_id": world.connection.application.client_id,
            "client_secret": SECRET,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_revoked_application_gets_no_token_and_its_tokens_die(world, client):
    api_services.revoke_connection(world.connection, actor=world.personas.main_manager)
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": world.connection.application.client_id,
            "client_secret": SECRET,
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert world.supplier.post(PATH).json() == AUTH_FAILED
    assert not AccessToken.objects.filter(application=world.connection.application).exists()


def test_application_of_another_environment_is_invalid_client(world, client, settings):
    settings.DEPLOYMENT_ENVIRONMENT = "PRODUCTION"
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": world.connection.application.client_id,
            "client_secret": SECRET,
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_missing_unknown_or_expired_bearer_is_401(world, client):
    assert world.supplier.post(PATH, token="unknown").status_code == 401
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = world.supplier.post(PATH)
    assert response.status_code == 401
    assert response.json() == AUTH_FAILED
    response = client.post(f"/cpro/{PATH}", data="{}", content_type="application/json")
    assert response.json() == AUTH_FAILED


def test_bad_cpro_account_headers_are_401(world):
    for header in (
        "",
        "not base64!",
        base64.b64encode(b"nocolon").decode(),
        account_header(world.supplier_login, "wrong-password"),
        account_header("nobody@example.test", "x"),
    ):
        response = (
            world.supplier.post(PATH, account=header or None)
            if header
            else world.supplier.post(PATH, account=False)
        )
        assert response.status_code == 401, header
        assert response.json() == AUTH_FAILED


def test_basic_prefix_of_cpro_account_is_stripped(world):
    response = world.supplier.post(PATH, account="Basic " + world.supplier.account)
    assert response.json()["codeRetour"] == 0


def test_portal_user_in_cpro_account_is_403(world):
    main = world.personas.main_manager
    main.set_password("Portal-Password-2026")
    main.save()
    response = world.supplier.post(PATH, account=account_header(main.email, "Portal-Password-2026"))
    assert response.status_code == 403
    assert response.json() == DENIED


def test_deactivated_technical_account_is_403(world):
    from api.models import TechnicalAccount

    TechnicalAccount.objects.filter(user__email=world.supplier_login).update(is_active=False)
    assert world.supplier.post(PATH).json() == DENIED


def test_password_reset_ends_the_cached_verification(world):
    assert world.supplier.post(PATH).json()["codeRetour"] == 0
    from api.models import TechnicalAccount

    account = TechnicalAccount.objects.get(user__email=world.supplier_login)
    api_services.reset_technical_password(account, actor=world.personas.main_manager)
    assert world.supplier.post(PATH).status_code == 401


def test_rights_follow_a_main_manager_transfer(world):
    """TEC-5: the technical account's scope is the portfolio of the structure's current
    main manager."""
    from structures.enums import Role
    from structures.models import Membership
    from tests.factories.structures import StructureFactory, attach

    extra = StructureFactory(company_name="Filiale")
    attach(world.personas.main_manager, extra, Role.MAIN_MANAGER)
    listed = world.supplier.post(PATH).json()["listeStructures"]
    assert {s["idStructureCPP"] for s in listed} == {world.personas.structure.pk, extra.pk}
    Membership.objects.filter(
        user=world.personas.main_manager, structure=world.personas.structure
    ).update(role=Role.SECONDARY_MANAGER)
    Membership.objects.filter(
        user=world.personas.secondary_manager, structure=world.personas.structure
    ).update(role=Role.MAIN_MANAGER)
    listed = world.supplier.post(PATH).json()["listeStructures"]
    assert {s["idStructureCPP"] for s in listed} == {world.personas.structure.pk}


def test_any_application_works_with_any_technical_account(world, client):
    """TEC-9/AUTH-4: an application of another structure, our technical account."""
    connection, secret = declare(world.personas.public, world.public_main, name="APP_EDITEUR")
    from tests.api.conftest import get_token

    token = get_token(client, connection.application.client_id, secret)
    assert world.supplier.post(PATH, token=token).json()["codeRetour"] == 0
