"""The "Pièces jointes" block of My account (ACC-8): files kept on the account under §5.5,
seen, downloaded and deleted by their owner only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import attachments
from accounts.models import AccountAttachment
from tests.conftest import close_response
from tests.factories.accounts import UserFactory
from tests.factories.files import BAD_UPLOADS, good_pdf, stored_files

pytestmark = pytest.mark.django_db

URL = reverse("accounts:my_account")


def post_attachment(client, file, designation="Bon de commande n° 12", kind="BON_DE_COMMANDE"):
    return client.post(
        URL,
        {"block": "attachments", "file": file, "designation": designation, "attachment_type": kind},
    )


def add(user, name="commande.pdf", designation="Bon de commande n° 12"):
    return attachments.add_attachment(
        good_pdf(name), actor=user, designation=designation, attachment_type="BON_DE_COMMANDE"
    )


def test_upload_keeps_the_file_on_the_account_and_lists_it(client):
    user = UserFactory()
    client.force_login(user)

    response = post_attachment(client, good_pdf())

    assert response.status_code == 302
    row = AccountAttachment.objects.get()
    assert (row.owner, row.original_name, row.designation) == (
        user,
        "commande.pdf",
        "Bon de commande n° 12",
    )
    assert (row.attachment_type, row.content_type) == ("BON_DE_COMMANDE", "application/pdf")
    assert stored_files() == [stored_files()[0]] and row.path.startswith("accounts/")
    page = client.get(URL).content.decode()
    assert 'id="block-attachments"' in page
    assert "commande.pdf" in page and "Bon de commande n° 12" in page
    assert reverse("accounts:attachment", args=[row.pk]) in page
    assert "La pièce jointe est ajoutée à votre compte." in page


@pytest.mark.parametrize(("case", "factory", "designation", "field", "words"), BAD_UPLOADS)
def test_bad_file_is_refused_clearly_and_nothing_is_stored(
    client, case, factory, designation, field, words
):
    client.force_login(UserFactory())

    response = post_attachment(client, factory(), designation=designation)

    assert response.status_code == 400
    assert words in response.content.decode()
    assert not AccountAttachment.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(("case", "factory", "designation", "field", "words"), BAD_UPLOADS)
def test_service_refuses_bad_file_on_its_field(case, factory, designation, field, words):
    with pytest.raises(ValidationError) as refused:
        attachments.add_attachment(
            factory(), actor=UserFactory(), designation=designation, attachment_type="DEVIS"
        )

    assert words in refused.value.message_dict[field][0]
    assert not AccountAttachment.objects.exists()
    assert stored_files() == []


def test_designation_over_100_characters_and_unknown_type_are_refused():
    with pytest.raises(ValidationError) as refused:
        attachments.add_attachment(
            good_pdf(), actor=UserFactory(), designation="d" * 101, attachment_type="INCONNU"
        )

    errors = refused.value.message_dict
    assert "100 caractères" in errors["designation"][0]
    assert errors["attachment_type"] == ["Choisissez le type de la pièce jointe."]
    assert stored_files() == []


def test_owner_downloads_the_file_streamed_as_attachment(client):
    user = UserFactory()
    row = add(user)
    client.force_login(user)

    response = client.get(reverse("accounts:attachment", args=[row.pk]))

    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    close_response(response)
    assert body.startswith(b"%PDF") and len(body) == row.size
    assert response["Content-Disposition"] == 'attachment; filename="commande.pdf"'


def test_another_user_can_neither_see_download_nor_delete(client):
    owner = UserFactory()
    row = add(owner, designation="Contrat secret")
    client.force_login(UserFactory())

    page = client.get(URL).content.decode()
    download = client.get(reverse("accounts:attachment", args=[row.pk]))
    delete = client.post(reverse("accounts:attachment_delete", args=[row.pk]))

    assert "Contrat secret" not in page and "commande.pdf" not in page
    assert (download.status_code, delete.status_code) == (404, 404)
    assert AccountAttachment.objects.filter(pk=row.pk).exists()
    assert len(stored_files()) == 1


def test_owner_deletes_the_row_and_the_stored_file(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    row = add(user)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:attachment_delete", args=[row.pk]))

    assert response.status_code == 302
    assert not AccountAttachment.objects.exists()
    assert stored_files() == []


def test_anonymous_cannot_download(client):
    row = add(UserFactory())

    response = client.get(reverse("accounts:attachment", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def count_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    return len(captured), response.content.decode()


def test_list_costs_the_same_queries_for_1_or_3_rows(client):
    user = UserFactory()
    add(user, name="piece-0.pdf")
    client.force_login(user)
    client.get(URL)  # warm the session

    one, page_one = count_queries(client)
    add(user, name="piece-1.pdf")
    add(user, name="piece-2.pdf")
    three, page_three = count_queries(client)

    assert (page_one.count('data-attachment="'), page_three.count('data-attachment="')) == (1, 3)
    assert one == three
