"""URLs of Manager activities (the MANAGER area): `gestionnaire/...`."""

from django.urls import path

from structures.manager import members, views

urlpatterns = [
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
    path("gestionnaire/structures/<int:pk>/utilisateurs/", members.members, name="members"),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs.csv",
        members.members_csv,
        name="members_csv",
    ),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs/<int:user_id>/",
        members.member,
        name="member",
    ),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs/<int:user_id>/detacher/",
        members.detach,
        name="detach",
    ),
    path(
        "gestionnaire/structures/<int:pk>/utilisateurs/<int:user_id>/role/",
        members.set_role,
        name="set_role",
    ),
    path("gestionnaire/structures/<int:pk>/espaces/", members.structure_areas, name="areas"),
    path(
        "gestionnaire/structures/<int:pk>/abonnements/",
        members.subscriptions_bulk,
        name="subscriptions_bulk",
    ),
]
