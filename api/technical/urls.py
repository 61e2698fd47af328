"""`structures/gestionnaire/structures/<pk>/utilisateur-technique/…` (TEC-1..TEC-4)."""

from django.urls import path

from api.technical import views

app_name = "technical"

urlpatterns = [
    path("", views.technical, name="technical"),
    path("creer/", views.create, name="create"),
    path("reinitialiser/", views.reset, name="reset"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
]
