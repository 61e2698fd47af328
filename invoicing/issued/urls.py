"""Issued invoices area (Factures émises), under /factures/emises/, and the attachment
download shared by every area."""

from django.urls import path

from invoicing.issued import export, views

urlpatterns = [
    path("emises/", views.synthesis, name="issued"),
    path("emises/rechercher/", views.search, name="issued_search"),
    path("emises/rechercher/export.csv", export.export, name="issued_export"),
    path("emises/acquittements/", views.acknowledgements, name="issued_acknowledgements"),
    path("emises/<int:pk>/", views.detail, name="issued_detail"),
    path("emises/<int:pk>/completer/", views.complete, name="issued_complete"),
    path("emises/<int:pk>/recycler/", views.recycle, name="issued_recycle"),
    path("emises/<int:pk>/acquitter/", views.acknowledge, name="issued_acknowledge"),
    path(
        "emises/<int:pk>/traiter-rejet/",
        views.process_rejection,
        name="issued_process_rejection",
    ),
    path(
        "emises/<int:pk>/corriger-valideur/",
        views.correct_validator,
        name="issued_correct_validator",
    ),
    path(
        "pieces-jointes/<int:invoice_pk>/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
]
