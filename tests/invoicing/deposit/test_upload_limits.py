"""Issue 9 on the deposit screen: a PDF bomb is accepted without pre-fill and the user is
told why; the web process does not grow; the text is read once per upload, however often
the form is opened; UTF-16 XML invoices pass the attachment check (Low 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from invoicing.deposit import uploads
from invoicing.documents import files
from invoicing.models import Attachment
from invoicing.recognition import isolated
from tests.invoicing import samples
from tests.invoicing.deposit.helpers import invoice_pdf, pdf_upload
from tests.invoicing.deposit.test_upload import field_value
from tests.invoicing.memory import peak_growth

pytestmark = pytest.mark.django_db

BOMB_SIZE = 200 * 1024 * 1024
TOO_LARGE = "Le contenu de ce PDF est trop volumineux pour être lu"


@pytest.fixture
def logged(client, actor):
    client.force_login(actor)
    return client


@pytest.fixture
def runs(monkeypatch):
    """The paths the isolated reader was started on (a spy: the real child still runs)."""
    calls = []
    real = isolated.run

    def spy(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(isolated, "run", spy)
    return calls


def upload(client, content, name="facture.pdf"):
    return client.post(reverse("invoicing:deposit_upload"), {"file": pdf_upload(content, name)})


def test_upload_pdf_bomb_is_accepted_without_prefill_and_says_why(logged, runs):
    bomb = samples.pdf_bomb(BOMB_SIZE)

    with peak_growth() as growth:
        response = upload(logged, bomb)
        assert response.status_code == 302
        page = logged.get(response["Location"])

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="recognition-notice"' in html and TOO_LARGE in html
    assert field_value(html, "number") == ""
    assert field_value(html, "recipient_identifier") == ""
    assert Attachment.objects.get().is_main
    assert len(runs) == 1
    assert growth.mb < 100, f"the web process grew by {growth.mb:.0f} MB"


def test_upload_reads_the_text_once_however_often_the_form_opens(logged, runs, recipient):
    response = upload(logged, invoice_pdf(recipient.identifier))
    first = logged.get(response["Location"]).content.decode()
    second = logged.get(response["Location"]).content.decode()

    assert len(runs) == 1
    for html in (first, second):
        assert field_value(html, "number") == "FA-2024-0042"
        assert field_value(html, "recipient_identifier") == recipient.identifier


def test_upload_child_killed_at_its_time_limit_gives_no_prefill_and_no_500(
    logged, runs, settings, recipient
):
    settings.PDF_EXTRACTION_TIMEOUT_SECONDS = 0.001

    response = upload(logged, invoice_pdf(recipient.identifier))
    page = logged.get(response["Location"])

    assert response.status_code == 302 and page.status_code == 200
    html = page.content.decode()
    assert "a pris trop de temps" in html
    assert field_value(html, "number") == ""
    assert len(runs) == 1


def test_form_reads_a_missing_prefill_once_then_keeps_it(logged, runs, actor, recipient):
    main = uploads.upload_main_file(pdf_upload(invoice_pdf(recipient.identifier)), actor=actor)
    kept = Path(settings.MEDIA_ROOT) / (main.attachment.path + files.PREFILL_SUFFIX)
    kept.unlink()  # an upload made before pre-fills were kept
    url = reverse("invoicing:deposit_form") + f"?main={main.attachment.pk}"

    for _ in range(2):
        html = logged.get(url).content.decode()
        assert field_value(html, "number") == "FA-2024-0042"

    assert len(runs) == 2 and kept.exists()


def test_deleting_a_stored_upload_deletes_its_kept_prefill(actor):
    main = uploads.upload_main_file(pdf_upload(samples.keyword_invoice_pdf()), actor=actor)
    stored = Path(settings.MEDIA_ROOT) / main.attachment.path
    kept = stored.with_name(stored.name + files.PREFILL_SUFFIX)
    assert kept.exists()

    files.delete_stored(main.attachment.path)

    assert not stored.exists() and not kept.exists()


@pytest.mark.parametrize("big_endian", [False, True], ids=["utf-16-le", "utf-16-be"])
def test_upload_utf16_ubl_invoice_is_accepted_and_prefills(logged, big_endian):
    response = upload(logged, samples.ubl_xml_utf16(big_endian), "facture.xml")

    assert response.status_code == 302, response.content.decode()[:1000]
    html = logged.get(response["Location"]).content.decode()
    assert field_value(html, "number") == samples.UBL_VALUES["number"]
    assert field_value(html, "recipient_identifier") == samples.RECIPIENT_SIRET
