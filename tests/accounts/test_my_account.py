"""My account (ACC-1, ACC-2, ACC-8, ACC-9, ACC-10, NOT-4)."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import User
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:my_account")


def post_block(client, block, **data):
    payload = {"block": block}
    payload.update({f"{block}-{key}": value for key, value in data.items()})
    return client.post(URL, payload)


def test_my_account_anonymous_redirected_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "persona",
    [
        "main_manager",
        "secondary_manager",
        "simple_view",
        "simple_change",
        "other_user",
        "public_reviewer",
        "support",
        "unattached",
    ],
)
def test_my_account_every_actor_sees_only_own_data(client, personas, persona):
    user = getattr(personas, persona)
    others = [u for name, u in personas.all().items() if name != persona]
    client.force_login(user)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{user.email}"' in content
    assert f'value="{user.last_name}"' in content
    for other in others:
        assert other.email not in content
    assert reverse("account_change_password") in content
    assert reverse("mfa_index") in content


def test_my_account_personal_info_updated(client):
    user = UserFactory()
    client.force_login(user)

    response = post_block(
        client, "personal", last_name="Martin", first_name="Léa", phone="+33 6 12 34 56 78"
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.last_name, user.first_name, user.phone) == ("Martin", "Léa", "+33 6 12 34 56 78")


def test_my_account_personal_info_invalid_phone_changes_nothing(client):
    user = UserFactory(phone="0102030405")
    client.force_login(user)

    response = post_block(client, "personal", last_name="Martin", first_name="Léa", phone="abc")

    assert response.status_code == 400
    assert "phone" in response.context["personal_form"].errors
    assert "fr-input-group--error" in response.content.decode()
    user.refresh_from_db()
    assert user.phone == "0102030405"


def test_my_account_contact_address_updated_and_used_for_notifications(client):
    user = UserFactory()
    client.force_login(user)

    post_block(client, "contact", contact_email="Equipe.Compta@Example.test")

    user.refresh_from_db()
    assert user.contact_email == "equipe.compta@example.test"
    assert user.notification_email == "equipe.compta@example.test"
    assert user.email != user.contact_email


def test_my_account_contact_address_invalid_shows_error_and_keeps_old(client):
    user = UserFactory(contact_email="old@example.test")
    client.force_login(user)

    response = post_block(client, "contact", contact_email="not-an-email")

    assert response.status_code == 400
    assert "contact_email" in response.context["contact_form"].errors
    user.refresh_from_db()
    assert user.contact_email == "old@example.test"


def test_my_account_language_stored_and_applied(client):
    user = UserFactory(language="fr")
    client.force_login(user)

    post_block(client, "language", language="en")
    page = client.get(URL)

    user.refresh_from_db()
    assert user.language == "en"
    assert '<html lang="en"' in page.content.decode()


def test_lang_query_switch_stored_on_user_and_follows_next_session(client):
    user = UserFactory(language="fr")
    client.force_login(user)

    switched = client.get(URL + "?lang=en")
    user.refresh_from_db()
    client.logout()
    client.force_login(user)
    later = client.get(URL)

    assert '<html lang="en"' in switched.content.decode()
    assert user.language == "en"
    assert '<html lang="en"' in later.content.decode()


def test_my_account_invalid_language_refused(client):
    user = UserFactory(language="fr")
    client.force_login(user)

    response = post_block(client, "language", language="de")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language == "fr"


def test_activity_notifications_unticked_by_default_and_user_can_tick_and_untick(client, personas):
    user = personas.simple_change
    client.force_login(user)
    assert user.notify_activity is False

    post_block(client, "preferences", notify_activity="on")
    user.refresh_from_db()
    ticked = user.notify_activity
    post_block(client, "preferences")
    user.refresh_from_db()

    assert ticked is True
    assert user.notify_activity is False


def test_activity_notifications_main_manager_cannot_untick(client, personas):
    manager = personas.main_manager
    User.objects.filter(pk=manager.pk).update(notify_activity=True)
    client.force_login(manager)

    page = client.get(URL)
    post_block(client, "preferences")  # an unticked box, forged

    manager.refresh_from_db()
    assert manager.notify_activity is True
    assert page.context["notifications_locked"] is True
    assert page.context["preferences_form"]["notify_activity"].value() is True
    assert "disabled" in str(page.context["preferences_form"]["notify_activity"])
    with pytest.raises(ValidationError):
        services.set_activity_notifications(manager, False, actor=manager)


def test_activity_notifications_main_manager_receives_them_even_if_never_ticked(personas):
    assert services.receives_activity_notifications(personas.main_manager) is True
    assert services.receives_activity_notifications(personas.secondary_manager) is False


def test_services_refuse_another_actor(personas):
    with pytest.raises(PermissionDenied):
        services.update_contact_email(
            personas.simple_view, actor=personas.other_user, contact_email="x@example.test"
        )


# --- ACC-1: the connection address is final ---------------------------------------------


def test_connection_address_not_changed_by_my_account_post(client):
    user = UserFactory(email="fixed@example.test")
    client.force_login(user)

    post_block(
        client, "personal", last_name="A", first_name="B", phone="", email="new@example.test"
    )
    client.post(
        URL, {"block": "personal", "email": "new@example.test", "personal-email": "x@example.test"}
    )

    user.refresh_from_db()
    assert user.email == "fixed@example.test"


def test_connection_address_allauth_email_page_cannot_add_or_switch(client):
    user = UserFactory(email="fixed@example.test")
    client.force_login(user)
    url = reverse("account_email")

    page = client.get(url)
    client.post(url, {"action_add": "", "email": "new@example.test"})
    client.post(url, {"action_primary": "", "email": "new@example.test"})
    client.post(url, {"action_remove": "", "email": "fixed@example.test"})

    assert 'id="connection-address"' in page.content.decode()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "fixed@example.test"
    ]
    user.refresh_from_db()
    assert user.email == "fixed@example.test"


def test_connection_address_model_refuses_change():
    user = UserFactory(email="fixed@example.test")
    user = User.objects.get(pk=user.pk)
    user.email = "other@example.test"

    with pytest.raises(ValidationError):
        user.save()

    assert User.objects.get(pk=user.pk).email == "fixed@example.test"


def test_my_account_structure_blocks_flag_matches_library(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get(URL)

    try:
        from structures.templatetags import structures_tags  # noqa: F401

        expected = True
    except ImportError:
        expected = False
    assert response.context["structures_blocks_available"] is expected
