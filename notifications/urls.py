from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("mails/", views.dev_mails, name="dev_mails"),
    path("mails/<int:pk>/", views.dev_mail, name="dev_mail"),
]
