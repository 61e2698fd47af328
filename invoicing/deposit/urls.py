"""Deposit URLs (namespace "invoicing", under /factures/): DEP-1..DEP-4."""

from django.urls import path

from invoicing.deposit import htmx_views, sent_views, views

urlpatterns = [
    path("emises/depot/", views.deposit, name="deposit"),
    path("emises/depot/fichier/", views.deposit_upload, name="deposit_upload"),
    path("emises/depot/formulaire/", views.deposit_form, name="deposit_form"),
    path("emises/depot/saisie/", views.deposit_entry, name="deposit_entry"),
    path("emises/depot/brouillon/<int:pk>/", views.draft_edit, name="draft_edit"),
    path("emises/depot/brouillon/<int:pk>/supprimer/", views.draft_delete, name="draft_delete"),
    path(
        "emises/depot/confirmation/<str:key>/",
        views.deposit_confirmation,
        name="deposit_confirmation",
    ),
    path("emises/depot/<int:pk>/recapitulatif/", sent_views.deposit_done, name="deposit_done"),
    path("<int:pk>/certificat-de-depot/", sent_views.certificate, name="certificate"),
    path("emises/depot/destinataire/", htmx_views.recipient_lookup, name="recipient_lookup"),
    path("emises/depot/pieces-jointes/", htmx_views.attachment_upload, name="attachment_upload"),
    path(
        "emises/depot/pieces-jointes/<int:pk>/retirer/",
        htmx_views.attachment_remove,
        name="attachment_remove",
    ),
    path("emises/depot/saisie/totaux/", htmx_views.entry_recompute, name="entry_recompute"),
]
