"""The portal's URLconf, plus a stand-in page for every area whose app is not built yet.

Areas are "built" when their URL reverses (portal/areas.py). These tests need areas to
subscribe to whatever the progress of the other apps: each missing area URL is added to
its app's namespace (the app's real URLs are kept), so the areas ISSUED, RECEIVED,
TO_VALIDATE and COMMITMENTS are always built here.
"""

from django.http import HttpResponse
from django.urls import NoReverseMatch, URLResolver, include, path, reverse

from portal import areas
from portal.urls import urlpatterns as portal_patterns


def _stand_in(request):
    return HttpResponse("area stand-in")


def _missing_by_namespace() -> dict[str, list[str]]:
    missing: dict[str, list[str]] = {}
    for area in areas.AREAS:
        if not area.url_name:
            continue
        try:
            reverse(area.url_name, urlconf="portal.urls")
        except NoReverseMatch:
            namespace, name = area.url_name.split(":")
            missing.setdefault(namespace, []).append(name)
    return missing


def _patterns():
    missing = _missing_by_namespace()
    result = []
    for pattern in portal_patterns:
        namespace = getattr(pattern, "namespace", None)
        if isinstance(pattern, URLResolver) and namespace in missing:
            stand_ins = [
                path(f"__area-{name}/", _stand_in, name=name) for name in missing[namespace]
            ]
            pattern = path(
                str(pattern.pattern), include((list(pattern.url_patterns) + stand_ins, namespace))
            )
        result.append(pattern)
    return result


urlpatterns = _patterns()
