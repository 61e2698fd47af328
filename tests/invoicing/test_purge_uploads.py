"""ATT-7: an uploaded file not linked to an invoice within 24 hours is purged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from invoicing import tasks
from invoicing.documents import files
from invoicing.models import Attachment
from tests.factories.invoicing import InvoiceFactory

pytestmark = pytest.mark.django_db


def upload(name: str, *, age: timedelta, invoice=None) -> Attachment:
    stored = files.store_upload(SimpleUploadedFile(name, b"%PDF-1.4 demo"), subdir="uploads")
    return Attachment.objects.create(
        invoice=invoice,
        path=stored.path,
        original_name=name,
        size=stored.size,
        sha256=stored.sha256,
        created_at=timezone.now() - age,
    )


def test_purge_removes_stale_unlinked_uploads_and_their_files():
    stale = upload("old.pdf", age=timedelta(hours=25))
    fresh = upload("new.pdf", age=timedelta(hours=23))
    linked = upload("linked.pdf", age=timedelta(days=3), invoice=InvoiceFactory())
    stale_file = Path(settings.MEDIA_ROOT) / stale.path

    assert tasks.purge_unlinked_uploads() == 1

    assert not Attachment.objects.filter(pk=stale.pk).exists()
    assert not stale_file.exists()
    assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh.pk, linked.pk}
    assert (Path(settings.MEDIA_ROOT) / linked.path).exists()


def test_purge_twice_purges_nothing_more():
    upload("old.pdf", age=timedelta(days=2))
    assert tasks.purge_unlinked_uploads() == 1
    assert tasks.purge_unlinked_uploads() == 0


def test_purge_is_scheduled_hourly():
    from portal.celery import app

    app.finalize()
    entries = [
        e
        for e in app.conf.beat_schedule.values()
        if e["task"] == "invoicing.tasks.purge_unlinked_uploads"
    ]
    assert entries and entries[0]["schedule"] <= 3600
