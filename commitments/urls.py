from django.urls import path

from commitments import attachment_views, views

app_name = "commitments"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export, name="export"),
    path("nouveau/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/desactiver/", views.deactivate, name="deactivate"),
    path("<int:pk>/activer/", views.activate, name="activate"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
    path("<int:pk>/reponse/", views.answer, name="answer"),
    path("<int:pk>/pieces-jointes/", attachment_views.upload, name="attachment_upload"),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_pk>/",
        attachment_views.download,
        name="attachment",
    ),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_pk>/supprimer/",
        attachment_views.delete,
        name="attachment_delete",
    ),
]
