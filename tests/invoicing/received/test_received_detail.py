"""The received invoice page: data, files, history, due date, the download (RCV-6) and
who may see it."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.documents import files
from invoicing.enums import ActionCode, InvoiceStatus
from invoicing.models import StatusEvent
from tests.invoicing.received.conftest import add_file

S = InvoiceStatus
pytestmark = pytest.mark.django_db


def detail_url(invoice):
    return reverse("invoicing:received_detail", args=[invoice.pk])


EXPECTED = {
    "supplier_main_manager": 403,
    "supplier_view": 403,
    "supplier_change": 403,
    "supplier_secondary_manager": 403,
    "other_public_reviewer": 404,
    "consultation_reviewer": 200,
    "reviewer": 200,
    "public_manager": 200,
    "support": 403,
    "unattached": 403,
}


def test_detail_actor_matrix(client, world):
    invoice = world.invoice(number="SECRET-1")
    world.invoice(recipient=world.other_public, number="THEIRS-1")
    for name, user in world.matrix().items():
        client.force_login(user)
        response = client.get(detail_url(invoice))
        assert response.status_code == EXPECTED[name], name
        assert (b"SECRET-1" in response.content) is (EXPECTED[name] == 200), name
        client.logout()
    assert client.get(detail_url(invoice)).status_code == 302  # anonymous → login


def test_detail_shows_data_files_history_and_due_date(client, world):
    deposited = timezone.now() - timedelta(days=45)
    invoice = world.invoice(
        S.SUSPENDUE, number="SHOW-1", deposited_at=deposited, status_comment="Il manque le BL"
    )
    main = add_file(invoice, "facture.pdf")
    add_file(invoice, "bon.pdf", is_main=False)
    client.force_login(world.reviewer)

    response = client.get(detail_url(invoice))

    content = response.content.decode()
    assert 'id="invoice-data"' in content and 'id="invoice-history"' in content
    assert reverse("invoicing:attachment", args=[invoice.pk, main.pk]) in content
    assert reverse("invoicing:received_download", args=[invoice.pk]) in content
    assert "bon.pdf" in content
    # The period runs from the deposit's local (Europe/Paris) date, not its UTC one: the
    # two differ between 22:00 and midnight UTC.
    due = timezone.localtime(deposited).date() + timedelta(days=30)
    assert due.strftime("%d/%m/%Y") in content
    assert 'id="overdue-badge"' not in content  # suspended: waiting for the supplier
    assert "Il manque le BL" in content


def test_detail_overdue_invoice_has_the_badge(client, world):
    invoice = world.invoice(
        S.PRISE_EN_COMPTE_DESTINATAIRE, deposited_at=timezone.now() - timedelta(days=31)
    )
    client.force_login(world.reviewer)
    assert b'id="overdue-badge"' in client.get(detail_url(invoice)).content


def test_detail_consultation_reviewer_sees_no_action(client, world):
    invoice = world.invoice()
    client.force_login(world.consultation)
    response = client.get(detail_url(invoice))
    assert response.context["form"] is None
    assert b'id="process-form"' not in response.content
    assert b'id="read-only"' in response.content


def test_detail_final_invoice_offers_no_action(client, world):
    invoice = world.invoice(S.REJETEE)
    client.force_login(world.reviewer)
    response = client.get(detail_url(invoice))
    assert response.context["form"] is None
    assert b'id="no-action"' in response.content


# --- Download (RCV-6) --------------------------------------------------------------------


def test_dossier_download_zips_every_file_and_marks_the_invoice(client, world):
    invoice = world.invoice()
    add_file(invoice, "facture.pdf", b"%PDF-1.4 main")
    add_file(invoice, "annexe.pdf", b"%PDF-1.4 annexe", is_main=False)
    client.force_login(world.consultation)  # consultation may download

    response = client.get(reverse("invoicing:received_download", args=[invoice.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["annexe.pdf", "facture.pdf"]
    assert archive.read("facture.pdf") == b"%PDF-1.4 main"
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is not None
    event = StatusEvent.objects.filter(invoice=invoice).latest("id")
    assert (event.action, event.actor) == (ActionCode.TELECHARGEMENT_FACTURE, world.consultation)
    assert invoice.status == S.MISE_A_DISPOSITION


def test_main_file_download_through_the_shared_view_marks_the_invoice(client, world):
    invoice = world.invoice()
    main = add_file(invoice)
    client.force_login(world.reviewer)
    response = client.get(reverse("invoicing:attachment", args=[invoice.pk, main.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test\n%%EOF\n"
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is not None


def test_dossier_download_without_files_changes_nothing(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    response = client.get(reverse("invoicing:received_download", args=[invoice.pk]), follow=True)
    assert "Aucun fichier" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is None


def test_dossier_download_with_a_file_missing_on_disk_skips_it_with_a_note(client, world):
    # Issue 9: closing the archive inside the zip writer answered a 500.
    invoice = world.invoice()
    add_file(invoice, "facture.pdf", b"%PDF-1.4 main")
    gone = add_file(invoice, "annexe.pdf", b"%PDF-1.4 annexe", is_main=False)
    files.resolve_stored_path(gone.path).unlink()
    client.force_login(world.reviewer)

    response = client.get(reverse("invoicing:received_download", args=[invoice.pk]))

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["FICHIERS-MANQUANTS.txt", "facture.pdf"]
    assert "annexe.pdf" in archive.read("FICHIERS-MANQUANTS.txt").decode()


def test_dossier_download_with_every_file_missing_on_disk_says_so(client, world):
    invoice = world.invoice()
    gone = add_file(invoice)
    files.resolve_stored_path(gone.path).unlink()
    client.force_login(world.reviewer)

    response = client.get(reverse("invoicing:received_download", args=[invoice.pk]), follow=True)

    assert response.status_code == 200
    assert "Aucun fichier" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is None


def test_dossier_download_above_120_mb_is_refused(client, world):
    invoice = world.invoice()
    big = add_file(invoice)
    type(big).objects.filter(pk=big.pk).update(size=files.MAX_DOSSIER_SIZE + 1)
    client.force_login(world.reviewer)
    response = client.get(reverse("invoicing:received_download", args=[invoice.pk]), follow=True)
    assert "120 Mo" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is None


@pytest.mark.parametrize("who", ["other_reviewer", "reviewer_x"])
def test_dossier_download_out_of_scope_is_404(client, world, who):
    invoice = world.invoice(service=world.service_y)
    add_file(invoice)
    client.force_login(getattr(world, who))
    response = client.get(reverse("invoicing:received_download", args=[invoice.pk]))
    assert response.status_code == 404
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient_at is None


def test_detail_service_reviewer_gets_404_for_another_service(client, world):
    in_y = world.invoice(service=world.service_y)
    in_x = world.invoice(service=world.service_x)
    client.force_login(world.reviewer_x)
    assert client.get(detail_url(in_y)).status_code == 404
    assert client.get(detail_url(in_x)).status_code == 200


def test_due_date_counts_from_the_deposit_day_in_paris_not_in_utc(world):
    # 00:30 in Paris is still the previous day in UTC (22:30).
    paris = timezone.get_default_timezone()
    deposited = timezone.make_aware(timezone.datetime(2024, 3, 10, 0, 30), paris)
    world.public.payment_delay_days = 30
    world.public.save()
    invoice = world.invoice(deposited_at=deposited)
    invoice.refresh_from_db()  # the database gives the datetime back in UTC

    assert invoice.due_date == timezone.datetime(2024, 4, 9).date()
