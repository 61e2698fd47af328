"""Members side of structures: My account blocks and the Manager activities area."""

from django.urls import path

from structures import membership_views as views

urlpatterns = [
    # My account (ACC-8): attachments, transfer of the main role, subscriptions.
    path("rattachements/", views.my_links, name="my_links"),
    path("rattachements/demande/", views.link_request, name="link_request"),
    path("rattachements/transfert/", views.transfer, name="transfer"),
    path("abonnements/", views.my_subscriptions, name="my_subscriptions"),
    path("abonnements/ajouter/", views.subscription_request, name="subscription_request"),
    path("abonnements/factures-emises/", views.self_service, name="self_service"),
    # Manager activities (MANAGER).
    path("gestionnaire/", views.manager, name="manager"),
    path("gestionnaire/historique/", views.history, name="history"),
    path("gestionnaire/rattacher/", views.attach, name="attach"),
    path(
        "gestionnaire/renvoyer-activation/",
        views.resend_activation,
        name="resend_activation",
    ),
    path("gestionnaire/duplication-des-droits/", views.duplicate, name="duplicate"),
    path(
        "gestionnaire/demandes-de-rattachement/<int:pk>/",
        views.link_request_decide,
        name="link_request_decide",
    ),
    path(
        "gestionnaire/demandes-d-abonnement/<int:pk>/",
        views.subscription_request_decide,
        name="subscription_request_decide",
    ),
    path("gestionnaire/structures/<int:pk>/utilisateurs/", views.members, name="members"),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs.csv",
        views.members_csv,
        name="members_csv",
    ),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs/<int:user_id>/",
        views.member,
        name="member",
    ),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs/<int:user_id>/detacher/",
        views.detach,
        name="detach",
    ),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs/<int:user_id>/role/",
        views.set_role,
        name="set_role",
    ),
    path("gestionnaire/structures/<int:pk>/espaces/", views.structure_areas, name="areas"),
    path(
        "gestionnaire/structures/<int:pk>/abonnements/",
        views.subscriptions_bulk,
        name="subscriptions_bulk",
    ),
]
