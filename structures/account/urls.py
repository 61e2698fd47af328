"""URLs of My account's links and subscriptions: `rattachements/...`, `abonnements/...`."""

from django.urls import path

from structures.account import views

urlpatterns = [
    # My account (ACC-8): attachments, transfer of the main role, subscriptions.
    path("rattachements/", views.my_links, name="my_links"),
    path("rattachements/demande/", views.link_request, name="link_request"),
    path("rattachements/transfert/", views.transfer, name="transfer"),
    path("abonnements/", views.my_subscriptions, name="my_subscriptions"),
    path("abonnements/ajouter/", views.subscription_request, name="subscription_request"),
    path("abonnements/factures-emises/", views.self_service, name="self_service"),
]
