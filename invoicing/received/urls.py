"""Received invoices area (RECEIVED, DOMAIN §7), under /factures/recues/."""

from django.urls import path

from invoicing.received import export
from invoicing.received import views as received_views

urlpatterns = [
    path("recues/", received_views.synthesis, name="received"),
    path("recues/rechercher/", received_views.search, name="received_search"),
    path("recues/rechercher/export.csv", export.export, name="received_export"),
    path("recues/traitement/", received_views.bulk_process, name="received_bulk"),
    path("recues/<int:pk>/", received_views.detail, name="received_detail"),
    path("recues/<int:pk>/traiter/", received_views.process, name="received_process"),
    path("recues/<int:pk>/dossier/", received_views.download, name="received_download"),
]
