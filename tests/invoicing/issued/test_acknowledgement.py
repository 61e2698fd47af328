"""LIF-6: the pop-up of rejected and suspended invoices not yet acknowledged; dismissible
for 7 days after the status change, then mandatory (and the area's pages redirect to the
acknowledgement page until it is done)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from invoicing.issued import acknowledgements
from invoicing.models import StatusEvent

pytestmark = pytest.mark.django_db
SYNTHESIS = reverse("invoicing:issued")
SEARCH = reverse("invoicing:issued_search")
PAGE = reverse("invoicing:issued_acknowledgements")


def test_popup_lists_unacknowledged_rejections_and_suspensions(
    client, personas, invoice_for, foreign_invoice
):
    invoice_for("REJETEE", number="REJ-1", days_ago=1, status_comment="Montant faux")
    invoice_for("SUSPENDUE", number="SUSP-1", days_ago=2)
    invoice_for("SUSPENDUE", number="SUSP-ACK", acknowledged_at="2026-01-01T00:00:00Z")
    invoice_for("A_RECYCLER", number="RECY-1")
    client.force_login(personas.simple_change)

    content = client.get(SYNTHESIS).content.decode()

    assert 'id="acknowledgement-modal"' in content
    assert "REJ-1" in content and "SUSP-1" in content and "Montant faux" in content
    start = content.index('id="acknowledgement-modal"')
    modal = content[start : content.index("</dialog>", start)]
    assert "SUSP-ACK" not in modal and "RECY-1" not in modal
    assert "SECRET-OTHER" not in content
    assert "portal/acknowledgement.js" in content  # opens the pop-up (no inline script: CSP)


def test_popup_is_dismissible_for_7_days(client, personas, invoice_for):
    invoice_for("REJETEE", days_ago=6)
    client.force_login(personas.simple_change)

    content = client.get(SYNTHESIS).content.decode()
    search = client.get(SEARCH)

    assert 'data-mandatory="false"' in content
    assert 'id="acknowledgement-close"' in content
    assert search.status_code == 200  # the area stays open


@pytest.mark.parametrize(
    ("age", "mandatory"),
    [
        (datetime.timedelta(days=7) - datetime.timedelta(minutes=5), "false"),
        (datetime.timedelta(days=7) + datetime.timedelta(minutes=1), "true"),
    ],
)
def test_popup_becomes_mandatory_at_exactly_7_days(client, personas, invoice_for, age, mandatory):
    """The rule's value pinned: 7 days, not 6 nor 8 (LIF-6)."""
    invoice_for("REJETEE", status_changed_at=timezone.now() - age)
    client.force_login(personas.simple_change)
    content = client.get(SYNTHESIS).content.decode()
    assert f'data-mandatory="{mandatory}"' in content
    assert client.get(SEARCH).status_code == (302 if mandatory == "true" else 200)


def test_popup_is_mandatory_after_7_days(client, personas, invoice_for):
    invoice_for("REJETEE", days_ago=1)
    old = invoice_for("SUSPENDUE", days_ago=8)
    client.force_login(personas.simple_change)

    content = client.get(SYNTHESIS).content.decode()
    search = client.get(SEARCH)
    detail = client.get(reverse("invoicing:issued_detail", args=[old.pk]))

    assert 'data-mandatory="true"' in content
    assert 'id="acknowledgement-close"' not in content
    assert 'data-fr-concealing-backdrop="false"' in content
    assert search.status_code == 302 and search["Location"] == PAGE
    assert detail.status_code == 302 and detail["Location"] == PAGE
    page = client.get(PAGE)
    assert page.status_code == 200 and page.context["mandatory"] is True


