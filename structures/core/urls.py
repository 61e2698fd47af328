"""URLs of the structure itself (namespace "structures"): creation, edition, services, bank
details, billing mandate, SIRET change."""

from django.urls import path

from structures.core import views

urlpatterns = [
    # Creation (STR-7).
    path("creer/", views.create, name="create"),
    # Managers of the structure (ROL-6).
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/services/", views.service_list, name="services"),
    path("<int:pk>/services/ajouter/", views.service_create, name="service_create"),
    path("<int:pk>/services/<int:service_pk>/", views.service_edit, name="service_edit"),
    path("<int:pk>/coordonnees-bancaires/", views.bank_account_list, name="bank_accounts"),
    path(
        "<int:pk>/coordonnees-bancaires/ajouter/",
        views.bank_account_create,
        name="bank_account_create",
    ),
    path(
        "<int:pk>/coordonnees-bancaires/<int:account_pk>/",
        views.bank_account_edit,
        name="bank_account_edit",
    ),
    path(
        "<int:pk>/coordonnees-bancaires/<int:account_pk>/desactiver/",
        views.bank_account_deactivate,
        name="bank_account_deactivate",
    ),
    path("<int:pk>/mandat-de-facturation/", views.mandate, name="mandate"),
    path("<int:pk>/modifier-identifiant/", views.siret_change, name="siret_change"),
]
