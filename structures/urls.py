from django.urls import path

from structures import views

app_name = "structures"

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path("rattachement/", views.link_request, name="link_request"),
    path("creer/", views.create, name="create"),
]
