"""`raccordements/…`: the CONNECTIONS area."""

from django.urls import path

from api.connections import views

app_name = "connections"

urlpatterns = [
    path("", views.connections, name="list"),
    path("declarer/", views.declare, name="declare"),
    path("<int:pk>/revoquer/", views.revoke, name="revoke"),
]
