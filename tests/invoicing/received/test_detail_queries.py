"""Issue 10, detail pages: the user's memberships are read once per request (the structures'
holdings, the service scope and SRV-3's `sees_service` share them), never kept across
requests."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing.enums import InvoiceStatus
from invoicing.models import StatusEvent
from structures.models import Membership

S = InvoiceStatus
pytestmark = pytest.mark.django_db


def _reads(captured, table: str) -> int:
    """Statements reading `table` (the ORM quotes its name; the access layer's statement,
    `structures.holdings.user_rows`, does not)."""
    reads = re.compile(rf'FROM "?{table}"?\b')
    return sum(1 for query in captured if reads.search(query["sql"] or ""))


def test_received_detail_reads_the_memberships_once(client, world):
    invoice = world.invoice(S.MISE_A_DISPOSITION, service=world.service_x)
    client.force_login(world.reviewer_x)
    client.get(reverse("invoicing:received_detail", args=[invoice.pk]))  # warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("invoicing:received_detail", args=[invoice.pk]))
    assert response.status_code == 200
    assert _reads(captured, "structures_membership") == 1
    assert _reads(captured, "structures_membership_services") == 0  # joined to it
    assert 'id="process-form"' in response.content.decode()
    # The recipient and its service are joined to the invoice; nothing else is read.
    assert _reads(captured, "structures_structure") == 0
    assert _reads(captured, "structures_service") == 0


def test_received_detail_queries_do_not_grow_with_rows(client, world):
    invoice = world.invoice(S.MISE_A_DISPOSITION, service=world.service_x)
    url = reverse("invoicing:received_detail", args=[invoice.pk])
    client.force_login(world.reviewer_x)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        StatusEvent.objects.create(invoice=invoice, status=S.MISE_A_DISPOSITION)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_service_restriction_takes_effect_on_the_next_request(client, world):
    """The memberships are cached on the request's user, not across requests (SRV-3)."""
    invoice = world.invoice(S.MISE_A_DISPOSITION, service=world.service_x)
    url = reverse("invoicing:received_detail", args=[invoice.pk])
    client.force_login(world.reviewer_x)
    assert client.get(url).status_code == 200
    membership = Membership.objects.get(user=world.reviewer_x, structure=world.public)
    membership.services.set([world.service_y])
    assert client.get(url).status_code == 404
    membership.services.set([world.service_x])
    assert client.get(url).status_code == 200
