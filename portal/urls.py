from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import views

admin.site.site_header = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("mon-compte/", include("accounts.urls")),
    path("structures/", include("structures.urls")),
    path("factures/", include("invoicing.urls")),
    path("validation/", include("validation.urls")),
    path("engagements/", include("commitments.urls")),
    path("sollicitations/", include("requests_app.urls")),
    path("assistant/", include("assistant.urls")),
    path("admin/", admin.site.urls),
    path("dev/", include("notifications.urls")),
]
