"""ISSUED → Synthèse: counts by status and the invoices that need the supplier."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.structures import StructureFactory, attach

pytestmark = pytest.mark.django_db
URL = reverse("invoicing:issued")


def test_synthesis_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["support", "unattached"])
def test_synthesis_user_without_issued_area_is_refused(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "persona", ["main_manager", "secondary_manager", "simple_view", "simple_change"]
)
def test_synthesis_supplier_users_see_counts_and_lists(
    client, personas, invoice_for, foreign_invoice, persona
):
    invoice_for("SUSPENDUE", number="SUSP-1", status_comment="Il manque le bon de commande")
    invoice_for("A_RECYCLER", number="RECY-1")
    invoice_for("REJETEE", number="REJ-1")
    invoice_for("REJETEE", number="REJ-DONE", rejection_processed=True)
    invoice_for("MISE_A_DISPOSITION", number="MAD-1")
    invoice_for("MISE_A_DISPOSITION", number="MAD-2")
    invoice_for("BROUILLON", number="DRAFT-1")
    client.force_login(getattr(personas, persona))

    response = client.get(URL)

    assert response.status_code == 200
    synthesis = response.context["synthesis"]
    counts = {code: count for code, _label, count in synthesis.counts}
    assert counts == {
        "BROUILLON": 1,
        "MISE_A_DISPOSITION": 2,
        "SUSPENDUE": 1,
        "A_RECYCLER": 1,
        "REJETEE": 2,
    }
    assert synthesis.total == 7
    assert [i.number for i in synthesis.suspended] == ["SUSP-1"]
    assert [i.number for i in synthesis.to_recycle] == ["RECY-1"]
    # LIF-7: a processed rejection leaves the Synthèse, an unprocessed one stays.
    assert [i.number for i in synthesis.rejected] == ["REJ-1"]
    assert [i.number for i in synthesis.drafts] == ["DRAFT-1"]
    content = response.content.decode()
    assert "Il manque le bon de commande" in content
    assert "SECRET-OTHER" not in content and "commentaire secret" not in content


def test_synthesis_acknowledged_rejection_stays_until_processed(client, personas, invoice_for):
    from django.utils import timezone

    invoice_for("REJETEE", number="REJ-ACK", acknowledged_at=timezone.now())
    client.force_login(personas.simple_change)

    response = client.get(URL)

    assert [i.number for i in response.context["synthesis"].rejected] == ["REJ-ACK"]


def test_synthesis_lists_refused_by_validator(client, personas, invoice_for):
    invoice_for("REFUSEE_1", number="REF-1", frame="A9_FACTURE_SOUSTRAITANT")
    client.force_login(personas.simple_change)

    response = client.get(URL)

    assert [i.number for i in response.context["synthesis"].refused] == ["REF-1"]
    assert 'id="list-refused"' in response.content.decode()


@pytest.mark.parametrize("persona", ["other_user", "public_reviewer"])
def test_synthesis_other_structures_see_nothing_of_the_supplier(
    client, personas, invoice_for, persona
):
    invoice_for("SUSPENDUE", number="SUSP-LEAK")
    invoice_for("BROUILLON", number="DRAFT-LEAK")
    client.force_login(getattr(personas, persona))

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["synthesis"].total == 0
    content = response.content.decode()
    assert "SUSP-LEAK" not in content and "DRAFT-LEAK" not in content


def test_synthesis_structure_selector_filters(client, personas, invoice_for):
    second = StructureFactory(company_name="Deuxième Fournisseur")
    attach(personas.simple_change, second, areas={"ISSUED": "change"})
    invoice_for("SUSPENDUE", number="FIRST-1")
    invoice_for("SUSPENDUE", number="SECOND-1", supplier=second)
    client.force_login(personas.simple_change)

    everything = client.get(URL)
    only_second = client.get(URL, {"structure": second.pk})

    assert 'id="structure-selector"' in everything.content.decode()
    assert "<td>Deuxième Fournisseur</td>" in everything.content.decode()  # supplier column
    assert everything.context["synthesis"].total == 2
    assert [i.number for i in only_second.context["synthesis"].suspended] == ["SECOND-1"]


def test_synthesis_single_structure_has_no_selector(client, personas):
    client.force_login(personas.simple_change)
    assert 'id="structure-selector"' not in client.get(URL).content.decode()


def test_synthesis_query_count_does_not_grow_with_rows(client, personas, invoice_for):
    client.force_login(personas.simple_change)
    invoice_for("SUSPENDUE")
    invoice_for("BROUILLON")
    client.get(URL)  # warm up (session, caches)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for status in ("SUSPENDUE", "A_RECYCLER", "REJETEE", "BROUILLON"):
        invoice_for(status)
        invoice_for(status)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(one)


def test_synthesis_shows_the_most_recent_and_says_when_there_are_more(
    client, personas, invoice_for, monkeypatch
):
    """Issue 10: a page's worth of invoices waiting for the supplier, the most recent, and
    a note sending to Rechercher when more wait (none when all are shown)."""
    from invoicing.issued import services

    monkeypatch.setattr(services, "MAX_NEEDING_ATTENTION", 2)
    invoice_for("SUSPENDUE", days_ago=3, number="OLDEST")
    invoice_for("SUSPENDUE", days_ago=2, number="MIDDLE")
    client.force_login(personas.simple_change)

    content = client.get(URL).content.decode()
    assert "MIDDLE" in content and "OLDEST" in content
    assert 'id="needs-attention-more"' not in content

    invoice_for("REJETEE", days_ago=1, number="NEWEST")
    response = client.get(URL)
    synthesis = response.context["synthesis"]
    assert [i.number for i in synthesis.rejected + synthesis.suspended] == ["NEWEST", "MIDDLE"]
    content = response.content.decode()
    assert 'id="needs-attention-more"' in content
    assert "Les 2 plus récentes sont affichées" in content
    assert f'href="{reverse("invoicing:issued_search")}">Rechercher</a>' in content


def test_the_more_note_is_translated_and_keeps_the_selected_structure(
    client, personas, invoice_for, monkeypatch
):
    from invoicing.issued import services

    monkeypatch.setattr(services, "MAX_NEEDING_ATTENTION", 1)
    invoice_for("SUSPENDUE", days_ago=2)
    invoice_for("SUSPENDUE", days_ago=1)
    other = StructureFactory(company_name="Seconde structure")
    attach(personas.simple_change, other, areas={"ISSUED": "change"})
    client.force_login(personas.simple_change)
    search = reverse("invoicing:issued_search")

    content = client.get(URL, {"lang": "en"}).content.decode()
    assert f'The 1 most recent are shown; <a href="{search}">Search</a> lists them all' in content
    content = client.get(URL, {"structure": personas.structure.pk, "lang": "fr"}).content.decode()
    assert f'href="{search}?structure={personas.structure.pk}">Rechercher</a>' in content
