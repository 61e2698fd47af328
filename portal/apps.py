from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    name = "portal"


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin, with the portal's login and its second factor (portal/admin.py)."""

    default = False  # PortalConfig is this module's app; this one is named in INSTALLED_APPS
    default_site = "portal.admin.PortalAdminSite"
