"""URLs of the public directory (DIR-1..5): no login."""

from django.urls import path

from structures.directory import views

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path("annuaire/<int:pk>/", views.directory_detail, name="directory_detail"),
    path("annuaire/telecharger/", views.directory_csv, name="directory_csv"),
]
