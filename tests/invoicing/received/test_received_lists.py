"""Synthèse and Rechercher of the Received invoices area (RCV-1, RCV-2, §5.10, SRV-3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invoicing.enums import Frame, InvoiceStatus

S = InvoiceStatus
pytestmark = pytest.mark.django_db

SYNTHESIS = reverse("invoicing:received")
SEARCH = reverse("invoicing:received_search")


def rows(response) -> list[int]:
    return [invoice.pk for invoice in response.context["invoices"]]


# --- Actor matrix ------------------------------------------------------------------------

EXPECTED = {
    "supplier_main_manager": 403,
    "supplier_secondary_manager": 403,
    "supplier_view": 403,
    "supplier_change": 403,
    "other_public_reviewer": 200,
    "consultation_reviewer": 200,
    "reviewer": 200,
    "public_manager": 200,
    "support": 403,
    "unattached": 403,
}
SEES_OURS = {"consultation_reviewer", "reviewer", "public_manager"}


@pytest.mark.parametrize("url", [SYNTHESIS, SEARCH])
def test_received_lists_actor_matrix_only_recipients_see_the_invoice(client, world, url):
    ours = world.invoice(number="OURS-1")
    world.invoice(recipient=world.other_public, number="THEIRS-1")
    for name, user in world.matrix().items():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == EXPECTED[name], name
        if response.status_code == 200:
            assert (ours.pk in rows(response)) is (name in SEES_OURS), name
            assert (b"OURS-1" in response.content) is (name in SEES_OURS), name
        client.logout()


@pytest.mark.parametrize("url", [SYNTHESIS, SEARCH])
def test_received_lists_anonymous_is_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Synthèse ----------------------------------------------------------------------------


def test_synthesis_lists_open_and_chain_invoices_overdue_first(client, world):
    now = timezone.now()
    fresh = world.invoice(S.MISE_A_DISPOSITION, deposited_at=now - timedelta(days=2))
    overdue = world.invoice(S.PRISE_EN_COMPTE_DESTINATAIRE, deposited_at=now - timedelta(days=40))
    later_overdue = world.invoice(S.COMPLETEE, deposited_at=now - timedelta(days=31))
    chain = world.invoice(S.MANDATEE, deposited_at=now - timedelta(days=5))
    paid = world.invoice(S.MISE_EN_PAIEMENT, deposited_at=now - timedelta(days=60))
    rejected = world.invoice(S.REJETEE, deposited_at=now - timedelta(days=60))
    client.force_login(world.reviewer)

    response = client.get(SYNTHESIS)

    listed = rows(response)
    assert listed[:2] == [overdue.pk, later_overdue.pk]
    assert set(listed) == {fresh.pk, overdue.pk, later_overdue.pk, chain.pk}
    assert paid.pk not in listed and rejected.pk not in listed
    assert response.content.count(b"data-overdue") == 2
    assert response.context["counts"] == {"waiting": 4, "overdue": 2, "suspended": 0}


def test_synthesis_due_date_follows_the_recipient_payment_delay(client, world):
    world.public.payment_delay_days = 50
    world.public.save()
    deposited = timezone.now() - timedelta(days=40)
    invoice = world.invoice(deposited_at=deposited)
    client.force_login(world.reviewer)

    response = client.get(SYNTHESIS)

    row = response.context["invoices"][0]
    assert row.pk == invoice.pk
    assert row.due_date == timezone.localdate(deposited) + timedelta(days=50)
    invoice.refresh_from_db()
    assert invoice.due_date == row.due_date  # stored at deposit (issue 10), not computed
    assert b"data-overdue" not in response.content


@pytest.mark.parametrize(
    "hidden",
    [S.BROUILLON, S.A_VALIDER_1, S.REFUSEE_1, S.DEPOSEE, S.VALIDEE_1],
)
def test_received_lists_never_show_hidden_statuses_rcv2(client, world, hidden):
    invoice = world.invoice(hidden, number="HIDDEN-1")
    client.force_login(world.reviewer)
    for url in (SYNTHESIS, SEARCH, SEARCH + f"?status={hidden}"):
        response = client.get(url)
        assert invoice.pk not in rows(response)
        assert b"HIDDEN-1" not in response.content
    assert client.get(reverse("invoicing:received_detail", args=[invoice.pk])).status_code == 404


def test_synthesis_consultation_reviewer_has_no_bulk_form(client, world):
    world.invoice()
    client.force_login(world.consultation)
    response = client.get(SYNTHESIS)
    assert response.context["can_change"] is False
    assert b'id="bulk-form"' in response.content  # the table sits in it…
    assert b'name="invoices"' not in response.content  # …but without checkboxes
    assert b'id="bulk-actions"' not in response.content


def test_synthesis_modification_reviewer_has_checkboxes_and_bulk_actions(client, world):
    invoice = world.invoice()
    client.force_login(world.reviewer)
    response = client.get(SYNTHESIS)
    assert f'name="invoices" value="{invoice.pk}"'.encode() in response.content
    assert b'id="bulk-actions"' in response.content


# --- Service scoping (SRV-3) -------------------------------------------------------------


@pytest.mark.parametrize("url", [SYNTHESIS, SEARCH])
def test_received_lists_service_reviewer_sees_only_their_service(client, world, url):
    in_x = world.invoice(service=world.service_x, number="IN-X")
    in_y = world.invoice(service=world.service_y, number="IN-Y")
    no_service = world.invoice(number="NO-SERVICE")
    client.force_login(world.reviewer_x)

    response = client.get(url)

    assert rows(response) == [in_x.pk]
    assert b"IN-Y" not in response.content
    assert b"NO-SERVICE" not in response.content
    client.force_login(world.reviewer)
    assert set(rows(client.get(url))) == {in_x.pk, in_y.pk, no_service.pk}


def test_search_service_filter_offers_only_the_user_services(client, world):
    world.invoice(service=world.service_x)
    world.invoice(service=world.service_y)
    client.force_login(world.reviewer_x)
    response = client.get(SEARCH)
    services = list(response.context["form"].fields["service"].queryset)
    assert services == [world.service_x]
    y_filter = client.get(SEARCH, {"service": world.service_y.pk})
    assert "service" in y_filter.context["form"].errors
    assert rows(y_filter) == []


# --- Search filters (RCV-1) --------------------------------------------------------------


@pytest.fixture
def three(world):
    now = timezone.now()
    a = world.invoice(
        S.MISE_A_DISPOSITION,
        number="ALPHA-1",
        supplier_name="Alpha Travaux",
        supplier_identifier="11111111100011",
        service=world.service_x,
        engagement_number="EJ-100",
        frame=Frame.A1,
        amount_ttc=Decimal("100.00"),
        deposited_at=now - timedelta(days=10),
        invoice_date=(now - timedelta(days=12)).date(),
    )
    b = world.invoice(
        S.SERVICE_FAIT,
        number="BETA-2",
        supplier_name="Beta Conseil",
        supplier_identifier="22222222200022",
        service=world.service_y,
        engagement_number="EJ-200",
        frame=Frame.A9,
        amount_ttc=Decimal("2500.00"),
        deposited_at=now - timedelta(days=3),
        invoice_date=(now - timedelta(days=4)).date(),
    )
    c = world.invoice(
        S.REJETEE,
        number="GAMMA-3",
        supplier_name="Gamma Services",
        supplier_identifier="33333333300033",
        frame=Frame.A2,
        amount_ttc=Decimal("40000.00"),
        deposited_at=now - timedelta(days=1),
        invoice_date=(now - timedelta(days=2)).date(),
    )
    return a, b, c


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"supplier": "2222222220"}, "b"),
        ({"supplier": "gamma"}, "c"),
        ({"number": "alpha"}, "a"),
        ({"status": "SERVICE_FAIT"}, "b"),
        ({"engagement_number": "EJ-2"}, "b"),
        ({"frame": Frame.A2.value}, "c"),
        ({"amount_min": "1000", "amount_max": "3000"}, "b"),
        ({"amount_min": "30000"}, "c"),
    ],
)
def test_search_filters_find_the_matching_invoice(client, world, three, params, expected):
    a, b, c = three
    client.force_login(world.reviewer)
    response = client.get(SEARCH, params)
    assert rows(response) == [{"a": a, "b": b, "c": c}[expected].pk]


def test_search_filters_by_service_and_dates(client, world, three):
    a, b, c = three
    today = timezone.localdate()
    client.force_login(world.reviewer)
    assert rows(client.get(SEARCH, {"service": world.service_x.pk})) == [a.pk]
    recent = client.get(SEARCH, {"deposited_from": (today - timedelta(days=5)).isoformat()})
    assert set(rows(recent)) == {b.pk, c.pk}
    old = client.get(SEARCH, {"invoice_date_to": (today - timedelta(days=10)).isoformat()})
    assert rows(old) == [a.pk]
    changed = client.get(SEARCH, {"status_changed_from": today.isoformat()})
    assert set(rows(changed)) == {a.pk, b.pk, c.pk}


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("-deposited_at", "cba"),
        ("deposited_at", "abc"),
        ("-amount_ttc", "cba"),
        ("amount_ttc", "abc"),
        ("number", "abc"),
        ("supplier_name", "abc"),
    ],
)
def test_search_sorts(client, world, three, sort, order):
    by_name = dict(zip("abc", three, strict=True))
    client.force_login(world.reviewer)
    response = client.get(SEARCH, {"sort": sort})
    assert rows(response) == [by_name[key].pk for key in order]


def test_search_reversed_bounds_show_a_field_error(client, world, three):
    client.force_login(world.reviewer)
    response = client.get(SEARCH, {"amount_min": "500", "amount_max": "10"})
    assert "amount_max" in response.context["form"].errors
    assert rows(response) == []
    assert b"La borne de fin doit suivre la borne de d" in response.content


def test_search_paginates(client, world):
    for index in range(27):
        world.invoice(number=f"P-{index:03d}")
    client.force_login(world.reviewer)
    first = client.get(SEARCH, {"sort": "number"})
    second = client.get(SEARCH, {"sort": "number", "page": 2})
    assert len(rows(first)) == 25
    assert [i.number for i in second.context["invoices"]] == ["P-025", "P-026"]
    assert b"sort=number&amp;page=2" in first.content


# --- N+1 guard ---------------------------------------------------------------------------


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [(SYNTHESIS, None), (SEARCH, None), (SEARCH, {"supplier": "Fournisseur", "sort": "number"})],
)
def test_received_lists_same_query_count_for_1_and_3_rows(client, world, url, params):
    client.force_login(world.reviewer)
    world.invoice(service=world.service_x, supplier_name="Fournisseur Démo")
    client.get(url)  # warm-up (session, language)
    one = _count(client, url, params)
    world.invoice(service=world.service_y, supplier_name="Fournisseur Démo")
    world.invoice(recipient_service=None, supplier_name="Fournisseur Démo")
    three = _count(client, url, params)
    assert len(client.get(url, params or {}).context["invoices"]) == 3
    assert one == three


# --- Issue 10: bounded counts ------------------------------------------------------------


def test_search_above_the_cap_says_refine_instead_of_counting(client, world, monkeypatch):
    from portal import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    for _ in range(3):
        world.invoice()
    client.force_login(world.reviewer)

    response = client.get(SEARCH)

    assert response.context["page"].paginator.count == 3  # cap + 1, not an exact count
    assert "Plus de 2 factures, affinez votre recherche" in response.content.decode()
    assert client.get(SEARCH + "?page=2000").context["page"].number == 1  # 2 rows: one page


def test_synthesis_counts_come_from_the_counters_exactly(client, world, monkeypatch):
    """Issue 10: waiting, overdue and suspended are the status counters, exact above the
    lists' cap; the Synthèse counts no invoice, and its paginator does not count the
    waiting ones again."""
    from portal import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    old = timezone.now() - timedelta(days=120)
    for _ in range(3):
        world.invoice(deposited_at=old)
    client.force_login(world.reviewer)

    response = client.get(SYNTHESIS + "?lang=fr")

    assert response.context["counts"] == {"waiting": 3, "overdue": 3, "suspended": 0}
    content = response.content.decode()
    assert "3 factures à traiter" in content and "3 en retard" in content
    assert "0 suspendue" in content

    for _ in range(3):  # not yet due
        world.invoice()
    client.get(SYNTHESIS)  # the rights, cached
    with CaptureQueriesContext(connection) as captured:
        response = client.get(SYNTHESIS + "?lang=fr")
    assert response.context["counts"] == {"waiting": 6, "overdue": 3, "suspended": 0}
    content = response.content.decode()
    assert "6 factures à traiter" in content and "3 en retard" in content
    assert not [q["sql"] for q in captured if "COUNT(" in q["sql"]]
    paginator = response.context["page"].paginator
    assert paginator.count == 3 and paginator.capped  # the counters' 6: more than the cap 2
    assert len(response.context["invoices"]) == 2


def test_rows_rendered_in_python_escape_and_show_every_column(world):
    """Issue 10: the Received rows are written by invoicing/received/rows.py, not by the
    template engine per field; same markup, every value escaped."""
    from django.utils import translation

    from invoicing.display import money
    from invoicing.received import services
    from invoicing.received.rows import render_rows

    invoice = world.invoice(
        number="F<1>",
        supplier_name="Dupont & <Fils>",
        deposited_at=timezone.now() - timedelta(days=400),
        amount_ttc=Decimal("1234.5"),
    )
    row = services.for_rows(services.list_queryset(world.reviewer)).get(pk=invoice.pk)
    with translation.override("fr"):
        html = render_rows([row], can_change=True)
    assert f'<tr data-invoice="{invoice.pk}" class="received-overdue">' in html
    assert "F&lt;1&gt;" in html and "Dupont &amp; &lt;Fils&gt;" in html
    assert f'value="{invoice.pk}" id="select-{invoice.pk}"' in html
    assert "Sélectionner la facture F&lt;1&gt;" in html
    assert f"<td>{money(Decimal('1234.5'), 'EUR')}</td>" in html
    assert "data-overdue" in html and "Non téléchargée" in html
    assert timezone.localdate(row.deposited_at).strftime("%d/%m/%Y") in html


def test_a_name_part_search_counts_up_to_the_smaller_cap(client, world, monkeypatch):
    """Issue 10: a name part has no index within the scope; its count stops sooner."""
    from portal import pagination

    monkeypatch.setattr(pagination, "NAME_PART_CAP", 2)
    for _ in range(3):
        world.invoice(supplier_name="Dupont et Fils")
    client.force_login(world.reviewer)

    by_name = client.get(SEARCH, {"supplier": "dupont"})
    assert by_name.context["page"].paginator.count == 3  # cap + 1
    assert "Plus de 2 factures, affinez votre recherche" in by_name.content.decode()
    identifier = world.invoice(supplier_name="Dupont et Fils").supplier_identifier
    by_identifier = client.get(SEARCH, {"supplier": identifier[:9]})
    assert by_identifier.context["page"].paginator.count == 4  # the usual cap


def test_a_broad_name_part_is_not_counted(client, world, monkeypatch):
    """Issue 10: a supplier name the planner expects on many rows says "plus de" without
    counting; an identifier start is counted as before, without asking the planner."""
    from portal import pagination

    asked = []
    monkeypatch.setattr(pagination, "NAME_PART_CAP", 2)
    monkeypatch.setattr(pagination, "planned_rows", lambda qs: asked.append(qs) or 1_000_000)
    invoice = world.invoice(supplier_name="Dupont et Fils")
    client.force_login(world.reviewer)
    with CaptureQueriesContext(connection) as captured:
        by_name = client.get(SEARCH, {"supplier": "dupont"})
    assert not any("COUNT(" in query["sql"] for query in captured)
    assert "Plus de 2 factures, affinez votre recherche" in by_name.content.decode()
    assert len(asked) == 1
    by_identifier = client.get(SEARCH, {"supplier": invoice.supplier_identifier[:9]})
    assert by_identifier.context["page"].paginator.count == 1
    assert len(asked) == 1


# --- The search's count from the status counters (issue 10) -----------------------------


@pytest.mark.parametrize(
    "params, counted",
    [
        ({}, True),
        ({"sort": "-amount_ttc"}, True),
        ({"status": "MISE_EN_PAIEMENT", "sort": "due_at"}, True),
        ({"amount_min": "1"}, False),
        ({"service": "X"}, False),
    ],
)
def test_the_search_counts_from_the_status_counters_unless_it_filters(
    client, world, params, counted
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        world.invoice(S.MISE_A_DISPOSITION, service=world.service_x)
    world.invoice(S.MISE_EN_PAIEMENT, service=world.service_x)
    world.invoice(S.MISE_EN_PAIEMENT, service=world.service_y)  # outside reviewer_x's scope
    world.invoice(S.BROUILLON, service=world.service_x)  # never received
    if params.get("service"):
        params = {**params, "service": world.service_x.pk}
    client.force_login(world.reviewer_x)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    counts = [q["sql"] for q in captured if "COUNT(" in (q["sql"] or "")]
    assert bool(counts) is not counted
    expected = 1 if params.get("status") else 3
    assert response.context["page"].paginator.count == expected
    assert len(response.context["invoices"]) == expected


def test_synthesis_counts_are_written_with_the_thousands_separator(client, world, monkeypatch):
    """Exact counts can be large (issue 10: 77,609 overdue at the bench's State): each is
    written with the language's grouping, in French and in English."""
    from invoicing.received import services

    counts = {"waiting": 90418, "overdue": 1, "suspended": 0}
    monkeypatch.setattr(services, "synthesis_counts", lambda user, scope=None: dict(counts))
    client.force_login(world.reviewer)
    for language, expected in (
        ("fr", ["90\xa0418 factures à traiter", "1 en retard", "0 suspendue"]),
        ("en", ["90,418 invoices to process", "1 overdue", "0 suspended"]),
    ):
        html = client.get(f"{SYNTHESIS}?lang={language}").content.decode()
        for text in expected:
            assert text in html, (language, text)
