from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.my_account, name="my_account"),
    path("pieces-jointes/<int:pk>/", views.attachment, name="attachment"),
    path("pieces-jointes/<int:pk>/supprimer/", views.attachment_delete, name="attachment_delete"),
    path("nouveau-lien-d-activation/", views.resend_activation, name="resend_activation"),
    path("deverrouiller/<str:token>/", views.unlock, name="unlock"),
]
