"""TEC-5 and TEC-6: every field the domain gives a technical account and a connection is
kept and shown. The technical account's contact address is its main manager's (ACC-2),
shown on the manager screens and in the credentials PDF, and it becomes the new manager's
at a main-manager transfer; a connection's technical contact (name, e-mail, phone) is
shown in the CONNECTIONS area and on the credentials page."""

import re

from django.urls import reverse

from api import services
from api.models import TechnicalAccount
from portal.areas import AreaCode
from structures import access, memberships


def _manager_with_contact(personas, address="boite.partagee@example.test"):
    manager = personas.main_manager
    manager.contact_email = address
    manager.save()
    return manager


def test_created_account_takes_the_main_managers_contact_address(client, personas):
    manager = _manager_with_contact(personas)
    client.force_login(manager)
    response = client.post(reverse("technical:create", args=[personas.structure.pk]))
    html = response.content.decode()
    assert re.search(r"<dd data-contact>boite.partagee@example.test</dd>", html)
    account = TechnicalAccount.objects.get(structure=personas.structure)
    assert account.user.contact_email == "boite.partagee@example.test"
    page = client.get(reverse("technical:technical", args=[personas.structure.pk]))
    assert 'data-contact="boite.partagee@example.test"' in page.content.decode()
    password = re.search(r"<code data-password>([^<]+)</code>", html).group(1)
    pdf = client.post(
        reverse("technical:export_pdf", args=[personas.structure.pk]), {"password": password}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_pdf_names_the_contact_address(client, personas, monkeypatch):
    from invoicing.documents import certificate

    rendered = {}
    monkeypatch.setattr(
        certificate, "html_to_pdf", lambda html: rendered.setdefault("html", html).encode()
    )
    manager = _manager_with_contact(personas)
    client.force_login(manager)
    html = client.post(reverse("technical:create", args=[personas.structure.pk])).content.decode()
    password = re.search(r"<code data-password>([^<]+)</code>", html).group(1)
    client.post(
        reverse("technical:export_pdf", args=[personas.structure.pk]), {"password": password}
    )
    assert "boite.partagee@example.test" in rendered["html"]


def test_the_contact_address_follows_a_main_manager_transfer(client, personas):
    manager = _manager_with_contact(personas)
    account, _password = services.create_technical_account(personas.structure, actor=manager)
    new_main = personas.secondary_manager
    new_main.contact_email = "nouveau.gestionnaire@example.test"
    new_main.save()
    memberships.transfer_main_role(personas.structure, actor=manager, new_main=new_main)
    account.user.refresh_from_db()
    assert account.user.contact_email == "nouveau.gestionnaire@example.test"
    assert services.contact_address(account) == "nouveau.gestionnaire@example.test"
    client.force_login(new_main)
    page = client.get(reverse("technical:technical", args=[personas.structure.pk]))
    assert 'data-contact="nouveau.gestionnaire@example.test"' in page.content.decode()


def test_connection_technical_contact_is_shown_in_full(client, personas):
    access.open_area(personas.structure, AreaCode.CONNECTIONS, actor=None)
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("connections:declare"),
        {
            "structure": personas.structure.pk,
            "name": "APP_SANDBOX_CONTACT",
            "environment": "QUALIFICATION",
            "usage": "CONCENTRATEUR",
            "contact_name": "Jeanne Technique",
            "contact_email": "jeanne.tech@example.test",
            "contact_phone": "+33 1 02 03 04 05",
        },
    )
    credentials = response.content.decode()
    for shown in (
        "Jeanne Technique",
        "jeanne.tech@example.test",
        "+33 1 02 03 04 05",
        "Concentrateur",
        "Qualification",
        personas.structure.identifier,
    ):
        assert shown in credentials, shown
    listing = client.get(reverse("connections:list")).content.decode()
    for shown in ("Jeanne Technique", "jeanne.tech@example.test", "+33 1 02 03 04 05"):
        assert shown in listing, shown
