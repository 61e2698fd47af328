"""The attachments of a legal commitment (EJ-1): added and deleted by the publishing
structure in modification mode, seen and downloaded by whoever sees the commitment."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import attachments
from commitments.models import CommitmentAttachment
from tests.conftest import close_response
from tests.factories.files import BAD_UPLOADS, good_pdf, stored_files

pytestmark = pytest.mark.django_db


def add(world, commitment, name="marche.pdf", designation="Acte engagement"):
    return attachments.add_attachment(
        commitment,
        good_pdf(name),
        actor=world.main_manager,
        designation=designation,
        attachment_type="CONTRAT",
    )


def upload(client, user, commitment, file, designation="Acte engagement", kind="CONTRAT"):
    client.force_login(user)
    return client.post(
        reverse("commitments:attachment_upload", args=[commitment.pk]),
        {"file": file, "designation": designation, "attachment_type": kind},
    )


@pytest.mark.parametrize(
    ("actor_name", "status", "stored"),
    [
        ("main_manager", 302, True),
        ("secondary_manager", 302, True),
        ("change_user", 302, True),
        ("view_user", 403, False),
        ("supplier_main", 403, False),
        ("supplier_view", 403, False),
        ("other_public_user", 404, False),
        ("other_supplier_main", 404, False),
        ("reviewer", 403, False),
        ("support", 403, False),
    ],
)
def test_upload_actor_matrix(client, world, actor_name, status, stored):
    commitment = world.commitment("EJ-MINE")

    response = upload(client, getattr(world, actor_name), commitment, good_pdf("marche.pdf"))

    assert response.status_code == status
    assert CommitmentAttachment.objects.filter(commitment=commitment).exists() is stored
    assert len(stored_files()) == (1 if stored else 0)
    if stored:
        row = CommitmentAttachment.objects.get()
        assert (row.original_name, row.designation, row.attachment_type) == (
            "marche.pdf",
            "Acte engagement",
            "CONTRAT",
        )
        assert row.uploaded_by == getattr(world, actor_name)


@pytest.mark.parametrize(
    ("actor_name", "status", "can_delete"),
    [
        ("main_manager", 200, True),
        ("change_user", 200, True),
        ("view_user", 200, False),
        ("supplier_main", 200, False),
        ("supplier_view", 200, False),
        ("other_public_user", 404, False),
        ("other_supplier_main", 404, False),
        ("reviewer", 403, False),
    ],
)
def test_detail_and_download_actor_matrix(client, world, actor_name, status, can_delete):
    commitment = world.commitment("EJ-MINE")
    row = add(world, commitment)
    client.force_login(getattr(world, actor_name))

    page = client.get(reverse("commitments:detail", args=[commitment.pk]))
    download = client.get(row.get_download_url())

    assert (page.status_code, download.status_code) == (status, status)
    content = page.content.decode()
    if status == 200:
        assert "Acte engagement" in content and row.get_download_url() in content
        assert (row.get_delete_url() in content) is can_delete
        assert ('id="attachment-upload"' in content) is can_delete
        body = b"".join(download.streaming_content)
        close_response(download)
        assert body.startswith(b"%PDF") and len(body) == row.size
        assert download["Content-Disposition"] == 'attachment; filename="marche.pdf"'
    else:
        assert "Acte engagement" not in content


def test_attachment_of_another_commitment_is_a_404_under_this_one(client, world):
    mine = world.commitment("EJ-MINE")
    other = world.commitment("EJ-OTHER-MINE")
    row = add(world, other)
    client.force_login(world.main_manager)

    response = client.get(reverse("commitments:attachment", args=[mine.pk, row.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(("case", "factory", "designation", "field", "words"), BAD_UPLOADS)
def test_bad_file_is_refused_clearly_and_nothing_is_stored(
    client, world, case, factory, designation, field, words
):
    commitment = world.commitment("EJ-MINE")

    response = upload(client, world.main_manager, commitment, factory(), designation=designation)

    assert response.status_code == 400
    assert words in response.content.decode()
    assert not CommitmentAttachment.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(("case", "factory", "designation", "field", "words"), BAD_UPLOADS)
def test_service_refuses_bad_file_on_its_field(world, case, factory, designation, field, words):
    commitment = world.commitment("EJ-MINE")

    with pytest.raises(ValidationError) as refused:
        attachments.add_attachment(
            commitment,
            factory(),
            actor=world.main_manager,
            designation=designation,
            attachment_type="CONTRAT",
        )

    assert words in refused.value.message_dict[field][0]
    assert stored_files() == []


def test_service_refuses_the_supplier(world):
    commitment = world.commitment("EJ-MINE")

    with pytest.raises(PermissionDenied):
        attachments.add_attachment(
            commitment,
            good_pdf(),
            actor=world.supplier_main,
            designation="Devis",
            attachment_type="DEVIS",
        )

    assert stored_files() == []


@pytest.mark.parametrize(("actor_name", "status"), [("supplier_main", 403), ("view_user", 403)])
def test_delete_refused_to_who_cannot_manage(client, world, actor_name, status):
    row = add(world, world.commitment("EJ-MINE"))
    client.force_login(getattr(world, actor_name))

    response = client.post(row.get_delete_url())

    assert response.status_code == status
    assert CommitmentAttachment.objects.filter(pk=row.pk).exists()


def test_manager_deletes_row_and_file(client, world, django_capture_on_commit_callbacks):
    row = add(world, world.commitment("EJ-MINE"))
    client.force_login(world.change_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(row.get_delete_url())

    assert response.status_code == 302
    assert not CommitmentAttachment.objects.exists()
    assert stored_files() == []


def test_deleting_the_commitment_removes_its_files(
    client, world, django_capture_on_commit_callbacks
):
    commitment = world.commitment("EJ-MINE")
    add(world, commitment)
    client.force_login(world.main_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("commitments:delete", args=[commitment.pk]))

    assert response.status_code == 302
    assert not CommitmentAttachment.objects.exists()
    assert stored_files() == []


def test_detail_costs_the_same_queries_for_1_or_3_attachments(client, world):
    commitment = world.commitment("EJ-MINE")
    add(world, commitment, name="piece-0.pdf")
    url = reverse("commitments:detail", args=[commitment.pk])
    client.force_login(world.supplier_main)
    client.get(url)

    with CaptureQueriesContext(connection) as one:
        page_one = client.get(url).content.decode()
    add(world, commitment, name="piece-1.pdf")
    add(world, commitment, name="piece-2.pdf")
    with CaptureQueriesContext(connection) as three:
        page_three = client.get(url).content.decode()

    assert (page_one.count('data-attachment="'), page_three.count('data-attachment="')) == (1, 3)
    assert len(one) == len(three)
