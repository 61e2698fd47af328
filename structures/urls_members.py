from django.urls import path

from structures import views

urlpatterns = [
    path("rattachement/", views.link_request, name="link_request"),
]
