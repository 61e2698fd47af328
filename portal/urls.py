from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api.urls import cpro_namespace, cpro_urls, token_urls
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
    path("flux/", include("flows.urls")),
    path("sollicitations/", include("requests_app.urls")),
    path("assistant/", include("assistant.urls")),
    path("admin/", admin.site.urls),
    path("dev/", include("notifications.urls")),
    path("raccordements/", include("api.connections.urls")),
    path("structures/gestionnaire/structures/", include("api.technical.urls")),
    path("cpro/", include(cpro_urls, namespace=cpro_namespace)),
    path("api/oauth/", include(token_urls)),
]
