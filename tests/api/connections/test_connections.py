"""TEC-6..TEC-9: the CONNECTIONS area: declare (secret shown once), list, revoke."""

import re

from django.urls import reverse
from oauth2_provider.models import AccessToken

from api.models import Connection
from portal.areas import AreaCode
from structures import access


def _open(personas):
    access.open_area(personas.structure, AreaCode.CONNECTIONS, actor=None)


def _declare(client, personas, name="APP_SANDBOX_LOGICIEL"):
    return client.post(
        reverse("connections:declare"),
        {
            "structure": personas.structure.pk,
            "name": name,
            "environment": "QUALIFICATION",
            "usage": "EDITEUR",
            "contact_name": "Jean Technique",
            "contact_email": "tech@example.test",
            "contact_phone": "0102030405",
        },
    )


def test_area_is_in_the_catalogue_and_opens_for_managers(client, personas):
    from portal import areas

    assert areas.get(AreaCode.CONNECTIONS).built
    client.force_login(personas.main_manager)
    assert client.get(reverse("connections:list")).status_code == 403
    _open(personas)
    assert client.get(reverse("connections:list")).status_code == 200


def test_declare_shows_the_secret_once_and_the_token_works(client, personas):
    _open(personas)
    client.force_login(personas.main_manager)
    response = _declare(client, personas)
    html = response.content.decode()
    assert response.status_code == 200, html
    connection = Connection.objects.get(name="APP_SANDBOX_LOGICIEL")
    secret = re.search(r"<code data-client-secret>([^<]+)</code>", html).group(1)
    assert secret not in connection.application.client_secret
    listing = client.get(reverse("connections:list")).content.decode()
    assert connection.application.client_id in listing and secret not in listing
    token = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": connection.application.client_id,
            "client_secret": secret,
        },
    )
    assert token.status_code == 200


def test_names_are_unique_and_sandbox_refused_in_production(client, personas, settings):
    _open(personas)
    client.force_login(personas.main_manager)
    _declare(client, personas)
    duplicate = _declare(client, personas).content.decode()
    assert "déjà utilisé" in duplicate
    settings.DEPLOYMENT_ENVIRONMENT = "PRODUCTION"
    refused = _declare(client, personas, name="APP_SANDBOX_AUTRE").content.decode()
    assert "réservés à la qualification" in refused
    assert Connection.objects.count() == 1


def test_simple_user_in_consultation_cannot_declare(client, personas):
    _open(personas)
    access.grant_area(
        personas.simple_view, personas.structure, AreaCode.CONNECTIONS, "view", actor=None
    )
    client.force_login(personas.simple_view)
    assert client.get(reverse("connections:list")).status_code == 200
    assert client.get(reverse("connections:declare")).status_code == 403


def test_revoke_kills_tokens_at_once(client, personas):
    _open(personas)
    client.force_login(personas.main_manager)
    _declare(client, personas)
    connection = Connection.objects.get()
    client.logout()
    html = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": connection.application.client_id,
            "client_secret": "x",
        },
    )
    assert html.status_code == 401
    client.force_login(personas.main_manager)
    AccessToken.objects.create(
        application=connection.application,
        token="t",
        expires="2999-01-01T00:00:00Z",
        scope="openid",
    )
    assert (
        "Révoquer"
        in client.get(reverse("connections:revoke", args=[connection.pk])).content.decode()
    )
    client.post(reverse("connections:revoke", args=[connection.pk]))
    connection.refresh_from_db()
    assert connection.revoked_at is not None
    assert not AccessToken.objects.filter(application=connection.application).exists()


def test_connection_of_another_structure_is_404(client, personas):
    _open(personas)
    client.force_login(personas.main_manager)
    _declare(client, personas)
    connection = Connection.objects.get()
    access.open_area(personas.other_structure, AreaCode.CONNECTIONS, actor=None)
    client.force_login(personas.other_user)
    assert client.post(reverse("connections:revoke", args=[connection.pk])).status_code == 404
