from django.urls import path

from structures import views

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path("creer/", views.create, name="create"),
]
