"""The Commitments screens: actor matrix (with data that could leak), forms, N+1 guard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.enums import SupplierAnswer
from commitments.models import Commitment, CommitmentInvoice
from tests.factories.invoicing import InvoiceFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("commitments:index")


def get(client, user, url, **params):
    if user is not None:
        client.force_login(user)
    return client.get(url, params)


def post(client, user, url, data=None):
    if user is not None:
        client.force_login(user)
    return client.post(url, data or {})


# --- The list --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_name", "status", "shown", "hidden", "can_create"),
    [
        ("main_manager", 200, "EJ-MINE", "EJ-OTHER-PUBLIC", True),
        ("secondary_manager", 200, "EJ-MINE", "EJ-OTHER-PUBLIC", True),
        ("change_user", 200, "EJ-MINE", "EJ-OTHER-PUBLIC", True),
        ("view_user", 200, "EJ-MINE", "EJ-OTHER-PUBLIC", False),
        ("other_public_user", 200, "EJ-OTHER-PUBLIC", "EJ-MINE", True),
        ("supplier_main", 200, "EJ-MINE", "EJ-OTHER-SUPPLIER", False),
        ("other_supplier_main", 200, "EJ-OTHER-SUPPLIER", "EJ-MINE", False),
        ("reviewer", 403, None, "EJ-MINE", False),
        ("support", 403, None, "EJ-MINE", False),
    ],
)
def test_index_actor_matrix(client, world, actor_name, status, shown, hidden, can_create):
    world.commitment("EJ-MINE")
    response = get(client, getattr(world, actor_name), INDEX)
    assert response.status_code == status
    content = response.content.decode()
    if shown:
        assert f'data-commitment="{shown}"' in content
    assert f'data-commitment="{hidden}"' not in content
    assert ('id="create-commitment"' in content) is can_create


def test_index_anonymous_is_sent_to_login(client, world):
    world.commitment("EJ-MINE")
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "EJ-MINE" not in response.content.decode()


def test_index_supplier_side_shows_orders_with_linked_invoices(client, world):
    commitment = world.commitment("EJ-MINE")
    invoice = InvoiceFactory(supplier=world.supplier, recipient=world.public, number="F-LINKED")
    CommitmentInvoice.objects.create(commitment=commitment, invoice=invoice)
    content = get(client, world.supplier_main, INDEX).content.decode()
    assert "Mes commandes" in content
    assert "F-LINKED" in content
    assert world.public.company_name in content


def test_index_filters_number_state_type_and_supplier(client, world):
    world.commitment("EJ-ALPHA", commitment_type="SUBVENTION")
    world.commitment("EJ-BETA", is_active=False)
    world.commitment("EJ-GAMMA", supplier=world.other_supplier)
    user = world.view_user

    def shown(**params):
        content = get(client, user, INDEX, **params).content.decode()
        return {
            n for n in ("EJ-ALPHA", "EJ-BETA", "EJ-GAMMA") if f'data-commitment="{n}"' in content
        }

    assert shown(number="alpha") == {"EJ-ALPHA"}
    assert shown(state="INACTIF") == {"EJ-BETA"}
    assert shown(state="COMMANDE") == {"EJ-ALPHA", "EJ-GAMMA"}
    assert shown(commitment_type="SUBVENTION") == {"EJ-ALPHA"}
    assert shown(party="Autre Fournisseur") == {"EJ-GAMMA"}
    assert shown(party=world.other_supplier.identifier) == {"EJ-GAMMA"}
    assert shown(state="NIMPORTE") == {"EJ-ALPHA", "EJ-BETA", "EJ-GAMMA"}


def test_index_paginates(client, world):
    for n in range(30):
        world.commitment(f"EJ-{n:03d}")
    first = get(client, world.view_user, INDEX).content.decode()
    second = get(client, world.view_user, INDEX, page=2).content.decode()
    assert first.count("data-commitment=") == 25
    assert second.count("data-commitment=") == 6  # 5 + the leaking one of other_supplier


def _count_queries(client, user, url):
    client.force_login(user)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _make_rows(world, count, start):
    for n in range(start, start + count):
        commitment = world.commitment(f"EJ-N{n}")
        invoice = InvoiceFactory(supplier=world.supplier, recipient=world.public)
        CommitmentInvoice.objects.create(commitment=commitment, invoice=invoice)


@pytest.mark.parametrize("actor_name", ["view_user", "supplier_main"])
def test_index_same_number_of_queries_for_1_and_3_rows(client, world, actor_name):
    Commitment.objects.all().delete()
    user = getattr(world, actor_name)
    _make_rows(world, 1, 0)
    one = _count_queries(client, user, INDEX)
    _make_rows(world, 2, 1)
    three = _count_queries(client, user, INDEX)
    assert one == three


def test_export_csv_is_scoped_and_filtered(client, world):
    world.commitment("EJ-CSV-1")
    world.commitment("EJ-CSV-2", is_active=False)
    response = get(client, world.view_user, reverse("commitments:export"), state="COMMANDE")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment")
    assert "EJ-CSV-1" in content
    assert "EJ-CSV-2" not in content
    assert "EJ-OTHER-PUBLIC" not in content


# --- The detail --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_name", "status", "manage", "answer"),
    [
        ("main_manager", 200, True, False),
        ("secondary_manager", 200, True, False),
        ("change_user", 200, True, False),
        ("view_user", 200, False, False),
        ("supplier_main", 200, False, True),
        ("supplier_view", 200, False, False),
        ("other_public_user", 404, False, False),
        ("other_supplier_main", 404, False, False),
        ("reviewer", 403, False, False),
        ("support", 403, False, False),
    ],
)
def test_detail_actor_matrix(client, world, actor_name, status, manage, answer):
    commitment = world.commitment("EJ-MINE")
    invoice = InvoiceFactory(supplier=world.supplier, recipient=world.public, number="F-LINK-1")
    CommitmentInvoice.objects.create(commitment=commitment, invoice=invoice)
    response = get(
        client, getattr(world, actor_name), reverse("commitments:detail", args=[commitment.pk])
    )
    assert response.status_code == status
    content = response.content.decode()
    assert ('id="manage-actions"' in content) is manage
    assert ('id="answer-block"' in content) is answer
    if status == 200:
        assert 'data-invoice="F-LINK-1"' in content
        assert 'id="delete-refused"' in content or not manage
    else:
        assert "F-LINK-1" not in content


def test_detail_anonymous_is_sent_to_login(client, world):
    commitment = world.commitment("EJ-MINE")
    response = client.get(reverse("commitments:detail", args=[commitment.pk]))
    assert response.status_code == 302


# --- Create and edit ---------------------------------------------------------------------


def form_data(world, **overrides):
    data = {
        "recipient": world.public.pk,
        "number": "EJ-NEW",
        "commitment_type": "BON_DE_COMMANDE",
        "label": "Ramettes de papier",
        "supplier_identifier": world.supplier.identifier,
        "service": "",
        "amount_ht": "1234.50",
        "currency": "eur",
        "date": "2026-03-01",
        "valid_from": "2026-03-01",
        "valid_until": "2026-12-31",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_create_by_modification_user(client, world):
    response = post(client, world.change_user, reverse("commitments:create"), form_data(world))
    commitment = Commitment.objects.get(recipient=world.public, number="EJ-NEW")
    assert response.status_code == 302
    assert response["Location"] == reverse("commitments:detail", args=[commitment.pk])
    assert commitment.amount_ht == Decimal("1234.50")
    assert commitment.currency == "EUR"
    assert commitment.supplier == world.supplier


def test_create_twice_keeps_one_and_tells_at_the_field(client, world):
    post(client, world.change_user, reverse("commitments:create"), form_data(world))
    response = post(client, world.change_user, reverse("commitments:create"), form_data(world))
    assert response.status_code == 200
    assert "existe déjà pour cette structure" in response.content.decode()
    assert Commitment.objects.filter(recipient=world.public, number="EJ-NEW").count() == 1


def test_create_unknown_supplier_shows_field_error_and_creates_nothing(client, world):
    response = post(
        client,
        world.change_user,
        reverse("commitments:create"),
        form_data(world, supplier_identifier="12345678900000"),
    )
    assert response.status_code == 200
    assert "Aucune structure active ne porte l&#x27;identifiant" in response.content.decode()
    assert not Commitment.objects.filter(number="EJ-NEW").exists()


def test_create_for_a_foreign_public_structure_is_refused(client, world):
    response = post(
        client,
        world.change_user,
        reverse("commitments:create"),
        form_data(world, recipient=world.other_public.pk),
    )
    assert response.status_code == 200
    assert not Commitment.objects.filter(number="EJ-NEW").exists()


@pytest.mark.parametrize(
    ("actor_name", "status"),
    [("view_user", 403), ("supplier_main", 403), ("reviewer", 403), ("support", 403)],
)
def test_create_refused_without_modification_on_a_public_structure(
    client, world, actor_name, status
):
    response = post(
        client, getattr(world, actor_name), reverse("commitments:create"), form_data(world)
    )
    assert response.status_code == status
    assert not Commitment.objects.filter(number="EJ-NEW").exists()


@pytest.mark.parametrize(
    ("actor_name", "status"),
    [
        ("main_manager", 302),
        ("change_user", 302),
        ("view_user", 403),
        ("supplier_main", 403),
        ("other_public_user", 404),
        ("reviewer", 403),
    ],
)
def test_edit_actor_matrix(client, world, actor_name, status):
    commitment = world.commitment("EJ-MINE")
    url = reverse("commitments:edit", args=[commitment.pk])
    response = post(client, getattr(world, actor_name), url, form_data(world, label="Changé"))
    assert response.status_code == status
    commitment.refresh_from_db()
    assert (commitment.label == "Changé") is (status == 302)


def test_edit_form_shows_current_values(client, world):
    commitment = world.commitment("EJ-MINE", label="Objet initial")
    content = get(
        client, world.change_user, reverse("commitments:edit", args=[commitment.pk])
    ).content.decode()
    assert 'value="Objet initial"' in content
    assert 'name="recipient"' not in content


# --- Deactivate, delete, answer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_name", "status"),
    [
        ("change_user", 302),
        ("secondary_manager", 302),
        ("view_user", 403),
        ("supplier_main", 403),
        ("other_public_user", 404),
    ],
)
def test_deactivate_actor_matrix(client, world, actor_name, status):
    commitment = world.commitment("EJ-MINE")
    response = post(
        client, getattr(world, actor_name), reverse("commitments:deactivate", args=[commitment.pk])
    )
    assert response.status_code == status
    commitment.refresh_from_db()
    assert commitment.is_active is (status != 302)


def test_activate_brings_it_back(client, world):
    commitment = world.commitment("EJ-MINE", is_active=False)
    post(client, world.change_user, reverse("commitments:activate", args=[commitment.pk]))
    commitment.refresh_from_db()
    assert commitment.is_active


@pytest.mark.parametrize(
    ("actor_name", "status"),
    [("change_user", 302), ("view_user", 403), ("supplier_main", 403), ("other_public_user", 404)],
)
def test_delete_actor_matrix(client, world, actor_name, status):
    commitment = world.commitment("EJ-MINE")
    response = post(
        client, getattr(world, actor_name), reverse("commitments:delete", args=[commitment.pk])
    )
    assert response.status_code == status
    assert Commitment.objects.filter(pk=commitment.pk).exists() is (status != 302)


def test_delete_with_linked_invoice_is_refused_clearly(client, world):
    commitment = world.commitment("EJ-MINE")
    invoice = InvoiceFactory(supplier=world.supplier, recipient=world.public)
    CommitmentInvoice.objects.create(commitment=commitment, invoice=invoice)
    url = reverse("commitments:delete", args=[commitment.pk])
    confirm = get(client, world.change_user, url).content.decode()
    assert 'id="delete-refused"' in confirm
    assert 'id="confirm-delete"' not in confirm
    response = client.post(url, follow=True)
    assert "ne peut pas être supprimé" in response.content.decode()
    assert Commitment.objects.filter(pk=commitment.pk).exists()


@pytest.mark.parametrize(
    ("actor_name", "status", "answered"),
    [
        ("supplier_main", 302, True),
        ("supplier_view", 403, False),
        ("change_user", 403, False),
        ("other_supplier_main", 404, False),
        ("reviewer", 403, False),
    ],
)
def test_answer_actor_matrix(client, world, actor_name, status, answered):
    commitment = world.commitment("EJ-MINE")
    response = post(
        client,
        getattr(world, actor_name),
        reverse("commitments:answer", args=[commitment.pk]),
        {"answer": SupplierAnswer.REFUSEE},
    )
    assert response.status_code == status
    commitment.refresh_from_db()
    assert (commitment.supplier_answer == SupplierAnswer.REFUSEE) is answered


def test_answer_twice_differently_is_refused_with_a_message(client, world):
    commitment = world.commitment("EJ-MINE")
    url = reverse("commitments:answer", args=[commitment.pk])
    post(client, world.supplier_main, url, {"answer": SupplierAnswer.ACCEPTEE})
    response = client.post(url, {"answer": SupplierAnswer.REFUSEE}, follow=True)
    assert "déjà répondu" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.supplier_answer == SupplierAnswer.ACCEPTEE


@pytest.mark.parametrize(
    "name", ["create", "export", "edit", "deactivate", "activate", "delete", "answer"]
)
def test_anonymous_is_sent_to_login_and_changes_nothing(client, world, name):
    commitment = world.commitment("EJ-MINE")
    args = [] if name in ("create", "export") else [commitment.pk]
    response = client.post(reverse(f"commitments:{name}", args=args), form_data(world))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    commitment.refresh_from_db()
    assert (commitment.is_active, commitment.supplier_answer, commitment.label) == (True, None, "")
    assert not Commitment.objects.filter(number="EJ-NEW").exists()
