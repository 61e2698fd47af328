import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_logged_in_page_redirects_anonymous_to_login(client):
    response = client.get(reverse("accounts:my_account"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
