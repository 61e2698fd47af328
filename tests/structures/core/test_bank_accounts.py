"""Bank details (BNK-1/2): IBAN and BIC validated, managers only."""

import pytest
from django.urls import reverse

from structures.models import BankAccount, ManagerAction
from tests.factories.structures import BankAccountFactory
from tests.structures.core.conftest import MANAGERS, NOT_MANAGERS, count_queries

pytestmark = pytest.mark.django_db
IBAN = "FR7630004000010001234567830"


def _data(**changes) -> dict:
    data = {"label": "Compte courant", "iban": IBAN, "bic": "BNPAFRPPXXX", "is_active": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def leak(personas):
    return BankAccountFactory(structure=personas.other_structure, label="Compte secret")


@pytest.mark.parametrize("persona", MANAGERS)
def test_bank_accounts_manager_lists_own_accounts_only(client, personas, leak, persona):
    BankAccountFactory(structure=personas.structure, label="Compte principal")
    client.force_login(getattr(personas, persona))
    content = client.get(
        reverse("structures:bank_accounts", args=[personas.structure.pk])
    ).content.decode()
    assert "Compte principal" in content
    assert "Compte secret" not in content


@pytest.mark.parametrize("persona", NOT_MANAGERS)
@pytest.mark.parametrize("name", ["bank_accounts", "bank_account_create"])
def test_bank_pages_not_manager_gets_404(client, personas, leak, persona, name):
    client.force_login(getattr(personas, persona))
    assert (
        client.get(reverse(f"structures:{name}", args=[personas.structure.pk])).status_code == 404
    )


def test_bank_accounts_anonymous_is_sent_to_login(client, personas):
    assert (
        client.get(reverse("structures:bank_accounts", args=[personas.structure.pk])).status_code
        == 302
    )


@pytest.mark.parametrize("persona", MANAGERS)
def test_bank_account_create_valid_is_saved_compact(client, personas, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("structures:bank_account_create", args=[personas.structure.pk]),
        _data(iban="fr76 3000 4000 0100 0123 4567 830", bic="bnpafrpp", is_factor="on"),
    )
    account = BankAccount.objects.get(structure=personas.structure)
    assert response.status_code == 302
    assert account.iban == IBAN and account.bic == "BNPAFRPP"
    assert account.is_factor and account.is_active
    assert ManagerAction.objects.filter(action="BANK_ACCOUNT_CREATED").exists()


def test_bank_account_create_bad_iban_is_refused_at_the_field(client, personas):
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:bank_account_create", args=[personas.structure.pk]),
        _data(iban="FR7630004000010001234567831"),
    )
    assert "Cet IBAN n&#x27;est pas valide" in response.content.decode()
    assert not BankAccount.objects.filter(structure=personas.structure).exists()


def test_bank_account_create_bic_of_nine_characters_is_refused(client, personas):
    client.force_login(personas.main_manager)
    response = client.post(
        reverse("structures:bank_account_create", args=[personas.structure.pk]),
        _data(bic="BNPAFRPPX"),
    )
    assert "Le BIC compte 8 ou 11 caractères ; vous en avez saisi 9." in response.content.decode()
    assert not BankAccount.objects.filter(structure=personas.structure).exists()


def test_bank_account_double_submit_creates_one_account(client, personas):
    client.force_login(personas.main_manager)
    url = reverse("structures:bank_account_create", args=[personas.structure.pk])
    client.post(url, _data())
    second = client.post(url, _data())
    assert "figure déjà" in second.content.decode()
    assert BankAccount.objects.filter(structure=personas.structure).count() == 1


def test_bank_account_edit_and_deactivate(client, personas):
    account = BankAccountFactory(structure=personas.structure)
    client.force_login(personas.secondary_manager)
    client.post(
        reverse("structures:bank_account_edit", args=[personas.structure.pk, account.pk]),
        _data(label="Renommé"),
    )
    response = client.post(
        reverse("structures:bank_account_deactivate", args=[personas.structure.pk, account.pk])
    )
    account.refresh_from_db()
    assert response.status_code == 302
    assert account.label == "Renommé" and not account.is_active


def test_bank_account_deactivate_get_is_not_allowed(client, personas):
    account = BankAccountFactory(structure=personas.structure)
    client.force_login(personas.main_manager)
    url = reverse("structures:bank_account_deactivate", args=[personas.structure.pk, account.pk])
    assert client.get(url).status_code == 405
    account.refresh_from_db()
    assert account.is_active


@pytest.mark.parametrize("persona", ["simple_change", "other_user", "support"])
def test_bank_account_deactivate_not_manager_is_404(client, personas, persona):
    account = BankAccountFactory(structure=personas.structure)
    client.force_login(getattr(personas, persona))
    url = reverse("structures:bank_account_deactivate", args=[personas.structure.pk, account.pk])
    assert client.post(url).status_code == 404
    account.refresh_from_db()
    assert account.is_active


def test_bank_account_of_other_structure_through_own_id_is_404(client, personas, leak):
    client.force_login(personas.main_manager)
    url = reverse("structures:bank_account_edit", args=[personas.structure.pk, leak.pk])
    assert client.post(url, _data(label="Piraté")).status_code == 404
    leak.refresh_from_db()
    assert leak.label == "Compte secret"


def test_bank_accounts_list_same_queries_for_1_and_3_rows(client, personas):
    client.force_login(personas.main_manager)
    url = reverse("structures:bank_accounts", args=[personas.structure.pk])
    BankAccountFactory(structure=personas.structure)
    one = count_queries(client, url)
    BankAccountFactory.create_batch(2, structure=personas.structure)
    three = count_queries(client, url)
    assert one == three
