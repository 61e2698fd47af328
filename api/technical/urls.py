"""`structures/gestionnaire/structures/<pk>/utilisateur-technique/…` (TEC-1..TEC-4): the
managed structure's id is in each pattern."""

from django.urls import path

from api.technical import views

app_name = "technical"

urlpatterns = [
    path("<int:pk>/utilisateur-technique/", views.technical, name="technical"),
    path("<int:pk>/utilisateur-technique/creer/", views.create, name="create"),
    path("<int:pk>/utilisateur-technique/reinitialiser/", views.reset, name="reset"),
    path("<int:pk>/utilisateur-technique/export.pdf", views.export_pdf, name="export_pdf"),
]
