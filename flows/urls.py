"""FLOWS area URLs (namespace "flows", under /flux/): FLW-11."""

from django.urls import path

from flows import views

app_name = "flows"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/compte-rendu/", views.report, name="report"),
]