def test_tout_acquitter_acknowledges_everything_and_reopens_the_area(client, personas, invoice_for):
    first = invoice_for("REJETEE", days_ago=9)
    second = invoice_for("SUSPENDUE", days_ago=1)
    client.force_login(personas.simple_change)

    response = client.post(PAGE, {"all": "1", "next": SEARCH})

    assert response.status_code == 302 and response["Location"] == SEARCH
    for invoice in (first, second):
        invoice.refresh_from_db()
        assert invoice.acknowledged_at is not None
    assert StatusEvent.objects.filter(action="ACQUITTEMENT_REJET", invoice=first).count() == 1
    assert client.get(SEARCH).status_code == 200
    assert 'id="acknowledgement-modal"' not in client.get(SYNTHESIS).content.decode()


def test_acknowledge_a_selection_only(client, personas, invoice_for):
    chosen = invoice_for("REJETEE", days_ago=1)
    left = invoice_for("SUSPENDUE", days_ago=1)
    client.force_login(personas.simple_change)

    client.post(PAGE, {"invoice": [str(chosen.pk)], "selection": "1", "next": SYNTHESIS})

    chosen.refresh_from_db()
    left.refresh_from_db()
    assert chosen.acknowledged_at is not None
    assert left.acknowledged_at is None


def test_acknowledge_empty_selection_changes_nothing(client, personas, invoice_for):
    invoice = invoice_for("REJETEE", days_ago=1)
    client.force_login(personas.simple_change)

    response = client.post(PAGE, {"selection": "1"}, follow=True)

    invoice.refresh_from_db()
    assert invoice.acknowledged_at is None
    assert "Sélectionnez au moins une facture" in response.content.decode()


def test_acknowledge_ignores_invoices_of_other_structures(
    client, personas, invoice_for, foreign_invoice
):
    client.force_login(personas.simple_change)

    client.post(PAGE, {"invoice": [str(foreign_invoice.pk)], "selection": "1"})

    foreign_invoice.refresh_from_db()
    assert foreign_invoice.acknowledged_at is None


def test_acknowledge_redirects_only_to_this_site(client, personas, invoice_for):
    invoice_for("REJETEE", days_ago=1)
    client.force_login(personas.simple_change)

    response = client.post(PAGE, {"all": "1", "next": "https://evil.example/"})

    assert response["Location"] == SYNTHESIS


def test_consultation_user_cannot_acknowledge(client, personas, invoice_for):
    invoice = invoice_for("REJETEE", days_ago=1)
    client.force_login(personas.simple_view)

    client.post(PAGE, {"all": "1"})
    client.post(PAGE, {"invoice": [str(invoice.pk)], "selection": "1"})

    invoice.refresh_from_db()
    assert invoice.acknowledged_at is None


def test_popup_is_not_shown_to_consultation_users_nor_blocks_them(client, personas, invoice_for):
    invoice_for("REJETEE", days_ago=30)
    client.force_login(personas.simple_view)

    content = client.get(SYNTHESIS).content.decode()

    assert 'id="acknowledgement-modal"' not in content
    assert client.get(SEARCH).status_code == 200


@pytest.mark.parametrize("persona", ["other_user", "public_reviewer"])
def test_popup_is_not_shown_to_other_structures(client, personas, invoice_for, persona):
    invoice_for("REJETEE", days_ago=30)
    client.force_login(getattr(personas, persona))

    assert 'id="acknowledgement-modal"' not in client.get(SYNTHESIS).content.decode()
    assert client.get(SEARCH).status_code == 200


def test_acknowledgement_page_anonymous_is_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- The template tag (base.html / home after login) ---------------------------------


def _render_tag(user, path, session):
    request = RequestFactory().get(path)
    request.user = user
    request.session = session
    request.resolver_match = resolve(path)
    return Template("{% load invoicing_tags %}{% issued_acknowledgement_modal %}").render(
        Context(
            {
                "request": request,
                "csrf_token": "x",
                "issued_acknowledgement": acknowledgements.Popup(request),
            }
        )
    )


