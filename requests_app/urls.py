from django.urls import path

from requests_app import views

app_name = "requests_app"

urlpatterns = [
    path("emises/nouvelle/", views.create, name="create"),
    path("support/<int:pk>/realiser/", views.carry_out, name="support_carry_out"),
]
for scope, prefix in (("sent", "emises"), ("received", "recues"), ("support", "support")):
    kwargs = {"scope_name": scope}
    urlpatterns += [
        path(f"{prefix}/", views.listing, kwargs, name=scope),
        path(f"{prefix}/<int:pk>/", views.detail, kwargs, name=f"{scope}_detail"),
        path(f"{prefix}/<int:pk>/agir/", views.act, kwargs, name=f"{scope}_act"),
        path(
            f"{prefix}/<int:pk>/fichiers/<int:attachment_pk>/",
            views.download,
            kwargs,
            name=f"{scope}_download",
        ),
    ]
