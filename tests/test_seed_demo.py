"""`manage.py seed_demo` is idempotent: a second run changes nothing, and the demo accounts
can log in (README). Also checks that the demo covers every phase-1 invoice status and
opens the supplier's Commitments area (AREA-7). Three tests only: each seeds the whole demo."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from commitments.models import Commitment, CommitmentInvoice
from demo.structures import DOMAIN, PASSWORD, SUPPLIER_SIRET
from demo.totp import STAFF_LOGINS, current_code
from invoicing.enums import Frame, InvoiceStatus
from invoicing.issued.acknowledgements import acknowledgement_blocks
from invoicing.models import Attachment, Invoice, StatusEvent
from structures import access
from structures.models import Structure

pytestmark = pytest.mark.django_db

SEEDED_APPS = ("accounts", "account", "structures", "invoicing", "commitments", "validation")
TRANSIENT = {
    InvoiceStatus.VALIDEE_1,
    InvoiceStatus.ABSENCE_VALIDATION_1_HORS_DELAI,
    InvoiceStatus.DEPOSEE,
}


def row_counts() -> dict[str, int]:
    counts = {}
    for label in SEEDED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


def history() -> list[tuple]:
    return list(StatusEvent.objects.order_by("id").values_list("id", "status", "created_at"))


def invoices() -> list[tuple]:
    return list(Invoice.objects.order_by("id").values_list("id", "status", "status_changed_at"))


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())
    return row_counts()


def test_seed_demo_twice_changes_nothing_and_accounts_log_in(seeded, client):
    events_before, invoices_before = history(), invoices()

    call_command("seed_demo", stdout=io.StringIO())

    assert row_counts() == seeded
    assert history() == events_before
    assert invoices() == invoices_before
    emails = list(
        get_user_model()
        .objects.filter(email__endswith=f"@{DOMAIN}")
        .values_list("email", flat=True)
    )
    assert len(emails) >= 9
    for email in emails:
        assert client.login(email=email, password=PASSWORD), email
        client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": f"fournisseur.principal@{DOMAIN}", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_seed_demo_reaches_every_status_and_opens_commitments(seeded, client):
    current = set(Invoice.objects.values_list("status", flat=True))
    assert set(InvoiceStatus.values) - TRANSIENT <= current
    assert set(InvoiceStatus.values) <= set(StatusEvent.objects.values_list("status", flat=True))
    waiting = Invoice.objects.filter(status=InvoiceStatus.A_VALIDER_1)
    assert {Frame.A9.value, Frame.A12.value} <= set(waiting.values_list("frame", flat=True))
    assert Invoice.objects.get(status=InvoiceStatus.SUSPENDUE).status_comment
    sent = Invoice.objects.exclude(status=InvoiceStatus.BROUILLON)
    assert Attachment.objects.filter(invoice__in=sent, is_main=True).count() == sent.count()

    supplier = Structure.objects.get(identifier=SUPPLIER_SIRET, is_active=True)
    assert access.is_area_open(supplier, "COMMITMENTS")  # its invoice reached MISE_EN_PAIEMENT
    assert Commitment.objects.filter(supplier=supplier).count() >= 5
    assert CommitmentInvoice.objects.filter(commitment__supplier=supplier).exists()
    client.login(email=f"fournisseur.principal@{DOMAIN}", password=PASSWORD)
    page = client.get(reverse("commitments:index")).content.decode()
    assert 'data-commitment="1300004512"' in page
    assert 'data-area="COMMITMENTS"' in page


def test_seed_demo_greets_well_and_staff_have_their_second_factor(seeded):
    """Issue 15: the main demo supplier lands on its homepage; the LIF-6 blocking pop-up is
    shown by a dedicated account; the demo staff can pass the admin's second factor."""
    users = get_user_model().objects
    main = users.get(email=f"fournisseur.principal@{DOMAIN}")
    late = users.get(email=f"fournisseur.retardataire@{DOMAIN}")

    assert not acknowledgement_blocks(main)
    assert acknowledgement_blocks(late)
    for email in STAFF_LOGINS:
        authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        assert TOTP(authenticator).validate_code(current_code())
