"""Invoices to validate area (TO_VALIDATE, DOMAIN §6), under /validation/."""

from django.urls import path

from validation import views

app_name = "validation"

urlpatterns = [
    path("", views.to_validate, name="to_validate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/valider/", views.validate, name="validate"),
    path("<int:pk>/refuser/", views.refuse, name="refuse"),
]
