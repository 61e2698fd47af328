"""Fixtures of the Issued invoices area tests: invoices of the personas' supplier structure
(and of another structure, the data that could leak), and a stored attachment."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from invoicing.models import Attachment
from tests.factories.invoicing import InvoiceFactory


@pytest.fixture
def invoice_for(personas):
    """An invoice of the personas' supplier to their public recipient, in `status`."""

    def make(status, *, days_ago: int = 0, **kwargs):
        kwargs.setdefault("supplier", personas.structure)
        kwargs.setdefault("recipient", personas.public)
        changed = timezone.now() - datetime.timedelta(days=days_ago)
        kwargs.setdefault("status_changed_at", changed)
        return InvoiceFactory(status=status, **kwargs)

    return make


@pytest.fixture
def foreign_invoice(personas):
    """An invoice of another structure: must never show to the personas' supplier users."""
    return InvoiceFactory(
        supplier=personas.other_structure,
        recipient=personas.public,
        status="SUSPENDUE",
        number="SECRET-OTHER",
        recipient_name="Destinataire secret",
        status_comment="commentaire secret",
    )


def make_attachment(invoice, *, name="facture.pdf", content=b"%PDF-1.4 test", is_main=False):
    relative = f"invoices/{invoice.pk}/{'main' if is_main else 'extra'}-{name}"
    target = settings.MEDIA_ROOT / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return Attachment.objects.create(
        invoice=invoice,
        path=relative,
        original_name=name,
        size=len(content),
        sha256="0" * 64,
        content_type="application/pdf",
        is_main=is_main,
        designation="" if is_main else "Bon de commande signé",
        attachment_type="" if is_main else "BON_DE_COMMANDE",
    )


@pytest.fixture
def attachment_of():
    return make_attachment


def login(client, user):
    client.force_login(user)
    return client
