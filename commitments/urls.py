from django.urls import path

from commitments import views

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
]
