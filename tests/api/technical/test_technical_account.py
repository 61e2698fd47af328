"""TEC-1..TEC-4: the main manager creates and resets the technical account."""

import re

from django.urls import reverse

from api.models import TechnicalAccount
from notifications.models import Email


def _create(client, personas):
    client.force_login(personas.main_manager)
    return client.post(reverse("technical:create", args=[personas.structure.pk]))


def test_main_manager_creates_one_technical_account_password_shown_once(client, personas, settings):
    settings.TECHNICAL_ACCOUNT_DOMAIN = "tech.example.test"
    response = _create(client, personas)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    account = TechnicalAccount.objects.get(structure=personas.structure)
    assert re.fullmatch(
        rf"tech_{account.sequence}_{personas.structure.identifier}@tech.example.test",
        account.user.email,
    )
    password = re.search(r"<code data-password>([^<]+)</code>", html).group(1)
    assert len(password) >= 16
    assert password not in account.user.password  # only the hash is stored
    assert account.user.check_password(password)
    assert account.user.is_technical
    assert Email.objects.filter(
        to=personas.main_manager.email, template="technical_account_created"
    ).exists()
    # TEC-1: at most one active technical account per structure.
    again = client.post(reverse("technical:create", args=[personas.structure.pk]), follow=True)
    assert TechnicalAccount.objects.filter(structure=personas.structure).count() == 1
    assert "déjà un utilisateur technique actif" in again.content.decode()


def test_secondary_manager_cannot_create(client, personas):
    client.force_login(personas.secondary_manager)
    client.post(reverse("technical:create", args=[personas.structure.pk]))
    assert not TechnicalAccount.objects.exists()


def test_other_structure_is_404(client, personas):
    client.force_login(personas.other_user)
    response = client.post(reverse("technical:create", args=[personas.structure.pk]))
    assert response.status_code == 404
    assert (
        client.get(reverse("technical:technical", args=[personas.structure.pk])).status_code == 404
    )


def test_pdf_export_renders_only_with_the_current_password(client, personas):
    html = _create(client, personas).content.decode()
    password = re.search(r"<code data-password>([^<]+)</code>", html).group(1)
    url = reverse("technical:export_pdf", args=[personas.structure.pk])
    response = client.post(url, {"password": password})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.post(url, {"password": "wrong"}).status_code == 404


def test_reset_asks_confirmation_then_changes_the_password_and_mails(client, personas):
    html = _create(client, personas).content.decode()
    old = re.search(r"<code data-password>([^<]+)</code>", html).group(1)
    url = reverse("technical:reset", args=[personas.structure.pk])
    confirm = client.get(url)
    assert "Confirmer la réinitialisation" in confirm.content.decode()
    account = TechnicalAccount.objects.get()
    assert account.user.check_password(old)
    response = client.post(url)
    new = re.search(r"<code data-password>([^<]+)</code>", response.content.decode()).group(1)
    account.user.refresh_from_db()
    assert new != old and account.user.check_password(new) and not account.user.check_password(old)
    assert Email.objects.filter(
        template="technical_account_reset", to=personas.main_manager.email
    ).exists()


def test_technical_account_cannot_log_into_the_portal(client, personas):
    html = _create(client, personas).content.decode()
    password = re.search(r"<code data-password>([^<]+)</code>", html).group(1)
    client.logout()
    login = TechnicalAccount.objects.get().user.email
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