def test_tag_shows_once_per_session_elsewhere_while_dismissible(personas, invoice_for):
    invoice_for("SUSPENDUE", days_ago=2, number="SUSP-TAG")
    session = SessionStore()

    first = _render_tag(personas.simple_change, reverse("home"), session)
    second = _render_tag(personas.simple_change, reverse("home"), session)
    on_synthesis = _render_tag(personas.simple_change, SYNTHESIS, session)

    assert "SUSP-TAG" in first
    assert "SUSP-TAG" not in second
    assert "SUSP-TAG" in on_synthesis  # the Synthèse always shows it


def test_tag_shows_on_every_page_when_mandatory(personas, invoice_for):
    invoice_for("SUSPENDUE", days_ago=10, number="SUSP-OLD")
    session = SessionStore()

    first = _render_tag(personas.simple_change, reverse("home"), session)
    second = _render_tag(personas.simple_change, reverse("home"), session)

    assert "SUSP-OLD" in first and "SUSP-OLD" in second
    assert 'id="acknowledgement-close"' not in second


def test_tag_renders_once_per_request(client, personas, invoice_for):
    invoice_for("SUSPENDUE", days_ago=2)
    client.force_login(personas.simple_change)

    content = client.get(SYNTHESIS).content.decode()

    assert content.count('id="acknowledgement-modal"') == 1


def test_tag_query_count_does_not_grow_with_invoices(personas, invoice_for):
    invoice_for("SUSPENDUE", days_ago=2)
    user = personas.simple_change
    _render_tag(user, SYNTHESIS, SessionStore())  # warm the rights cache
    with CaptureQueriesContext(connection) as one:
        _render_tag(user, SYNTHESIS, SessionStore())
    invoice_for("REJETEE", days_ago=1)
    invoice_for("SUSPENDUE", days_ago=3)
    with CaptureQueriesContext(connection) as three:
        _render_tag(user, SYNTHESIS, SessionStore())
    assert len(three) == len(one) <= 2


def test_tag_renders_nothing_for_anonymous():
    from django.contrib.auth.models import AnonymousUser

    assert _render_tag(AnonymousUser(), reverse("home"), SessionStore()).strip() == ""


# --- Scale (issue 10): a supplier with thousands waiting --------------------------------


def test_list_shows_the_oldest_ones_and_counts_them_all(client, personas, invoice_for, monkeypatch):
    monkeypatch.setattr(acknowledgements, "SHOWN", 2)
    monkeypatch.setattr(acknowledgements, "PAGE_SIZE", 2)
    oldest = invoice_for("REJETEE", days_ago=5, number="ACK-OLDEST")
    invoice_for("SUSPENDUE", days_ago=4, number="ACK-OLDER")
    invoice_for("REJETEE", days_ago=1, number="ACK-NEWEST")
    client.force_login(personas.simple_change)

    content = client.get(SYNTHESIS).content.decode()

    start = content.index('id="acknowledgement-modal"')
    modal = content[start : content.index("</dialog>", start)]
    assert "ACK-OLDEST" in modal and "ACK-OLDER" in modal
    assert "ACK-NEWEST" not in modal
    assert "3 factures rejetées ou suspendues attendent votre acquittement" in content
    shown = "Les 2 plus anciennes des 3 factures sont affichées ; « Tout acquitter et fermer »"
    assert shown in modal
    page = client.get(PAGE).content.decode()  # the page has them all, a page at a time
    assert "plus anciennes" not in page
    assert f'value="{oldest.pk}"' in page and "ACK-NEWEST" not in page
    assert "1 sur 2" in page
    assert "ACK-NEWEST" in client.get(PAGE, {"page": 2}).content.decode()


def test_the_popup_and_the_page_have_their_own_sizes(client, personas, invoice_for, monkeypatch):
    """The pop-up lists the `SHOWN` oldest, the page `PAGE_SIZE` a page."""
    monkeypatch.setattr(acknowledgements, "SHOWN", 1)
    monkeypatch.setattr(acknowledgements, "PAGE_SIZE", 2)
    for days, number in ((5, "ACK-A"), (4, "ACK-B"), (3, "ACK-C")):
        invoice_for("REJETEE", days_ago=days, number=number)
    client.force_login(personas.simple_change)

    content = client.get(SYNTHESIS).content.decode()
    start = content.index('id="acknowledgement-modal"')
    modal = content[start : content.index("</dialog>", start)]
    assert "ACK-A" in modal and "ACK-B" not in modal
    assert "Les 1 plus anciennes des 3 factures" in modal
    page = client.get(PAGE).content.decode()
    assert "ACK-A" in page and "ACK-B" in page and "ACK-C" not in page
    assert "ACK-C" in client.get(PAGE, {"page": 2}).content.decode()


