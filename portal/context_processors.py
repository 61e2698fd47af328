from django.conf import settings
from django.urls import reverse

from portal.navigation import tabs_for


def portal(request) -> dict:
    user = getattr(request, "user", None)
    tabs = []
    if user is not None and user.is_authenticated:
        for area in tabs_for(user):
            url = reverse(area.url_name)
            active = request.path == url if url == "/" else request.path.startswith(url)
            tabs.append({"area": area, "url": url, "active": active})
    return {
        "portal_tabs": tabs,
        "portal_demo_banner": settings.DEMO_BANNER,
        "portal_debug": settings.DEBUG,
    }
