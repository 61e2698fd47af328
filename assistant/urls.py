from django.urls import path

from assistant import views

app_name = "assistant"

urlpatterns = [
    path("", views.start, name="start"),
    path("factures/", views.invoice_menu, name="invoice_menu"),
    path("factures/suivi/", views.tracking, name="tracking"),
    path("factures/suivi/recherche/", views.search, name="search"),
    path("factures/<int:pk>/", views.invoice, name="invoice"),
    path("factures/<int:pk>/commentaire/", views.comment, name="comment"),
    path("question/", views.question, name="question"),
    path("activation/", views.activation, name="activation"),
]
