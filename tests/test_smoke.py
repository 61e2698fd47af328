import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_requires_login_redirects_anonymous(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