def test_a_selection_can_be_made_past_the_first_page(client, personas, invoice_for, monkeypatch):
    monkeypatch.setattr(acknowledgements, "SHOWN", 1)
    monkeypatch.setattr(acknowledgements, "PAGE_SIZE", 1)
    invoice_for("REJETEE", days_ago=3)
    newest = invoice_for("SUSPENDUE", days_ago=1)
    client.force_login(personas.simple_change)

    assert f'value="{newest.pk}"' in client.get(PAGE, {"page": 2}).content.decode()
    client.post(PAGE, {"selection": "1", "invoice": [str(newest.pk)]})

    newest.refresh_from_db()
    assert newest.acknowledged_at is not None
    assert "1 facture rejetée ou suspendue attend" in client.get(SYNTHESIS).content.decode()


def test_tout_acquitter_acknowledges_past_the_list(client, personas, invoice_for, monkeypatch):
    monkeypatch.setattr(acknowledgements, "SHOWN", 1)
    monkeypatch.setattr(acknowledgements, "PAGE_SIZE", 1)
    invoices = [invoice_for("REJETEE", days_ago=days) for days in (9, 3, 1)]
    client.force_login(personas.simple_change)

    client.post(PAGE, {"all": "1", "next": SEARCH})

    for invoice in invoices:
        invoice.refresh_from_db()
        assert invoice.acknowledged_at is not None


def test_gate_reads_one_exists_when_the_popup_was_shown(client, personas, invoice_for):
    """Once the pop-up was shown in the session, a page of the area asks one EXISTS on the
    partial index (not the list, which a supplier may have by the thousand); the invoice
    that makes it mandatory is found by it even past the listed ones."""
    invoice_for("SUSPENDUE", days_ago=2)
    client.force_login(personas.simple_change)
    client.get(SYNTHESIS)  # the pop-up, shown once per session

    with CaptureQueriesContext(connection) as captured:
        assert client.get(SEARCH).status_code == 200
    reads = [q["sql"] for q in captured if '"acknowledged_at" IS NULL' in q["sql"]]
    assert len(reads) == 1 and reads[0].endswith("LIMIT 1") and '"status_changed_at" <=' in reads[0]

    invoice_for("REJETEE", days_ago=8)
    assert client.get(SEARCH).status_code == 302


def test_the_gate_question_answers_as_the_orm_would(personas, invoice_for):
    """The gate's EXISTS is written in SQL once (issue 10); it says what the ORM's query of
    the unacknowledged invoices says, at the 7-day boundary included, on either database."""
    threshold = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=7)
    mine, other = personas.structure.pk, personas.other_structure.pk

    def both(ids):
        orm = (
            acknowledgements._unacknowledged(ids).filter(status_changed_at__lte=threshold).exists()
        )
        assert acknowledgements._one_waits_since(ids, threshold) is orm
        return orm

    assert not both([mine])
    invoice_for("REJETEE", status_changed_at=threshold + datetime.timedelta(microseconds=1))
    invoice_for("SUSPENDUE", acknowledged_at=timezone.now(), status_changed_at=threshold)
    invoice_for("MISE_A_DISPOSITION", status_changed_at=threshold)
    invoice_for("REJETEE", supplier=personas.other_structure, status_changed_at=threshold)
    assert not both([mine])
    assert both([other]) and both([mine, other])
    invoice_for("SUSPENDUE", status_changed_at=threshold)  # exactly 7 days: it blocks
    assert both([mine])
